#include "tools/nlammr/train_run.h"

#include <omp.h>

#include <cstdio>
#include <filesystem>

#include "dist/communicator.h"
#include "dist/device_reducer.h"
#include "models/bert/bert_checkpoint.h"
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

}  // namespace

TrainSummary run_training(TrainRequest req) {
  // Under mpirun or srun every rank runs this function; rank 0 alone writes
  // and prints (the others' stderr stays open for errors).
  dist::Communicator& comm = dist::world();
  const bool root = comm.is_root();
  std::unique_ptr<TextEncoder> encoder;
  nlohmann::json run_info;
  if (req.resume) {
    RunInfo info = read_run_info(req.out_dir);
    req.data_dir = info.data_dir, req.device = info.device, req.lenient = info.lenient;
    req.model = info.model, req.train = info.train;
    if (req.resume_epochs > 0) req.train.epochs = req.resume_epochs;
    // The recorded cache and batch, whatever --cache and --batch say now.
    encoder = open_run_encoder(info.plm, cache_dir_of(req.encoder));
    run_info = info.to_json();
    if (root) std::fprintf(stderr, "resuming %s (data %s)\n", req.out_dir.c_str(), req.data_dir.c_str());
  } else {
    encoder = open_encoder(req.encoder);
    PlmSettings plm = PlmSettings::of(*encoder);
    plm.cache_recorded = true;
    const std::string cache = cache_dir_of(req.encoder);
    plm.cache_dir = cache.empty() ? "" : std::filesystem::absolute(cache).string();
    plm.encode_batch = req.encoder.batch;
    run_info = {{"data_dir", std::filesystem::absolute(req.data_dir).string()},
                {"plm", plm.to_json()},
                {"device", req.device},
                {"lenient", req.lenient},
                // What produced the run, for the report.
                {"command", invocation()},
                {"commit", build_commit()},
                {"working_dir", std::filesystem::current_path().string()}};
  }
  if (req.train.threads > 0) omp_set_num_threads(static_cast<int>(req.train.threads));
  const Device device = parse_device_for_rank(req.device, comm);
  if (comm.size() > 1 && root)
    std::fprintf(stderr, "data-parallel training on %d ranks over %s\n", comm.size(), comm.backend().c_str());

  Cohort cohort = read_cohort_reporting(req.data_dir, req.lenient);
  if (root) std::fprintf(stderr, "cohort %s: %zu patients, %zu visits, %zu medication classes; language model %s (%lld-d)\n",
               req.data_dir.c_str(), cohort.patients.size(), cohort.visit_count(), cohort.medications.size(),
               encoder->model_dir().c_str(), static_cast<long long>(encoder->dimension()));
  NlammrData data(std::move(cohort), device);
  int64_t plm_parameters = 0;  // trained with the model under --finetune-plm
  if (req.train.finetune_plm) {
    // A trainable copy of the language model runs inside every step.
    if (req.model.visit_text != "concat")
      throw std::runtime_error("--finetune-plm works with --visit-text concat only");
    std::shared_ptr<BertModel> plm = load_bert_model(encoder->model_dir());
    plm->to(device);
    plm_parameters = plm->num_parameters();
    data.use_fine_tuned_texts(plm, encoder->tokenizer(), encoder->options());
    if (root) std::fprintf(stderr, "fine-tuning the language model (%lld parameters) at lr %g\n",
                 static_cast<long long>(plm->num_parameters()), req.train.plm_lr);
  } else {
    data.use_frozen_texts(encode_with_progress(*encoder, comm), req.model.visit_text);
  }
  if (!data.invalid_smiles.empty() && root)
    std::fprintf(stderr, "note: %zu SMILES left out of their class (invalid), e.g. %s\n", data.invalid_smiles.size(),
                 data.invalid_smiles.front().c_str());

  Trainer trainer(data, req.model, req.train, run_info);
  if (comm.size() > 1 && root) {
    // What every step sends: each rank's gradient of every parameter.
    int64_t values = trainer.model().num_parameters();
    values += plm_parameters;
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
