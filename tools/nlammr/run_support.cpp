#include "tools/nlammr/run_support.h"

#include <cstdio>
#include <filesystem>

#include "dist/launcher_env.h"
#include "engine/backend.h"
#include "engine/autograd.h"
#include "io/checkpoint.h"
#include "models/bert/bert_checkpoint.h"
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

Cohort read_cohort_reporting(const std::string& dir, bool lenient) {
  CohortReadOptions options;
  options.strict = !lenient;
  CohortReadReport report;
  Cohort cohort = read_cohort(dir, options, &report);
  for (const auto& [kind, codes] : report.unknown_codes) {
    size_t total = 0;
    for (const auto& [code, n] : codes) total += n;
    std::fprintf(stderr, "warning: %s: %zu distinct codes, %zu occurrences\n", kind.c_str(), codes.size(), total);
  }
  for (const std::string& w : report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  return cohort;
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
  if (which != "best" && which != "last")
    throw std::runtime_error("--checkpoint must be 'best' or 'last', not '" + which + "'");
  LoadedRun run;
  run.info = read_run_info(run_dir);
  const std::string path = (std::filesystem::path(run_dir) / (which + ".safetensors")).string();
  if (!std::filesystem::exists(path))
    throw std::runtime_error(path + ": no " + which + " checkpoint yet (has training finished an epoch?)");
  Checkpoint ck = load_checkpoint(path);
  if (!ck.meta.is_object() || !ck.meta.contains("model_config"))
    throw std::runtime_error(path + ": checkpoint metadata lacks 'model_config'");
  const std::string edited = first_differing_key(run.info.model.to_json(), ck.meta["model_config"]);
  if (!edited.empty()) {
    throw std::runtime_error((std::filesystem::path(run_dir) / "run.json").string() + ": model_config." + edited +
                             " is " + run.info.model.to_json().value(edited, nlohmann::json()).dump() + " but " +
                             path + " was trained with " + ck.meta["model_config"].value(edited, nlohmann::json()).dump() +
                             " (run.json was edited apart from its checkpoint)");
  }
  run.checkpoint_meta = ck.meta;
  run.encoder = open_run_encoder(run.info.plm, cache_dir_of(encoder_args));
  Cohort cohort = read_cohort_reporting(run.info.data_dir, run.info.lenient);
  const Device device = parse_device_for_rank(run.info.device, comm);
  run.data = std::make_unique<NlammrData>(std::move(cohort), device);
  Generator init(0);
  run.model = std::make_shared<NlammrModel>(run.info.model, init, std::make_shared<Generator>(0));
  run.model->to(device);
  if (run.info.train.finetune_plm) {
    // The fine-tuned language model's weights are in the checkpoint ("plm.*").
    std::shared_ptr<BertModel> plm = load_bert_model(run.info.plm.model_dir);
    plm->to(device);
    run.model->attach_plm(plm);
    run.data->use_fine_tuned_texts(plm, run.encoder->tokenizer(), run.encoder->options());
    auto live = std::static_pointer_cast<FineTunedTextFeatures>(run.data->text);
    run.encode = [live](const std::vector<std::string>& texts) {
      NoGradGuard no_grad;
      return live->encode(texts);
    };
  } else {
    run.data->use_frozen_texts(encode_with_progress(*run.encoder, comm), run.info.model.visit_text);
    TextEncoder* encoder = run.encoder.get();
    run.encode = [encoder](const std::vector<std::string>& texts) { return encoder->encode_texts(texts); };
  }
  run.model->load_state_dict(ck.model);
  run.model->eval();
  return run;
}

}  // namespace nlammr::cli
