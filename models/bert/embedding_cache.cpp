#include "models/bert/embedding_cache.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "engine/tensor.h"
#include "io/content_hash.h"
#include "io/safetensors.h"

namespace nlammr {

namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "nlammr-embedding-cache-1";

bool is_shard_name(const std::string& name) {
  const std::string prefix = "shard-", suffix = ".safetensors";
  return name.size() > prefix.size() + suffix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shard_checksum(const void* vectors, size_t vector_bytes, const void* offsets, size_t offset_bytes,
                           const void* text, size_t text_bytes) {
  ContentHasher h;
  h.update(vectors, vector_bytes);
  h.update(offsets, offset_bytes);
  h.update(text, text_bytes);
  return h.hex();
}

// The entry `name` of a shard, checked for dtype and shape.
const TensorEntry& expect(const SafeTensorsFile& file, const std::string& name, DType dtype,
                          const std::vector<int64_t>& shape) {
  if (!file.contains(name)) throw std::runtime_error("no tensor '" + name + "'");
  const TensorEntry& e = file.get(name);
  if (e.dtype != dtype || e.shape != shape)
    throw std::runtime_error("tensor '" + name + "' is " + std::string(dtype_name(e.dtype)) + " " +
                             shape_str(e.shape) + ", expected " + dtype_name(dtype) + " " + shape_str(shape));
  return e;
}

}  // namespace

std::string EmbeddingCacheKey::describe() const {
  return "format=1;model=" + model_identity + ";pooling=" + pooling +
         ";max_length=" + std::to_string(max_length) + ";normalize=" + (normalize ? "1" : "0") +
         ";dimension=" + std::to_string(dimension);
}

EmbeddingCache::EmbeddingCache(const std::string& root, EmbeddingCacheKey key, WarningFn warn)
    : key_(std::move(key)), description_(key_.describe()), warn_(std::move(warn)) {
  if (key_.dimension <= 0) throw std::runtime_error("embedding cache: dimension must be positive");
  directory_ = (fs::path(root) / ("v1-" + content_hash(description_).substr(0, 20))).string();
  std::error_code ec;
  fs::create_directories(directory_, ec);
  if (ec)
    throw std::runtime_error("embedding cache: cannot create folder '" + directory_ + "': " + ec.message());

  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(directory_, ec))
    if (entry.is_regular_file() && is_shard_name(entry.path().filename().string()))
      paths.push_back(entry.path().string());
  if (ec) throw std::runtime_error("embedding cache: cannot list '" + directory_ + "': " + ec.message());
  std::sort(paths.begin(), paths.end());  // a fixed order: the first copy of a text wins
  for (const std::string& path : paths) {
    const size_t before = texts_.size();
    try {
      load_shard(path);
      shards_.push_back(path);
    } catch (const std::exception& e) {
      // Undo a partly added shard, then drop the file: its texts will be
      // encoded again and written to a fresh shard.
      for (size_t i = before; i < texts_.size(); ++i) index_.erase(texts_[i]);
      texts_.resize(before);
      vectors_.resize(before * key_.dimension);
      std::error_code remove_error;
      fs::remove(path, remove_error);
      this->warn(
          "embedding cache: " + path + " is damaged (" + e.what() + "); " +
          (remove_error ? "could not remove it: " + remove_error.message() : std::string("removed it")) +
          ", its texts will be encoded again");
    }
  }
}

void EmbeddingCache::warn(const std::string& message) const {
  if (warn_)
    warn_(message);
  else
    std::fprintf(stderr, "nlammr: warning: %s\n", message.c_str());
}

