// The BERT encoder against Hugging Face transformers (fixtures written by
// tools/reference/make_bert_fixtures.py), its gradients against finite
// differences, and the errors of checkpoint loading.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "io/atomic_file.h"
#include "io/tensor_file.h"
#include "models/bert/bert_checkpoint.h"
#include "models/bert/bert_model.h"
#include "models/bert/bert_pooling.h"
#include "models/bert/tokenizer/wordpiece_tokenizer.h"
#include "tests/bert/bert_test_support.h"
#include "tests/test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> json_strings(const std::string& path, const std::string& key) {
  return nlohmann::json::parse(read_file(path)).at(key).get<std::vector<std::string>>();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// ---- parity with transformers ---------------------------------------------------------

struct TinyCase {
  const char* folder;
  const char* prefix;  // which reference outputs the folder reproduces
};

TEST_CASE("tiny BERT in all three storage variants matches transformers within 1e-5") {
  const auto ref = load_tensors(testing::fixture_path("bert/tiny_outputs.safetensors"));
  const Tensor& ids = ref.at("input_ids");
  const Tensor& mask = ref.at("attention_mask");
  const Tensor& types = ref.at("token_type_ids");
  for (TinyCase c :
       {TinyCase{"tiny", ""}, TinyCase{"tiny_fp16", "fp16_"}, TinyCase{"tiny_legacy_names", ""}}) {
    CAPTURE(c.folder);
    const std::string dir = testing::fixture_path(std::string("bert/") + c.folder);
    auto model = load_bert_model(dir);
    REQUIRE(model->has_pooler());
    NoGradGuard no_grad;
    BertOutput out = model->forward(ids, mask, types);
    const std::string p = c.prefix;
    const double hidden_err =
        testing::max_abs_diff_unpadded(out.last_hidden_state, ref.at(p + "last_hidden_state"), mask);
    const double pooler_err = testing::max_abs_diff(out.pooler_output, ref.at(p + "pooler_output"));
    const double mean_err = testing::max_abs_diff(pool(out, mask, Pooling::Mean), ref.at(p + "mean_pooled"));
    MESSAGE(std::string(c.folder) << ": max abs error hidden " << hidden_err << ", pooler " << pooler_err
                                  << ", mean " << mean_err);
    CHECK(hidden_err < 1e-5);
    CHECK(pooler_err < 1e-5);
    CHECK(mean_err < 1e-5);
    // Without token_type_ids (all segment 0, as in the fixture) the result is the same.
    CHECK(testing::max_abs_diff(model->forward(ids, mask).last_hidden_state, out.last_hidden_state) == 0.0);
  }
}

TEST_CASE("the tokenizer and the model together reproduce the tiny fixture from its texts") {
  const std::string dir = testing::fixture_path("bert/tiny");
  const auto ref = load_tensors(testing::fixture_path("bert/tiny_outputs.safetensors"));
  const auto texts = json_strings(testing::fixture_path("bert/tiny_texts.json"), "texts");
  WordPieceTokenizer tokenizer = WordPieceTokenizer::from_model_dir(dir);
  Batch batch = tokenizer.encode_batch(texts);
  REQUIRE(batch.input_ids == ref.at("input_ids").to_vector<int32_t>());
  auto model = load_bert_model(dir);
  NoGradGuard no_grad;
  BertOutput out = model->forward(batch);
  CHECK(testing::max_abs_diff(pool(out, batch_tensors(batch).attention_mask, Pooling::Mean),
                              ref.at("mean_pooled")) < 1e-5);
}

TEST_CASE("legacy names load and the unused tensors are reported as skipped") {
  BertCheckpoint ckpt = load_bert_checkpoint(testing::fixture_path("bert/tiny_legacy_names"));
  std::vector<std::string> skipped = ckpt.skipped;
  std::sort(skipped.begin(), skipped.end());
  CHECK(skipped == std::vector<std::string>{"bert.embeddings.position_ids", "cls.predictions.bias",
                                            "cls.seq_relationship.weight"});
  CHECK_FALSE(ckpt.model->is_training());
  CHECK(canonical_bert_tensor_name("bert.encoder.layer.1.output.LayerNorm.gamma") ==
        "encoder.layer.1.output.LayerNorm.weight");
  CHECK(canonical_bert_tensor_name("embeddings.LayerNorm.beta") == "embeddings.LayerNorm.bias");
}

