#include "tools/nlammr/run_support.h"

#include <cstdio>

#include "dist/launcher_env.h"
#include "engine/backend.h"
#include "tools/nlammr/progress_bar.h"

namespace nlammr::cli {

std::string cache_dir_of(const EncoderArgs& args) {
  if (args.no_cache) return "";
  return args.cache_dir.empty() ? default_embedding_cache_dir() : args.cache_dir;
}

std::unique_ptr<TextEncoder> open_encoder(const EncoderArgs& args) {
  TextEncoderOptions options;
  options.model_dir = args.model_dir;
  options.cache_dir = cache_dir_of(args);
  options.batch_size = args.batch;
  options.normalize = args.normalize;
  return std::make_unique<TextEncoder>(options);
}

void spread_encoder(TextEncoder& encoder, dist::Communicator& comm) {
  if (comm.size() == 1) return;
  TextEncoder::Spread spread;
  spread.rank = comm.rank(), spread.size = comm.size();
  spread.allgather = [&comm](const std::vector<float>& mine) { return dist::allgather_values(comm, mine); };
  spread.write_cache = comm.is_root();
  encoder.set_spread(std::move(spread));
}

EncodeTextsFn encode_with_progress(TextEncoder& encoder, dist::Communicator& comm) {
  spread_encoder(encoder, comm);
  const bool root = comm.is_root();
  return [&encoder, root](const std::vector<std::string>& texts) {
    ProgressBar bar("encode", "texts");
    Tensor out = encoder.encode_texts(texts, [&](const EncodeProgress& p) {
      if (root) bar.update(p.done, p.total);
    });
    bar.finish();
    const auto& s = encoder.last_stats();
    if (s.computed > 0 && root)
      std::fprintf(stderr, "encoded %lld texts (%lld computed, %lld from the cache) in %.1f s\n",
                   static_cast<long long>(s.texts), static_cast<long long>(s.computed),
                   static_cast<long long>(s.cache_hits), bar.elapsed_seconds());
    return out;
  };
}

void print_cohort_report(const CohortReadReport& report) {
  for (const auto& [kind, codes] : report.unknown_codes) {
    size_t total = 0;
    for (const auto& [code, n] : codes) total += n;
    std::fprintf(stderr, "warning: %s: %zu distinct codes, %zu occurrences\n", kind.c_str(), codes.size(), total);
  }
  for (const std::string& w : report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
}

Device parse_device_checked(const std::string& text) {
  Device device = parse_device(text);
  if (device.is_cuda() && !cuda_available())
    throw std::runtime_error("--device " + text + ": " + cuda_unavailable_reason());
  if (device.is_simulated_cuda() && !simulated_cuda_available())
    throw std::runtime_error("--device " + text + ": this build has no CUDA simulator (configure with -DNLAMMR_CUDA_SIM=ON)");
  return device;
}

Device parse_device_for_rank(const std::string& text, dist::Communicator& comm) {
  Device device = parse_device_checked(text);
  // One GPU per rank: the rank's place on its node picks it (start at most as
  // many ranks per node as it has GPUs, or name one with cuda:N).
  if (device.is_cuda() && comm.size() > 1 && text == "cuda") device = Device::cuda(dist::read_launcher_env().local_rank);
  return device;
}

LoadedRun load_run(const std::string& run_dir, const std::string& which, const EncoderArgs& encoder_args,
                   dist::Communicator& comm) {
  Run run = Run::open(run_dir, cache_dir_of(encoder_args));
  Checkpoint checkpoint = run.read_checkpoint(which);  // before any text is encoded
  const Device device = parse_device_for_rank(run.info().device, comm);
  run.prepare_data(device, encode_with_progress(run.encoder(), comm));
  print_cohort_report(run.cohort_report());
  TrainedModel trained = run.load_trained(std::move(checkpoint));
  EncodeTextsFn encode = run.query_encoder();
  return LoadedRun{std::move(run), std::move(trained.model), std::move(trained.checkpoint_meta), std::move(encode)};
}

}  // namespace nlammr::cli
