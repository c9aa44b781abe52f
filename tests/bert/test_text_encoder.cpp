// TextEncoder and its on-disk embedding cache, on the tiny checkpoint: the
// cache returns exactly what the model computes, misses when anything the
// vectors depend on changes, and survives damaged files.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "io/atomic_file.h"
#include "io/tensor_file.h"
#include "models/bert/bert_checkpoint.h"
#include "models/bert/embedding_cache.h"
#include "models/bert/sentence_pipeline.h"
#include "models/bert/text_encoder.h"
#include "tests/bert/bert_test_support.h"
#include "tests/test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;
namespace fs = std::filesystem;

namespace {

const std::string kTiny = testing::fixture_path("bert/tiny");

const std::vector<std::string> kTexts = {"the patient has chest pain",
                                         "fever",
                                         "acute heart failure with 2 mg dose",
                                         "insulin 10 units (at night)",
                                         "fever",
                                         "blood pressure 140/90 mmhg",
                                         "no pain, no fever; the patient is stable"};

std::vector<std::string> warnings;

TextEncoderOptions tiny_options(const std::string& cache_dir) {
  TextEncoderOptions o;
  o.model_dir = kTiny;
  o.cache_dir = cache_dir;
  o.batch_size = 3;
  o.warn = [](const std::string& m) { warnings.push_back(m); };
  return o;
}

std::vector<std::string> shard_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".safetensors") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The vectors computed text by text, without batching or cache.
Tensor one_by_one(const std::vector<std::string>& texts, Pooling pooling, bool normalize) {
  auto model = load_bert_model(kTiny);
  WordPieceTokenizer tokenizer = WordPieceTokenizer::from_model_dir(kTiny);
  NoGradGuard no_grad;
  std::vector<Tensor> rows;
  for (const std::string& t : texts) {
    Batch b = tokenizer.encode_batch({t});
    BatchTensors bt = batch_tensors(b);
    Tensor v = pool(model->forward(b), bt.attention_mask, pooling);
    rows.push_back(normalize ? l2_normalize(v) : v);
  }
  return concat(rows, 0);
}

TEST_CASE("batched encoding by length returns rows in input order, equal to one-by-one encoding") {
  TextEncoder encoder(tiny_options(""));
  CHECK(encoder.cache() == nullptr);
  CHECK(encoder.options().pooling == Pooling::Mean);  // no modules.json: plain BERT defaults
  CHECK_FALSE(encoder.options().normalize);
  CHECK(encoder.options().max_length == 64);
  Tensor v = encoder.encode_texts(kTexts);
  REQUIRE(v.shape() == Shape{7, 32});
  CHECK(testing::max_abs_diff(v, one_by_one(kTexts, Pooling::Mean, false)) < 1e-5);
  CHECK(encoder.last_stats().computed == 6);  // "fever" twice, computed once
  CHECK(encoder.encode_texts({}).shape() == Shape{0, 32});
}

TEST_CASE("a second encoder finds every text in the cache and returns the same bits") {
  ScratchDir tmp("encoder_cache_hits");
  warnings.clear();
  Tensor first, second;
  {
    TextEncoder encoder(tiny_options(tmp.path()));
    first = encoder.encode_texts(kTexts);
    CHECK(encoder.last_stats().cache_hits == 0);
    CHECK(encoder.last_stats().computed == 6);
  }
  REQUIRE(shard_files(tmp.path()).size() == 1);
  TextEncoder again(tiny_options(tmp.path()));
  CHECK(again.cache()->size() == 6);
  second = again.encode_texts(kTexts);
  CHECK(again.last_stats().cache_hits == 6);
  CHECK(again.last_stats().computed == 0);
  CHECK(first.to_vector<float>() == second.to_vector<float>());

  // Partly cached input: only the new text is computed, and it joins the cache as a new shard.
  Tensor mixed = again.encode_texts({"fever", "stable chronic anemia"});
  CHECK(again.last_stats().cache_hits == 1);
  CHECK(again.last_stats().computed == 1);
  CHECK(shard_files(tmp.path()).size() == 2);
  CHECK(testing::max_abs_diff(mixed, one_by_one({"fever", "stable chronic anemia"}, Pooling::Mean, false)) <
        1e-5);
  CHECK(warnings.empty());
}