TEST_CASE("parameter names are Hugging Face's") {
  auto model = load_bert_model(testing::fixture_path("bert/tiny"));
  std::vector<std::string> names;
  for (const auto& [name, t] : model->named_parameters()) names.push_back(name);
  // 5 embedding tensors, 16 per layer, 2 for the pooler.
  CHECK(names.size() == 5 + 2 * 16 + 2);
  for (const char* expected :
       {"embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
        "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight",
        "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.value.bias",
        "encoder.layer.1.attention.output.dense.weight", "encoder.layer.1.attention.output.LayerNorm.bias",
        "encoder.layer.1.intermediate.dense.weight", "encoder.layer.1.output.dense.bias",
        "encoder.layer.1.output.LayerNorm.weight", "pooler.dense.weight"})
    CHECK_MESSAGE(std::find(names.begin(), names.end(), expected) != names.end(), expected);
}

TEST_CASE("all-MiniLM-L6-v2 matches transformers within 1e-4") {
  const std::string dir = testing::installed_minilm_dir();
  if (dir.empty()) NLAMMR_SKIP("all-MiniLM-L6-v2 is not installed (run scripts/setup.sh --deps)");
  const auto ref = load_tensors(testing::fixture_path("bert/minilm_outputs.safetensors"));
  const std::string texts_path = testing::fixture_path("bert/minilm_texts.json");
  auto model = load_bert_model(dir);
  CHECK(model->has_pooler());
  WordPieceTokenizer tokenizer = WordPieceTokenizer::from_model_dir(dir);
  NoGradGuard no_grad;

  // Hidden states and the pooler output for one padded batch.
  Batch batch = tokenizer.encode_batch(json_strings(texts_path, "hidden_texts"));
  REQUIRE(batch.input_ids == ref.at("hidden_input_ids").to_vector<int32_t>());
  BertOutput out = model->forward(batch);
  const Tensor& mask = ref.at("hidden_attention_mask");
  const double hidden_err =
      testing::max_abs_diff_unpadded(out.last_hidden_state, ref.at("hidden_last_hidden_state"), mask);
  const double pooler_err = testing::max_abs_diff(out.pooler_output, ref.at("hidden_pooler_output"));
  MESSAGE("MiniLM: max abs error hidden " << hidden_err << ", pooler " << pooler_err);
  CHECK(hidden_err < 1e-4);
  CHECK(pooler_err < 1e-4);

  // Mean and [CLS] vectors at sentence-transformers' length 256. The
  // reference padded all 60 texts to 256 tokens; here they are batched by
  // length as `nlammr encode` does, which changes no real token's result.
  const auto texts = json_strings(texts_path, "pooled_texts");
  const std::vector<int32_t> ref_ids = ref.at("pooled_input_ids").to_vector<int32_t>();
  const std::vector<int32_t> ref_mask = ref.at("pooled_attention_mask").to_vector<int32_t>();
  const int64_t ref_len = ref.at("pooled_input_ids").size(1), H = model->hidden_size();
  const std::vector<float> ref_mean = ref.at("pooled_mean").to_vector<float>();
  const std::vector<float> ref_cls = ref.at("pooled_cls").to_vector<float>();
  SortedBatches sorted = tokenizer.encode_sorted_batches(texts, 4, 256);
  double mean_err = 0, cls_err = 0;
  size_t k = 0;
  for (const Batch& b : sorted.batches) {
    BatchTensors t = batch_tensors(b);
    BertOutput o = model->forward(t.input_ids, t.attention_mask, t.token_type_ids);
    const std::vector<float> mean = pool(o, t.attention_mask, Pooling::Mean).to_vector<float>();
    const std::vector<float> cls = pool(o, t.attention_mask, Pooling::Cls).contiguous().to_vector<float>();
    for (int64_t r = 0; r < b.batch; ++r, ++k) {
      const size_t text = sorted.order[k];
      for (int64_t j = 0; j < b.seq_len; ++j)  // the same ids as the reference, row by row
        REQUIRE(b.input_ids[r * b.seq_len + j] ==
                (ref_mask[text * ref_len + j] ? ref_ids[text * ref_len + j] : tokenizer.pad_id()));
      for (int64_t h = 0; h < H; ++h) {
        mean_err = std::max(mean_err, double(std::fabs(mean[r * H + h] - ref_mean[text * H + h])));
        cls_err = std::max(cls_err, double(std::fabs(cls[r * H + h] - ref_cls[text * H + h])));
      }
    }
  }
  REQUIRE(k == texts.size());
  MESSAGE("MiniLM: max abs error mean " << mean_err << ", cls " << cls_err);
  CHECK(mean_err < 1e-4);
  CHECK(cls_err < 1e-4);
}

