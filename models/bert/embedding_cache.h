// An on-disk cache of text embeddings, so that encoding the same texts with
// the same model and options a second time costs nothing.
//
// Layout: one folder per configuration (model identity, pooling, maximum
// length, normalisation, dimension), named by the hash of that description:
//
//   <root>/v1-<hash>/shard-<checksum>.safetensors
//
// Each insert() writes one new shard, atomically (temporary file + rename),
// so a crash leaves either no shard or a complete one; existing shards are
// never rewritten in place. A shard holds
//   vectors       float32 [n, dimension]
//   text_offsets  int64   [n + 1]   text i is text_bytes[offsets[i] .. offsets[i+1])
//   text_bytes    uint8   [total]   the UTF-8 texts themselves, so a lookup
//                                   compares whole texts and can never return
//                                   another text's vector
// and in its metadata the format, the full configuration description and a
// checksum of the three tensors. On opening, every shard is validated; one
// that is truncated, malformed, from another configuration or whose checksum
// fails is reported through the warning callback and deleted, and its texts
// are simply encoded again. When shards accumulate past kCompactAbove they
// are merged into one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace nlammr {

// Everything besides the text that the vectors depend on.
struct EmbeddingCacheKey {
  std::string model_identity;  // content hash of the checkpoint (bert_checkpoint_identity)
  std::string pooling;         // "mean", "cls", "pooler"
  int64_t max_length = 0;      // truncation length in tokens
  bool normalize = false;
  int64_t dimension = 0;

  // "format=1;model=<hash>;pooling=mean;max_length=256;normalize=1;dimension=384"
  std::string describe() const;
};

class EmbeddingCache {
 public:
  using WarningFn = std::function<void(const std::string&)>;
  static constexpr int kCompactAbove = 16;

  // Opens (creating when needed) the folder for `key` under `root` and loads
  // every valid shard into memory. Throws naming the folder when it cannot
  // be created.
  EmbeddingCache(const std::string& root, EmbeddingCacheKey key, WarningFn warn = {});

  // Copies the cached vector of `text` into out[0 .. dimension) and returns
  // true, or returns false when the text is not cached.
  bool lookup(const std::string& text, float* out) const;

  // Adds vectors [texts.size(), dimension] (row-major) as one new shard.
  // Texts already cached are skipped; nothing is written when none is new.
  void insert(const std::vector<std::string>& texts, const float* vectors);
  // Adds them to this object only, writing nothing (the ranks of a parallel
  // job other than the one that writes keep the same view of the cache).
  void insert_in_memory(const std::vector<std::string>& texts, const float* vectors);

  int64_t size() const { return static_cast<int64_t>(texts_.size()); }
  int64_t dimension() const { return key_.dimension; }
  int64_t shard_count() const { return static_cast<int64_t>(shards_.size()); }
  const std::string& directory() const { return directory_; }
  const EmbeddingCacheKey& key() const { return key_; }

 private:
  void load_shard(const std::string& path);
  // Adds the new texts; returns the index of the first entry added.
  size_t add_entries(const std::vector<std::string>& texts, const float* vectors);
  // Writes entries [first, size()) as a shard; returns its file name.
  std::string write_shard(size_t first) const;
  void compact();
  void warn(const std::string& message) const;

  EmbeddingCacheKey key_;
  std::string description_;
  std::string directory_;
  WarningFn warn_;
  std::vector<std::string> shards_;  // file paths of the shards loaded or written
  std::vector<std::string> texts_;   // entry i: its text ...
  std::vector<float> vectors_;       // ... and its vector at [i * dimension, (i + 1) * dimension)
  std::unordered_map<std::string, size_t> index_;  // text -> entry
};

}  // namespace nlammr