TEST_CASE("changing the pooling, normalisation, length or the model's weights misses the cache") {
  ScratchDir tmp("encoder_cache_keys");
  { TextEncoder(tiny_options(tmp.path())).encode_texts(kTexts); }

  auto hits_with = [&](TextEncoderOptions o) {
    TextEncoder encoder(o);
    encoder.encode_texts(kTexts);
    return encoder.last_stats().cache_hits;
  };
  CHECK(hits_with(tiny_options(tmp.path())) == 6);
  TextEncoderOptions o = tiny_options(tmp.path());
  o.pooling = Pooling::Cls;
  CHECK(hits_with(o) == 0);
  o = tiny_options(tmp.path());
  o.normalize = true;
  CHECK(hits_with(o) == 0);
  o = tiny_options(tmp.path());
  o.max_length = 6;  // truncates the longer texts
  CHECK(hits_with(o) == 0);
  o = tiny_options(tmp.path());
  o.batch_size = 5;  // batching does not change the vectors, so it is not part of the key
  CHECK(hits_with(o) == 6);

  // The same checkpoint with one weight changed is another model.
  ScratchDir copy("encoder_cache_model");
  for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json"})
    fs::copy_file(kTiny + "/" + f, copy.path() + "/" + f);
  auto tensors = load_tensors(kTiny + "/model.safetensors");
  tensors["pooler.dense.bias"] = add(tensors.at("pooler.dense.bias"), 1.0);
  save_tensors(copy.path() + "/model.safetensors", tensors);
  CHECK(bert_checkpoint_identity(copy.path()) != bert_checkpoint_identity(kTiny));
  o = tiny_options(tmp.path());
  o.model_dir = copy.path();
  CHECK(hits_with(o) == 0);
}

TEST_CASE("a truncated or altered cache file is reported, removed and rebuilt, never used") {
  ScratchDir tmp("encoder_cache_corrupt");
  Tensor reference;
  { reference = TextEncoder(tiny_options(tmp.path())).encode_texts(kTexts); }
  const std::string shard = shard_files(tmp.path()).at(0);
  const std::string good = read_file(shard);

  SUBCASE("truncated") { write_file_atomic(shard, good.substr(0, good.size() - 100)); }
  SUBCASE("one byte of the data changed") {
    std::string bad = good;
    bad[bad.size() - 1000] ^= 0x40;
    write_file_atomic(shard, bad);
  }
  SUBCASE("garbage") { write_file_atomic(shard, "not a safetensors file at all"); }

  warnings.clear();
  TextEncoder encoder(tiny_options(tmp.path()));
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find(shard) != std::string::npos);
  CHECK(warnings[0].find("damaged") != std::string::npos);
  CHECK(encoder.cache()->size() == 0);
  Tensor v = encoder.encode_texts(kTexts);
  CHECK(encoder.last_stats().computed == 6);
  CHECK(v.to_vector<float>() == reference.to_vector<float>());
  // The rebuilt cache serves the next encoder without complaint.
  warnings.clear();
  TextEncoder next(tiny_options(tmp.path()));
  next.encode_texts(kTexts);
  CHECK(next.last_stats().cache_hits == 6);
  CHECK(warnings.empty());
}

TEST_CASE("the cache compares whole texts, rejects shards of other configurations, and compacts") {
  ScratchDir tmp("embedding_cache");
  EmbeddingCacheKey key{"model-a", "mean", 16, false, 2};
  std::vector<float> v = {1, 2, 3, 4};
  {
    EmbeddingCache cache(tmp.path(), key, [](const std::string& m) { warnings.push_back(m); });
    cache.insert({"alpha", ""}, v.data());
    float out[2];
    CHECK(cache.lookup("alpha", out));
    CHECK((out[0] == 1 && out[1] == 2));
    CHECK(cache.lookup("", out));  // the empty text is a text like any other
    CHECK((out[0] == 3 && out[1] == 4));
    CHECK_FALSE(cache.lookup("alpha ", out));
    CHECK_FALSE(cache.lookup("Alpha", out));
  }
  // A shard of configuration B placed in A's folder is rejected.
  EmbeddingCacheKey other = key;
  other.pooling = "cls";
  ScratchDir tmp_b("embedding_cache_b");
  std::string foreign;
  {
    EmbeddingCache b(tmp_b.path(), other);
    b.insert({"alpha"}, v.data() + 2);
    foreign = shard_files(tmp_b.path()).at(0);
  }
  const std::string folder = EmbeddingCache(tmp.path(), key).directory();
  fs::copy_file(foreign, folder + "/shard-zzz.safetensors");
  warnings.clear();
  EmbeddingCache a(tmp.path(), key, [](const std::string& m) { warnings.push_back(m); });
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("another configuration") != std::string::npos);
  float out[2];
  REQUIRE(a.lookup("alpha", out));
  CHECK(out[0] == 1);

  // Many small inserts are merged into one shard, and nothing is lost.
  for (int i = 0; i < EmbeddingCache::kCompactAbove + 1; ++i) {
    std::vector<float> row = {float(i), float(-i)};
    a.insert({"text " + std::to_string(i)}, row.data());
  }
  CHECK(a.shard_count() < EmbeddingCache::kCompactAbove);
  EmbeddingCache reopened(tmp.path(), key);
  CHECK(reopened.size() == 2 + EmbeddingCache::kCompactAbove + 1);
  REQUIRE(reopened.lookup("text 7", out));
  CHECK((out[0] == 7 && out[1] == -7));
}