// ---- gradients ----------------------------------------------------------------------------

BertConfig tiny_config() {
  BertConfig c;
  c.vocab_size = 11;
  c.hidden_size = 8;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.intermediate_size = 12;
  c.max_position_embeddings = 7;
  c.type_vocab_size = 2;
  c.layer_norm_eps = 1e-5;
  c.initializer_range = 0.4;  // large enough that GELU, softmax and LayerNorm are far from linear
  return c;
}

// A float64 model with random weights, LayerNorm parameters included.
std::shared_ptr<BertModel> random_model(const BertConfig& config, DType dtype, uint64_t seed) {
  auto model = std::make_shared<BertModel>(config, BertModelOptions{dtype, true, nullptr});
  Generator gen(seed);
  model->init_weights(gen);
  NoGradGuard no_grad;
  for (const auto& [name, p] : model->named_parameters())
    if (name.find("LayerNorm") != std::string::npos || name.find("bias") != std::string::npos)
      backend_for(p.device()).copy(add(p, randn(p.shape(), gen, dtype, Device::cpu(), 0.0, 0.3)), p);
  return model;
}

// Two texts, the second padded after 3 tokens, with both token types in use.
struct TinyInputs {
  Tensor ids = Tensor::from_vector<int32_t>({2, 5, 7, 1, 9, 3, 2, 8, 4, 0, 0, 0}, {2, 6});
  Tensor mask = Tensor::from_vector<int32_t>({1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, {2, 6});
  Tensor types = Tensor::from_vector<int32_t>({0, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0}, {2, 6});
};

// mean pooling and the pooler output side by side: every parameter matters.
Tensor pooled_output(const BertModel& model, const TinyInputs& in) {
  BertOutput out = model.forward(in.ids, in.mask, in.types);
  return concat({pool(out, in.mask, Pooling::Mean), out.pooler_output}, 1);
}

TEST_CASE("gradients of every kind of parameter match finite differences (float64)") {
  const BertConfig config = tiny_config();
  auto model = random_model(config, DType::Float64, 7);
  model->eval();
  TinyInputs in;
  Tensor out = pooled_output(*model, in);
  Generator wgen(99);
  Tensor w = randn(out.shape(), wgen, DType::Float64);
  sum(mul(out, w)).backward();

  auto loss = [&] {
    NoGradGuard no_grad;
    return sum(mul(pooled_output(*model, in), w)).item<double>();
  };
  // Samples of each tensor, spread over it; the ids used make the chosen
  // embedding rows those that receive gradient.
  Generator pick(5);
  const double h = 1e-6;
  int checked = 0;
  for (const auto& [name, p] : model->named_parameters()) {
    const auto& parameter = name;  // CAPTURE makes a lambda; C++17 cannot capture a binding
    CAPTURE(parameter);
    REQUIRE(p.grad().defined());
    const std::vector<double> analytic = p.grad().to_vector<double>();
    double* data = p.data<double>();  // parameters are packed
    for (int s = 0; s < 4; ++s) {
      const int64_t i = static_cast<int64_t>(pick.uniform() * static_cast<double>(p.numel()));
      const double saved = data[i];
      data[i] = saved + h;
      const double plus = loss();
      data[i] = saved - h;
      const double minus = loss();
      data[i] = saved;
      const double numeric = (plus - minus) / (2 * h);
      CAPTURE(i);
      CHECK(std::fabs(numeric - analytic[i]) <= 1e-6 * std::max(1.0, std::fabs(numeric)));
      ++checked;
    }
  }
  CHECK(checked == 4 * static_cast<int>(model->named_parameters().size()));
}

TEST_CASE("every parameter receives a gradient; requires_grad_(false) freezes them all") {
  auto model = random_model(tiny_config(), DType::Float32, 3);
  TinyInputs in;
  sum(pooled_output(*model, in)).backward();
  for (const auto& [name, p] : model->named_parameters()) {
    const auto& parameter = name;  // CAPTURE makes a lambda; C++17 cannot capture a binding
    CAPTURE(parameter);
    REQUIRE(p.grad().defined());
    const std::vector<float> g = p.grad().to_vector<float>();
    CHECK(std::any_of(g.begin(), g.end(), [](float v) { return v != 0.0f; }));
  }
  model->zero_grad();
  model->requires_grad_(false);
  Tensor frozen = pooled_output(*model, in);
  CHECK_FALSE(frozen.requires_grad());
}

TEST_CASE("inference without a graph computes the same bits as training, also after an optimizer step") {
  auto model = random_model(tiny_config(), DType::Float32, 11);
  TinyInputs in;
  Tensor with_graph = pooled_output(*model, in);
  REQUIRE(with_graph.requires_grad());
  Tensor without_graph;
  {
    NoGradGuard no_grad;
    without_graph = pooled_output(*model, in);
  }
  CHECK(testing::max_abs_diff(with_graph, without_graph) == 0.0);

  // An optimizer step writes into the parameters in place; both paths see it.
  sum(with_graph).backward();
  optim::SGD opt({{model->parameters(), 0.5, 0.0}});
  opt.step();
  Tensor after_graph = pooled_output(*model, in);
  NoGradGuard no_grad;
  Tensor after_no_graph = pooled_output(*model, in);
  CHECK(testing::max_abs_diff(after_graph, without_graph) > 1e-3);
  CHECK(testing::max_abs_diff(after_graph, after_no_graph) == 0.0);
}

TEST_CASE("fine-tuning the loaded tiny checkpoint end to end lowers a loss") {
  auto model = load_bert_model(testing::fixture_path("bert/tiny"));
  model->train();
  TinyInputs in;
  // Pull the two texts' mean-pooled vectors towards fixed targets.
  Generator gen(8);
  Tensor target = randn({2, 32}, gen);
  optim::AdamW opt({{model->parameters(), 1e-2, 0.0}});
  auto loss_now = [&] {
    BertOutput out = model->forward(in.ids, in.mask, in.types);
    Tensor diff = sub(pool(out, in.mask, Pooling::Mean), target);
    return mean(mul(diff, diff));
  };
  const double first = loss_now().item<float>();
  for (int step = 0; step < 15; ++step) {
    Tensor loss = loss_now();
    model->zero_grad();
    loss.backward();
    opt.step();
  }
  const double last = loss_now().item<float>();
  MESSAGE("fine-tuning loss " << first << " -> " << last);
  CHECK(last < 0.5 * first);
}

TEST_CASE("float64 and float32 models built from the same weights agree") {
  auto m64 = random_model(tiny_config(), DType::Float64, 21);
  auto m32 = std::make_shared<BertModel>(tiny_config());
  m32->load_state_dict(m64->state_dict());
  TinyInputs in;
  NoGradGuard no_grad;
  Tensor a = pooled_output(*m64, in).to(DType::Float32), b = pooled_output(*m32, in);
  CHECK(testing::max_abs_diff(a, b) < 1e-5);
}

TEST_CASE("hidden dropout applies only in training mode with a generator") {
  BertConfig config = tiny_config();
  config.hidden_dropout_prob = 0.5;
  auto gen = std::make_shared<Generator>(1);
  auto model = std::make_shared<BertModel>(config, BertModelOptions{DType::Float32, true, gen});
  Generator init(2);
  model->init_weights(init);
  TinyInputs in;
  NoGradGuard no_grad;
  model->eval();
  Tensor a = pooled_output(*model, in), b = pooled_output(*model, in);
  CHECK(testing::max_abs_diff(a, b) == 0.0);
  model->train();
  Tensor c = pooled_output(*model, in);
  CHECK(testing::max_abs_diff(a, c) > 1e-3);
}

// ---- errors ------------------------------------------------------------------------------------

// A copy of the tiny checkpoint whose tensors `edit` may change.
std::string edited_checkpoint(const ScratchDir& tmp,
                              const std::function<void(std::map<std::string, Tensor>&)>& edit) {
  const std::string src = testing::fixture_path("bert/tiny");
  auto tensors = load_tensors(src + "/model.safetensors");
  edit(tensors);
  save_tensors(tmp.path() + "/model.safetensors", tensors);
  fs::copy_file(src + "/config.json", tmp.path() + "/config.json", fs::copy_options::overwrite_existing);
  return tmp.path();
}

TEST_CASE("a missing tensor is an error naming the file, the tensor and its expected shape") {
  ScratchDir tmp("bert_missing");
  const std::string dir =
      edited_checkpoint(tmp, [](auto& t) { t.erase("encoder.layer.1.output.dense.bias"); });
  const std::string err = error_of([&] { load_bert_model(dir); });
  CHECK(err.find("model.safetensors") != std::string::npos);
  CHECK(err.find("missing tensor 'encoder.layer.1.output.dense.bias'") != std::string::npos);
  CHECK(err.find("[32]") != std::string::npos);
}

TEST_CASE("a wrong shape is an error with the expected and the actual shape") {
  ScratchDir tmp("bert_shape");
  const std::string dir = edited_checkpoint(tmp, [](auto& t) {
    t["encoder.layer.0.attention.self.key.weight"] = Tensor::zeros({32, 16});
  });
  const std::string err = error_of([&] { load_bert_model(dir); });
  CHECK(err.find("'encoder.layer.0.attention.self.key.weight' has shape [32, 16], expected [32, 32]") !=
        std::string::npos);
  CHECK(err.find("config.json") != std::string::npos);
}

TEST_CASE("an integer weight and duplicate names are errors") {
  ScratchDir tmp("bert_dtype");
  std::string dir =
      edited_checkpoint(tmp, [](auto& t) { t["pooler.dense.bias"] = Tensor::zeros({32}, DType::Int32); });
  CHECK(error_of([&] { load_bert_model(dir); }).find("'pooler.dense.bias' has dtype int32") !=
        std::string::npos);
  ScratchDir tmp2("bert_duplicate");
  dir = edited_checkpoint(tmp2, [](auto& t) { t["bert.pooler.dense.bias"] = t.at("pooler.dense.bias"); });
  CHECK(error_of([&] { load_bert_model(dir); }).find("both stand for parameter 'pooler.dense.bias'") !=
        std::string::npos);
}

TEST_CASE("without pooler tensors the model has no pooler, and pooler pooling says why") {
  ScratchDir tmp("bert_no_pooler");
  const std::string dir = edited_checkpoint(tmp, [](auto& t) {
    t.erase("pooler.dense.weight");
    t.erase("pooler.dense.bias");
  });
  auto model = load_bert_model(dir);
  CHECK_FALSE(model->has_pooler());
  TinyInputs in;
  NoGradGuard no_grad;
  BertOutput out = model->forward(in.ids, in.mask);
  CHECK_FALSE(out.pooler_output.defined());
  CHECK(pool(out, in.mask, Pooling::Mean).shape() == Shape{2, 32});
  CHECK(error_of([&] { pool(out, in.mask, Pooling::Pooler); }).find("pooler.dense.weight") !=
        std::string::npos);

  // Half a pooler is a missing tensor, not "no pooler".
  ScratchDir tmp2("bert_half_pooler");
  const std::string half = edited_checkpoint(tmp2, [](auto& t) { t.erase("pooler.dense.bias"); });
  CHECK(error_of([&] { load_bert_model(half); }).find("missing tensor 'pooler.dense.bias'") !=
        std::string::npos);
}

TEST_CASE("a bad config.json or a missing weights file is an error naming the file") {
  ScratchDir tmp("bert_bad_config");
  const std::string dir = edited_checkpoint(tmp, [](auto&) {});
  write_file_atomic(dir + "/config.json", R"({"model_type": "bert", "vocab_size": 301, "hidden_size": 32,
    "num_hidden_layers": 2, "num_attention_heads": 5, "intermediate_size": 64,
    "max_position_embeddings": 64})");
  std::string err = error_of([&] { load_bert_model(dir); });
  CHECK(err.find("config.json") != std::string::npos);
  CHECK(err.find("num_attention_heads") != std::string::npos);

  write_file_atomic(dir + "/config.json", "{not json");
  CHECK(error_of([&] { load_bert_model(dir); }).find("config.json") != std::string::npos);

  fs::remove(dir + "/model.safetensors");
  CHECK(error_of([&] { load_bert_model(dir); }).find("has no model.safetensors") != std::string::npos);
}

TEST_CASE("inputs the model cannot take are errors") {
  auto model = random_model(tiny_config(), DType::Float32, 1);
  NoGradGuard no_grad;
  Tensor long_ids = Tensor::zeros({1, 8}, DType::Int32);  // max_position_embeddings is 7
  CHECK(error_of([&] { model->forward(long_ids); }).find("longer than max_position_embeddings (7)") !=
        std::string::npos);
  CHECK(error_of([&] {
          model->forward(Tensor::zeros({2, 3}, DType::Float32));
        }).find("int32 or int64") != std::string::npos);
  CHECK(error_of([&] {
          model->forward(Tensor::zeros({2, 3}, DType::Int32), Tensor::ones({2, 4}, DType::Int32));
        }).find("attention_mask has shape [2, 4]") != std::string::npos);
  CHECK(error_of([&] { parse_pooling("max"); }).find("choose mean, cls or pooler") != std::string::npos);
}

}  // namespace
