// Texts in, one vector per text out: tokenizer + BERT + pooling (+ L2
// normalisation), batched by length, with an optional on-disk cache.
//
// This is what `nlammr encode` runs, and what NLA-MMR's training code calls
// to embed thousands of code descriptions once:
//
//   TextEncoderOptions options;
//   options.cache_dir = default_embedding_cache_dir();
//   TextEncoder encoder(options);                          // the default model
//   Tensor vectors = encoder.encode_texts(descriptions);  // [n, 384] for all-MiniLM-L6-v2
//
// By default the vectors are what sentence-transformers gives for the
// checkpoint (see sentence_pipeline.h): for all-MiniLM-L6-v2, mean pooling
// over at most 256 tokens, L2-normalised.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/bert/bert_model.h"
#include "models/bert/bert_pooling.h"
#include "models/bert/embedding_cache.h"
#include "models/bert/tokenizer/wordpiece_tokenizer.h"

namespace nlammr {

struct EncodeProgress {
  int64_t done = 0;   // texts encoded so far in this call
  int64_t total = 0;  // texts this call has to encode (cache misses)
};
using ProgressFn = std::function<void(const EncodeProgress&)>;

struct EmbedOptions {
  Pooling pooling = Pooling::Mean;
  bool normalize = false;
  int64_t max_length = 0;   // tokens, special ones included; 0: the tokenizer's limit
  int64_t batch_size = 32;  // texts per forward pass
};

// Encodes `texts` with a model in memory: length-sorted batches, no graph
// recorded, results in input order, [n, H] in the model's dtype. No cache.
Tensor embed_texts(const BertModel& model, const WordPieceTokenizer& tokenizer,
                   const std::vector<std::string>& texts, const EmbedOptions& options,
                   const ProgressFn& progress = {});

struct TextEncoderOptions {
  std::string model_dir;           // "": find_default_model_dir()
  std::optional<Pooling> pooling;  // unset: the checkpoint's sentence-transformers pooling
  std::optional<bool> normalize;   // unset: whether sentence-transformers normalises
  int64_t max_length = 0;          // 0: sentence_bert_config.json's max_seq_length, else the tokenizer's
  int64_t batch_size = 32;
  std::string cache_dir;           // "": no on-disk cache
  EmbeddingCache::WarningFn warn;  // cache problems; unset: printed on stderr
};

class TextEncoder {
 public:
  // Loads the tokenizer and the model (float32) and, with a cache folder,
  // hashes the checkpoint files to key the cache.
  explicit TextEncoder(TextEncoderOptions options = {});

  // [texts.size(), dimension()] float32. Cached texts are not recomputed;
  // duplicates within `texts` are encoded once; new vectors are added to the
  // cache. `progress` is called after each batch that is computed.
  Tensor encode_texts(const std::vector<std::string>& texts, const ProgressFn& progress = {});

  // Encoding spread over the ranks of a parallel job: the texts missing from
  // the cache (the same list on every rank) are cut into contiguous shares,
  // each rank runs the model on its share, and `allgather` returns every
  // rank's rows concatenated in rank order. Only the rank with write_cache
  // adds shards to the cache on disk; the others add them in memory. Every
  // rank must then call encode_texts with the same texts (a collective).
  struct Spread {
    int rank = 0, size = 1;
    std::function<std::vector<float>(const std::vector<float>&)> allgather;
    bool write_cache = true;
  };
  void set_spread(Spread spread) { spread_ = std::move(spread); }

  struct Stats {
    int64_t texts = 0;       // rows returned by the last call
    int64_t cache_hits = 0;  // distinct texts found in the cache
    int64_t computed = 0;    // distinct texts run through the model
  };
  const Stats& last_stats() const { return stats_; }

  int64_t dimension() const { return model_->hidden_size(); }
  const std::string& model_dir() const { return model_dir_; }
  const EmbedOptions& options() const { return embed_; }
  // The cache in use, or null without one.
  const EmbeddingCache* cache() const { return cache_.get(); }
  const BertModel& model() const { return *model_; }
  const WordPieceTokenizer& tokenizer() const { return tokenizer_; }

 private:
  std::string model_dir_;
  WordPieceTokenizer tokenizer_;
  std::shared_ptr<BertModel> model_;
  EmbedOptions embed_;
  std::unique_ptr<EmbeddingCache> cache_;
  Stats stats_;
  Spread spread_;
};

// $NLAMMR_CACHE when set, else <project>/.cache/embeddings.
std::string default_embedding_cache_dir();

// A content hash of the files that decide a checkpoint's vectors: config.json,
// vocab.txt, tokenizer_config.json (when present) and model.safetensors.
std::string bert_checkpoint_identity(const std::string& model_dir);

}  // namespace nlammr