TEST_CASE("sentence-transformers' pipeline is read from modules.json") {
  ScratchDir tmp("sentence_pipeline");
  auto write = [&](const std::string& file, const std::string& text) {
    fs::create_directories(fs::path(tmp.path() / fs::path(file)).parent_path());
    write_file_atomic(tmp.path() + "/" + file, text);
  };
  SentencePipeline none = read_sentence_pipeline(tmp.path());
  CHECK_FALSE(none.from_modules_json);
  CHECK(none.pooling == Pooling::Mean);
  CHECK_FALSE(none.normalize);

  write("modules.json",
        R"([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
    {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}])");
  write("1_Pooling/config.json", R"({"word_embedding_dimension": 32, "pooling_mode_cls_token": true,
    "pooling_mode_mean_tokens": false})");
  write("sentence_bert_config.json", R"({"max_seq_length": 128})");
  SentencePipeline cls = read_sentence_pipeline(tmp.path());
  CHECK(cls.pooling == Pooling::Cls);
  CHECK_FALSE(cls.normalize);
  CHECK(cls.max_seq_length == 128);

  write("1_Pooling/config.json", R"({"pooling_mode_max_tokens": true})");
  auto error = [&] {
    try {
      read_sentence_pipeline(tmp.path());
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error().find("pooling_mode_max_tokens is not implemented") != std::string::npos);
  CHECK(error().find("--pooling") != std::string::npos);
  write("modules.json", R"([{"type": "sentence_transformers.models.Dense", "path": "2_Dense"}])");
  CHECK(error().find("module type 'sentence_transformers.models.Dense' is not implemented") !=
        std::string::npos);
  write("modules.json", "[{");
  CHECK(error().find("modules.json: malformed JSON") != std::string::npos);

  const std::string minilm = testing::installed_minilm_dir();
  if (minilm.empty()) NLAMMR_SKIP("all-MiniLM-L6-v2 is not installed (run scripts/setup.sh --deps)");
  SentencePipeline st = read_sentence_pipeline(minilm);
  CHECK(st.pooling == Pooling::Mean);
  CHECK(st.normalize);
  CHECK(st.max_seq_length == 256);
}

TEST_CASE("by default all-MiniLM-L6-v2 gives sentence-transformers' vectors: normalised mean, 256 tokens") {
  const std::string minilm = testing::installed_minilm_dir();
  if (minilm.empty()) NLAMMR_SKIP("all-MiniLM-L6-v2 is not installed (run scripts/setup.sh --deps)");
  TextEncoderOptions o;
  o.model_dir = minilm;
  TextEncoder encoder(o);
  CHECK(encoder.options().pooling == Pooling::Mean);
  CHECK(encoder.options().normalize);
  CHECK(encoder.options().max_length == 256);
  const auto texts = nlohmann::json::parse(read_file(testing::fixture_path("bert/minilm_texts.json")))
                         .at("pooled_texts")
                         .get<std::vector<std::string>>();
  Tensor ours = encoder.encode_texts(texts);
  // The reference script checked that sentence-transformers' encode() equals
  // the normalised mean-pooled vectors of the fixture (within 1e-5).
  const auto ref = load_tensors(testing::fixture_path("bert/minilm_outputs.safetensors"));
  Tensor expected = l2_normalize(ref.at("pooled_mean"));
  const double err = testing::max_abs_diff(ours, expected);
  MESSAGE("MiniLM encode vs normalised reference: max abs error " << err);
  CHECK(err < 1e-5);
}

TEST_CASE("encoder errors name the problem") {
  auto error = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  TextEncoderOptions o = tiny_options("");
  o.max_length = 65;
  CHECK(error([&] { TextEncoder e(o); }).find("exceeds the model's max_position_embeddings (64)") !=
        std::string::npos);
  o = tiny_options("");
  TextEncoder encoder(o);
  CHECK(error([&] { encoder.encode_texts({"fine", "bad \xff byte"}); }).find("text 2:") != std::string::npos);
}

}  // namespace
