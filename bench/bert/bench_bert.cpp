// Sentences per second of the BERT encoder on the CPU: one forward pass plus
// mean pooling, no graph recorded, for each batch size x sequence length.
//
//   bench_bert --model DIR      a checkpoint folder (all-MiniLM-L6-v2)
//   bench_bert --base           a BERT-base-shaped model with random weights
//   [--threads N] [--batches 1,8,32] [--seqs 32,128] [--min-time 1.0] [--json FILE]
//
// Inputs are random token ids with no padding, so every framework compared
// by bench/bert/run.sh does the same arithmetic. Each configuration runs
// once to warm up, then repeatedly until --min-time seconds have passed (at
// least --min-reps times); the median and the minimum time per pass are
// reported. On a shared machine the minimum is the better estimate of the
// cost itself: it is the pass that other processes disturbed least.
//
// --clock cpu measures the process's CPU time instead of wall time: time the
// process spends waiting for a busy CPU is left out, which keeps one-thread
// timings stable under load (with several threads it adds the threads up,
// so use wall time there).
#include <omp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <climits>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench/harness.h"
#include "engine/engine.h"
#include "models/bert/bert_checkpoint.h"
#include "models/bert/bert_model.h"
#include "models/bert/bert_pooling.h"

using namespace nlammr;

namespace {

BertConfig bert_base_config() {
  BertConfig c;
  c.vocab_size = 30522;
  c.hidden_size = 768;
  c.num_hidden_layers = 12;
  c.num_attention_heads = 12;
  c.intermediate_size = 3072;
  c.max_position_embeddings = 512;
  return c;
}

std::vector<int64_t> parse_list(const std::string& text) {
  std::vector<int64_t> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoll(item));
  return out;
}

// [CLS] random ids [SEP], every position real.
Tensor random_ids(int64_t batch, int64_t seq, int64_t vocab, Generator& gen) {
  std::vector<int32_t> ids(batch * seq);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t s = 0; s < seq; ++s)
      ids[b * seq + s] = s == 0         ? 101
                         : s == seq - 1 ? 102
                                        : static_cast<int32_t>(1000 + gen.uniform() * (vocab - 1000));
  return Tensor::from_vector<int32_t>(ids, {batch, seq});
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"BERT encoder throughput (sentences per second)"};
  std::string model_dir, batches = "1,8,32", seqs = "32,128", json_path, label, clock = "wall";
  bool base = false;
  int threads = 1, min_reps = 3;
  double min_time = 1.0;
  app.add_option("--model", model_dir, "Checkpoint folder");
  app.add_flag("--base", base, "BERT-base shape (12 x 768, 12 heads) with random weights");
  app.add_option("--threads", threads, "OpenMP threads")->capture_default_str();
  app.add_option("--batches", batches, "Batch sizes")->capture_default_str();
  app.add_option("--seqs", seqs, "Sequence lengths")->capture_default_str();
  app.add_option("--min-time", min_time, "Seconds to time each configuration")->capture_default_str();
  app.add_option("--min-reps", min_reps, "Timed passes at least")->capture_default_str();
  app.add_option("--label", label, "Model name in the output");
  app.add_option("--clock", clock, "wall or cpu (process CPU time)")
      ->check(CLI::IsMember({"wall", "cpu"}))
      ->capture_default_str();
  app.add_option("--json", json_path, "Append results as JSON lines to this file");
  CLI11_PARSE(app, argc, argv);
  if (base == !model_dir.empty()) {
    std::fprintf(stderr, "bench_bert: give exactly one of --model DIR and --base\n");
    return 2;
  }
  omp_set_num_threads(threads);

  std::shared_ptr<BertModel> model;
  if (base) {
    model = std::make_shared<BertModel>(bert_base_config());
    Generator gen(1);
    model->init_weights(gen);
    model->eval();
    if (label.empty()) label = "bert-base (random)";
  } else {
    model = load_bert_model(model_dir);
    if (label.empty()) label = model_dir;
  }

  Generator gen(42);
  std::ofstream json;
  if (!json_path.empty()) json.open(json_path, std::ios::app);
  NoGradGuard no_grad;
  for (int64_t seq : parse_list(seqs)) {
    for (int64_t batch : parse_list(batches)) {
      Tensor ids = random_ids(batch, seq, model->config().vocab_size, gen);
      Tensor mask = Tensor::ones({batch, seq}, DType::Int32);
      auto pass = [&] {
        BertOutput out = model->forward(ids, mask);
        return mean_pool(out.last_hidden_state, mask);
      };
      // One warm-up pass (first-touch allocations, page faults), then passes
      // until --min-reps and --min-time are both reached.
      bench::TimingPlan plan;
      plan.clock = clock == "cpu" ? bench::Clock::ProcessCpu : bench::Clock::Wall;
      plan.warmup_calls = 1;
      plan.warmup_s = 0.0;
      plan.sample_s = 0.0;
      plan.min_samples = min_reps;
      plan.max_samples = INT_MAX;
      plan.total_s = min_time;
      const bench::Timing t = bench::measure(pass, plan);
      const double median = t.median_s, best = t.min_s;
      const double per_second = static_cast<double>(batch) / best;
      std::printf(
          "nlammr  %-10s threads %d  batch %3lld  seq %4lld  median %9.2f ms  min %9.2f ms  %9.1f "
          "sentences/s\n",
          label.c_str(), threads, static_cast<long long>(batch), static_cast<long long>(seq), median * 1e3,
          best * 1e3, per_second);
      std::fflush(stdout);
      if (json)
        json << "{\"framework\": \"nlammr\", \"model\": \"" << label << "\", \"threads\": " << threads
             << ", \"batch\": " << batch << ", \"seq\": " << seq << ", \"clock\": \"" << clock
             << "\", \"median_s\": " << median << ", \"min_s\": " << best << ", \"reps\": " << t.samples
             << "}\n";
    }
  }
  return 0;
}