void EmbeddingCache::load_shard(const std::string& path) {
  const SafeTensorsFile file = SafeTensorsFile::open(path);
  const auto& meta = file.metadata();
  auto field = [&](const std::string& name) {
    auto it = meta.find(name);
    if (it == meta.end()) throw std::runtime_error("metadata has no '" + name + "'");
    return it->second;
  };
  if (field("format") != kFormat) throw std::runtime_error("unknown format '" + field("format") + "'");
  if (field("key") != description_) throw std::runtime_error("written for another configuration");
  if (file.entries().size() != 3) throw std::runtime_error("expected 3 tensors");

  const TensorEntry& offsets_entry = file.get("text_offsets");
  if (offsets_entry.dtype != DType::Int64 || offsets_entry.shape.size() != 1 || offsets_entry.shape[0] < 1)
    throw std::runtime_error("tensor 'text_offsets' must be int64 [n + 1]");
  const int64_t n = offsets_entry.shape[0] - 1;
  const TensorEntry& vectors = expect(file, "vectors", DType::Float32, {n, key_.dimension});
  const TensorEntry& bytes_entry = file.get("text_bytes");
  if (bytes_entry.dtype != DType::UInt8 || bytes_entry.shape.size() != 1)
    throw std::runtime_error("tensor 'text_bytes' must be uint8 [total]");
  if (shard_checksum(vectors.data, vectors.nbytes, offsets_entry.data, offsets_entry.nbytes, bytes_entry.data,
                     bytes_entry.nbytes) != field("checksum"))
    throw std::runtime_error("checksum mismatch");

  const auto* offsets = static_cast<const int64_t*>(offsets_entry.data);
  const char* text = static_cast<const char*>(bytes_entry.data);
  const int64_t total = bytes_entry.shape[0];
  if (offsets[0] != 0 || offsets[n] != total)
    throw std::runtime_error("text offsets do not span the text bytes");
  for (int64_t i = 0; i < n; ++i)
    if (offsets[i + 1] < offsets[i])
      throw std::runtime_error("text offsets decrease at entry " + std::to_string(i));

  const auto* rows = static_cast<const float*>(vectors.data);
  for (int64_t i = 0; i < n; ++i) {
    std::string t(text + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i]));
    if (index_.count(t)) continue;
    index_.emplace(t, texts_.size());
    texts_.push_back(std::move(t));
    vectors_.insert(vectors_.end(), rows + i * key_.dimension, rows + (i + 1) * key_.dimension);
  }
}

bool EmbeddingCache::lookup(const std::string& text, float* out) const {
  auto it = index_.find(text);
  if (it == index_.end()) return false;
  std::memcpy(out, vectors_.data() + it->second * key_.dimension, sizeof(float) * key_.dimension);
  return true;
}

size_t EmbeddingCache::add_entries(const std::vector<std::string>& texts, const float* vectors) {
  const size_t first = texts_.size();
  for (size_t i = 0; i < texts.size(); ++i) {
    if (index_.count(texts[i])) continue;
    index_.emplace(texts[i], texts_.size());
    texts_.push_back(texts[i]);
    vectors_.insert(vectors_.end(), vectors + i * key_.dimension, vectors + (i + 1) * key_.dimension);
  }
  return first;
}

void EmbeddingCache::insert_in_memory(const std::vector<std::string>& texts, const float* vectors) {
  add_entries(texts, vectors);
}

void EmbeddingCache::insert(const std::vector<std::string>& texts, const float* vectors) {
  const size_t first = add_entries(texts, vectors);
  if (texts_.size() == first) return;
  shards_.push_back(write_shard(first));
  if (static_cast<int>(shards_.size()) > kCompactAbove) compact();
}

std::string EmbeddingCache::write_shard(size_t first) const {
  const int64_t n = static_cast<int64_t>(texts_.size() - first);
  std::vector<int64_t> offsets(1, 0);
  std::string text;
  for (size_t i = first; i < texts_.size(); ++i) {
    text += texts_[i];
    offsets.push_back(static_cast<int64_t>(text.size()));
  }
  const float* rows = vectors_.data() + first * key_.dimension;
  const size_t vector_bytes = sizeof(float) * n * key_.dimension;
  const std::string checksum = shard_checksum(rows, vector_bytes, offsets.data(),
                                              sizeof(int64_t) * offsets.size(), text.data(), text.size());
  std::vector<TensorToWrite> tensors = {
      {"vectors", DType::Float32, {n, key_.dimension}, rows, vector_bytes},
      {"text_offsets", DType::Int64, {n + 1}, offsets.data(), sizeof(int64_t) * offsets.size()},
      {"text_bytes", DType::UInt8, {static_cast<int64_t>(text.size())}, text.data(), text.size()},
  };
  // Named by content: two processes adding the same texts write the same file.
  const std::string path =
      (fs::path(directory_) / ("shard-" + checksum.substr(0, 20) + ".safetensors")).string();
  write_safetensors(path, tensors, {{"format", kFormat}, {"key", description_}, {"checksum", checksum}});
  return path;
}

void EmbeddingCache::compact() {
  // One shard with everything, written before the old ones are removed, so
  // every entry is on disk at every moment.
  const std::string merged = write_shard(0);
  for (const std::string& old : shards_) {
    if (old == merged) continue;
    std::error_code ignored;  // a shard another process already removed is fine
    fs::remove(old, ignored);
  }
  shards_ = {merged};
}

}  // namespace nlammr
