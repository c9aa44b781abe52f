#include "tools/nlammr/train_run.h"

#include <omp.h>

#include <cstdio>
#include <filesystem>

#include "dist/communicator.h"
#include "dist/device_reducer.h"
#include "tools/nlammr/invocation.h"
#include "tools/nlammr/progress_bar.h"

namespace nlammr::cli {

namespace {

void print_epoch(const nlohmann::json& line) {
  const auto& v = line.at("validation");
  std::printf("epoch %3lld  loss %.4f | validation Jaccard %.4f  F1 %.4f  PRAUC %.4f  DDI %.4f  #meds %.2f | %.1fs%s\n",
              static_cast<long long>(line.at("epoch").get<int64_t>()), line.at("train").at("loss").get<double>(),
              v.at("jaccard").get<double>(), v.at("f1").get<double>(), v.at("prauc").get<double>(),
              v.at("ddi_rate").get<double>(), v.at("avg_meds").get<double>(), line.at("seconds").get<double>(),
              line.contains("best") ? "  (best so far)" : "");
  std::fflush(stdout);
}

// The run to train: a new one described by the request, or the one in
// --out as its run.json describes it (--resume; only --epochs may extend it).
Run open_or_create(const TrainRequest& req) {
  if (req.resume) {
    Run run = Run::open(req.out_dir, cache_dir_of(req.encoder));
    if (req.resume_epochs > 0) run.info().train.epochs = req.resume_epochs;
    return run;
  }
  std::unique_ptr<TextEncoder> encoder = open_encoder(req.encoder);
  RunInfo info;
  info.data_dir = req.data_dir;
  info.device = req.device;
  info.lenient = req.lenient;
  info.model = req.model;
  info.train = req.train;
  info.plm = PlmSettings::of(*encoder);
  // The cache and batch are recorded: a resume reads the same vectors.
  info.plm.cache_recorded = true;
  const std::string cache = cache_dir_of(req.encoder);
  info.plm.cache_dir = cache.empty() ? "" : std::filesystem::absolute(cache).string();
  info.plm.encode_batch = req.encoder.batch;
  // What produced the run, for the report.
  info.command = invocation();
  info.commit = build_commit();
  info.working_dir = std::filesystem::current_path().string();
  return Run::create(req.out_dir, std::move(info), std::move(encoder));
}

}  // namespace

TrainSummary run_training(const TrainRequest& req) {
  // Under mpirun or srun every rank runs this function; rank 0 alone writes
  // and prints (the others' stderr stays open for errors).
  dist::Communicator& comm = dist::world();
  const bool root = comm.is_root();
  Run run = open_or_create(req);
  const RunInfo& info = run.info();
  if (req.resume && root) std::fprintf(stderr, "resuming %s (data %s)\n", req.out_dir.c_str(), info.data_dir.c_str());
  if (info.train.threads > 0) omp_set_num_threads(static_cast<int>(info.train.threads));
  const Device device = parse_device_for_rank(info.device, comm);
  if (comm.size() > 1 && root)
    std::fprintf(stderr, "data-parallel training on %d ranks over %s\n", comm.size(), comm.backend().c_str());

  const NlammrData& data = run.prepare_data(device, encode_with_progress(run.encoder(), comm));
  if (root) {
    print_cohort_report(run.cohort_report());
    std::fprintf(stderr, "cohort %s: %zu patients, %zu visits, %zu medication classes; language model %s (%lld-d)\n",
                 info.data_dir.c_str(), data.cohort.patients.size(), data.cohort.visit_count(),
                 data.cohort.medications.size(), run.encoder().model_dir().c_str(),
                 static_cast<long long>(run.encoder().dimension()));
    if (!data.invalid_smiles.empty())
      std::fprintf(stderr, "note: %zu SMILES left out of their class (invalid), e.g. %s\n", data.invalid_smiles.size(),
                   data.invalid_smiles.front().c_str());
  }

  Trainer trainer(run);
  if (info.train.finetune_plm && root) {
    const auto& plm = static_cast<const FineTunedTextFeatures&>(*data.text).plm();
    std::fprintf(stderr, "fine-tuning the language model (%lld parameters) at lr %g\n",
                 static_cast<long long>(plm->num_parameters()), info.train.plm_lr);
  }
  if (comm.size() > 1 && root) {
    // What every step sends: each rank's gradient of every parameter (the
    // fine-tuned language model's included).
    const int64_t values = trainer.model().num_parameters();
    std::fprintf(stderr, "each step sums a gradient of %lld values (%.2f MB) over the ranks\n",
                 static_cast<long long>(values), static_cast<double>(values) * (data.text->dtype() == DType::Float64 ? 8.0 : 4.0) / 1e6);
  }
  ProgressBar bar("epoch", "steps");
  int64_t bar_epoch = 0;
  TrainOptions options;
  options.run_dir = req.out_dir;
  options.resume = req.resume;
  options.checkpoint_every = req.checkpoint_every;
  options.comm = &comm;
  if (device.is_cuda() && comm.size() > 1) options.device_reducer = dist::make_nccl_reducer(comm, device.index);
  options.progress = [&](const TrainProgress& p) {
    if (p.epoch != bar_epoch) {
      bar.restart("epoch " + std::to_string(p.epoch) + "/" + std::to_string(p.epochs));
      bar_epoch = p.epoch;
    }
    char note[64];
    std::snprintf(note, sizeof note, "loss %.4f%s", p.loss, p.evaluating ? "  validating..." : "");
    bar.update(p.step, p.steps, note);
  };
  options.on_epoch = [&](const nlohmann::json& line) {
    bar.finish();
    print_epoch(line);
  };
  TrainSummary summary = trainer.run(options);
  bar.finish();
  if (root)
    std::printf("best validation Jaccard %.4f at epoch %lld%s; checkpoints in %s\n", summary.best_val_jaccard,
              static_cast<long long>(summary.best_epoch), summary.stopped_early ? " (stopped early)" : "",
              req.out_dir.c_str());
  return summary;
}

}  // namespace nlammr::cli
