// nlammr encode: texts -> sentence vectors in a safetensors file.
//
//   nlammr encode --input texts.txt --output vectors.safetensors
//
// writes "embeddings" [n, d] float32, row i for input text i, and in the
// header's metadata the model folder, pooling, normalisation, maximum length
// and count. The defaults reproduce sentence-transformers for the checkpoint
// (all-MiniLM-L6-v2: mean pooling, 256 tokens, L2-normalised).
#include <omp.h>

#include <cstdio>
#include <optional>
#include <string>

#include "dist/communicator.h"
#include "io/tensor_file.h"
#include "io/text_list.h"
#include "models/bert/text_encoder.h"
#include "tools/nlammr/commands.h"
#include "tools/nlammr/option_checks.h"
#include "tools/nlammr/progress_bar.h"
#include "tools/nlammr/run_support.h"

namespace nlammr::cli {

namespace {

struct EncodeArgs {
  std::string model, input, output, format = "auto", pooling, cache_dir;
  int64_t batch = 32, max_length = 0;
  int threads = 0;
  bool no_cache = false, normalize = false, no_normalize = false;
};

void run_encode(const EncodeArgs& args) {
  if (args.threads > 0) omp_set_num_threads(args.threads);
  const std::vector<std::string> texts = read_text_list(args.input, parse_text_list_format(args.format));

  TextEncoderOptions options;
  options.model_dir = args.model;
  if (!args.pooling.empty()) options.pooling = parse_pooling(args.pooling);
  if (args.normalize) options.normalize = true;
  if (args.no_normalize) options.normalize = false;
  options.max_length = args.max_length;
  options.batch_size = args.batch;
  if (!args.no_cache)
    options.cache_dir = args.cache_dir.empty() ? default_embedding_cache_dir() : args.cache_dir;
  TextEncoder encoder(options);
  // Under mpirun each rank encodes its share of the texts the cache lacks;
  // rank 0 writes the output and the cache.
  dist::Communicator& comm = dist::world();
  spread_encoder(encoder, comm);
  const bool root = comm.is_root();

  ProgressBar bar("encode", "texts");
  Tensor vectors = encoder.encode_texts(texts, [&](const EncodeProgress& p) {
    if (root) bar.update(p.done, p.total);
  });
  bar.finish();
  const double seconds = bar.elapsed_seconds();
  if (!root) return;

  const EmbedOptions& used = encoder.options();
  save_tensors(args.output, {{"embeddings", vectors}},
               {{"model", encoder.model_dir()},
                {"pooling", pooling_name(used.pooling)},
                {"normalize", used.normalize ? "true" : "false"},
                {"max_length", std::to_string(used.max_length)},
                {"count", std::to_string(texts.size())},
                {"dimension", std::to_string(encoder.dimension())}});

  const auto& stats = encoder.last_stats();
  std::fprintf(stderr,
               "encoded %lld texts (%lld from the cache, %lld computed%s) in %.2f s: %.1f texts/s; "
               "%s pooling%s, max length %lld -> %s\n",
               static_cast<long long>(stats.texts), static_cast<long long>(stats.cache_hits),
               static_cast<long long>(stats.computed),
               comm.size() > 1 ? (" over " + std::to_string(comm.size()) + " ranks").c_str() : "", seconds,
               seconds > 0 ? static_cast<double>(stats.texts) / seconds : 0.0, pooling_name(used.pooling),
               used.normalize ? ", L2-normalised" : "", static_cast<long long>(used.max_length),
               args.output.c_str());
}

}  // namespace

void add_encode_command(CLI::App& app) {
  auto args = std::make_shared<EncodeArgs>();
  auto* cmd = app.add_subcommand("encode", "Encode texts into sentence vectors with a BERT checkpoint");
  cmd->add_option("--model", args->model,
                  "Checkpoint folder (default: $NLAMMR_MODEL, then all-MiniLM-L6-v2)");
  cmd->add_option("--input", args->input,
                  "Texts: one per line, or JSONL ({\"text\": ...} or a string per line)")
      ->required();
  cmd->add_option("--output", args->output, "Output .safetensors file (tensor 'embeddings' [n, d])")
      ->required();
  cmd->add_option("--format", args->format, "Input format: auto (by extension), lines or jsonl")
      ->capture_default_str();
  cmd->add_option("--pooling", args->pooling,
                  "mean, cls or pooler (default: the checkpoint's sentence-transformers pooling, else mean)");
  auto* normalize = cmd->add_flag("--normalize", args->normalize, "L2-normalise the vectors");
  auto* no_normalize = cmd->add_flag("--no-normalize", args->no_normalize, "Do not L2-normalise the vectors");
  normalize->excludes(no_normalize);
  cmd->add_option("--batch", args->batch, "Texts per forward pass")
      ->capture_default_str()
      ->check(within(1, 100000));
  cmd->add_option(
         "--max-length", args->max_length,
         "Truncation length in tokens (default: sentence-transformers' max_seq_length, else the model's)")
      ->check(within(1, 1048576));
  cmd->add_option("--threads", args->threads,
                  "CPU threads (default: all; on a busy machine also set OMP_WAIT_POLICY=passive)")
      ->check(within(1, 4096));
  cmd->add_option("--cache", args->cache_dir,
                  "Embedding cache folder (default: $NLAMMR_CACHE, else .cache/embeddings)");
  cmd->add_flag("--no-cache", args->no_cache, "Neither read nor write the embedding cache");
  cmd->callback([args] { run_encode(*args); });
}

}  // namespace nlammr::cli
