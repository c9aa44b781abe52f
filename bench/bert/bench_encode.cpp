// Texts per second of what `nlammr encode` computes for a list of texts of
// mixed lengths (tokenisation, length-sorted batches padded to their longest
// text, the BERT forward pass, mean pooling), without the embedding cache:
// the cost of encoding from a cold cache. bench/bert/run_encode.sh runs it
// and its PyTorch counterpart (bench_encode_reference.py) on the same texts.
//
//   bench_encode --model DIR (--texts FILE | --cohort DIR [--sample N] [--write-texts FILE])
//                [--threads 1] [--batch 32] [--max-length 256] [--reps 2] [--clock wall|cpu] [--json FILE]
//
// --cohort builds the visit texts NLA-MMR's "concat" mode encodes (diagnoses,
// procedures, medications, the full visit text; empty texts left out) from
// a cohort folder and keeps every k-th one for --sample N texts, spread over
// the whole cohort so that the length mix is the cohort's; --write-texts
// saves them (one per line) for the reference script. The fastest of --reps
// passes counts.
#include <omp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "bench/harness.h"
#include "data/cohort/cohort.h"
#include "engine/engine.h"
#include "models/bert/bert_checkpoint.h"
#include "models/bert/text_encoder.h"
#include "models/bert/tokenizer/wordpiece_tokenizer.h"
#include "models/nlammr/inputs/visit_texts.h"

using namespace nlammr;

namespace {

std::vector<std::string> cohort_texts(const std::string& dir, int64_t sample) {
  const Cohort cohort = read_cohort(dir);
  std::vector<std::string> all;
  for (const Patient& p : cohort.patients)
    for (const Visit& v : p.visits) {
      const VisitTexts t = make_visit_texts(cohort, v);
      for (const std::string* s : {&t.diagnoses, &t.procedures, &t.medications, &t.full})
        if (!s->empty()) all.push_back(*s);
    }
  if (sample <= 0 || sample >= static_cast<int64_t>(all.size())) return all;
  std::vector<std::string> out;
  const double step = static_cast<double>(all.size()) / static_cast<double>(sample);
  for (int64_t i = 0; i < sample; ++i) out.push_back(all[static_cast<size_t>(i * step)]);
  return out;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("bench_encode: cannot read " + path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"Encoding throughput on texts of mixed lengths (texts per second)"};
  std::string model_dir, texts_path, cohort_dir, write_texts, json_path, clock = "wall";
  int threads = 1, reps = 2;
  int64_t sample = 2000, batch = 32, max_length = 256;
  app.add_option("--model", model_dir, "Checkpoint folder")->required();
  app.add_option("--texts", texts_path, "Texts, one per line");
  app.add_option("--cohort", cohort_dir, "Cohort folder: encode its visit texts");
  app.add_option("--sample", sample, "With --cohort: this many texts, spread over the cohort")->capture_default_str();
  app.add_option("--write-texts", write_texts, "With --cohort: save the texts, one per line");
  app.add_option("--threads", threads, "OpenMP threads")->capture_default_str();
  app.add_option("--batch", batch, "Texts per forward pass")->capture_default_str();
  app.add_option("--max-length", max_length, "Truncation length in tokens")->capture_default_str();
  app.add_option("--reps", reps, "Timed passes over all texts")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--clock", clock, "wall or cpu (process CPU time)")
      ->check(CLI::IsMember({"wall", "cpu"}))
      ->capture_default_str();
  app.add_option("--json", json_path, "Append the result as a JSON line to this file");
  CLI11_PARSE(app, argc, argv);
  if (texts_path.empty() == cohort_dir.empty()) {
    std::fprintf(stderr, "bench_encode: give exactly one of --texts FILE and --cohort DIR\n");
    return 2;
  }
  omp_set_num_threads(threads);

  const std::vector<std::string> texts = cohort_dir.empty() ? read_lines(texts_path) : cohort_texts(cohort_dir, sample);
  if (!write_texts.empty()) {
    std::ofstream out(write_texts);
    for (const std::string& t : texts) out << t << "\n";
  }
  const WordPieceTokenizer tokenizer = WordPieceTokenizer::from_model_dir(model_dir);
  std::shared_ptr<BertModel> model = load_bert_model(model_dir);
  EmbedOptions options;
  options.batch_size = batch;
  options.max_length = max_length;
  int64_t tokens = 0;
  for (const std::string& t : texts) tokens += static_cast<int64_t>(tokenizer.encode(t, true, max_length).size());

  // No warm-up: the first pass's cold start is part of what --reps 1 measures.
  const bench::Clock timing_clock = clock == "cpu" ? bench::Clock::ProcessCpu : bench::Clock::Wall;
  const double best = bench::measure([&] { embed_texts(*model, tokenizer, texts, options); },
                                     bench::fixed_samples(reps, 0, timing_clock))
                          .min_s;
  const double per_second = static_cast<double>(texts.size()) / best;
  std::printf("nlammr  threads %d  texts %zu  mean tokens %.1f  batch %lld  %.2f s  %.1f texts/s\n", threads,
              texts.size(), static_cast<double>(tokens) / static_cast<double>(texts.size()),
              static_cast<long long>(batch), best, per_second);
  if (!json_path.empty()) {
    std::ofstream json(json_path, std::ios::app);
    json << "{\"framework\": \"nlammr\", \"threads\": " << threads << ", \"texts\": " << texts.size()
         << ", \"tokens\": " << tokens << ", \"batch\": " << batch << ", \"clock\": \"" << clock
         << "\", \"seconds\": " << best << ", \"texts_per_s\": " << per_second << "}\n";
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_encode: %s\n", e.what());
  return 1;
}
