// Training and evaluation of NLA-MMR.
//
// A run directory holds everything about one training run:
//   run.json          configurations, data and language-model identity
//   metrics.jsonl     one line per epoch: training losses, validation metrics
//   last.safetensors  the state after the last finished epoch (or step, with
//                     checkpoint_every): model, optimizer, random generator
//   best.safetensors  the model with the best validation Jaccard so far
//   tensorboard/      TensorBoard event files: per step the loss and its
//                     terms, learning rate, gradient norm and steps/s; per
//                     epoch the validation metrics (io/tensorboard_events.h)
//
// Resuming loads last.safetensors and continues from the exact step where it
// was written: the batch order of each epoch is a function of (seed, epoch),
// and the dropout generator's (seed, offset) is in the checkpoint, so a
// resumed run produces the same bits as an uninterrupted one.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dist/communicator.h"
#include "dist/gradient_sync.h"
#include "engine/optim/optimizer.h"
#include "models/nlammr/model/config.h"
#include "models/nlammr/model/loss.h"
#include "models/nlammr/evaluation/metrics.h"
#include "models/nlammr/inputs/nlammr_data.h"
#include "models/nlammr/model/nlammr_model.h"
#include "models/nlammr/run.h"

namespace nlammr {

// Probabilities [visits, M] for the given visits (eval mode, no graph). With
// a communicator of several ranks each rank scores its contiguous share of
// the visits and every rank receives all rows, in order (a collective call).
std::vector<std::vector<double>> predict_visits(const NlammrModel& model, const NlammrData& data,
                                                const std::vector<int64_t>& visit_ids, int64_t batch_size,
                                                dist::Communicator& comm = dist::single_process());

// Predictions of every visit of these patients, grouped per patient (the
// layout the metrics and the bootstrap take).
std::vector<PatientPredictions> predict_patients(const NlammrModel& model, const NlammrData& data,
                                                 const std::vector<size_t>& patients, int64_t batch_size,
                                                 dist::Communicator& comm = dist::single_process());

struct TrainProgress {
  int64_t epoch = 0, epochs = 0;
  int64_t step = 0, steps = 0;  // within the epoch
  double loss = 0;              // running mean over the epoch so far
  bool evaluating = false;
};
using TrainProgressFn = std::function<void(const TrainProgress&)>;

struct TrainOptions {
  std::string run_dir;
  bool resume = false;
  int64_t checkpoint_every = 0;  // also checkpoint every N steps (0: epoch ends only)
  int64_t eval_batch_size = 64;
  TrainProgressFn progress;
  // Called with each epoch's metrics line (for printing).
  std::function<void(const nlohmann::json&)> on_epoch;
  // Stop after this many optimizer steps in total (tests simulate an
  // interruption with it); 0 = no limit.
  int64_t stop_after_steps = 0;
  // Data-parallel training: every rank of the job calls run() with the same
  // configuration; each takes its share of every batch (see train_step).
  // Only rank 0 writes files and calls progress and on_epoch.
  dist::Communicator* comm = nullptr;  // null: a single process
  // GPU gradients through NCCL (null: through the host).
  std::shared_ptr<dist::DeviceReducer> device_reducer;
  // Write TensorBoard event files into run_dir/tensorboard (rank 0 only).
  bool tensorboard = true;
};

struct TrainSummary {
  int64_t best_epoch = 0;
  double best_val_jaccard = 0;
  int64_t epochs_run = 0;
  bool stopped_early = false;
  bool interrupted = false;  // stop_after_steps reached
};

class Trainer {
 public:
  // Trains the run as its description says (what `nlammr train` does).
  explicit Trainer(const Run& run);
  // Trains a model of these configurations on prepared data (tests and
  // benchmarks); `description` is what run() records in run.json, its
  // configurations replaced by these.
  Trainer(const NlammrData& data, NlammrConfig model_config, TrainConfig train_config, RunInfo description = {});
  TrainSummary run(const TrainOptions& options);
  // One optimizer step on these training visits, as run() takes it for each
  // batch: the medication tower (GIN included) recomputed, the loss, its
  // gradients, the optional clipping and the Adam update. The model must be
  // in training mode.
  //
  // With a communicator of N ranks (set_communicator), `visit_ids` is the
  // whole batch, the same on every rank: rank r computes the loss of its
  // contiguous share of the rows only, weighted by share/batch so that the
  // gradients summed over ranks are those of the batch's mean loss in one
  // process; dropout draws, per row, what one process would draw for that
  // row. Every rank then holds the same summed gradient and takes the same
  // step; the returned loss terms are those of the whole batch.
  LossTerms train_step(const std::vector<int64_t>& visit_ids);
  void set_communicator(dist::Communicator& comm, std::shared_ptr<dist::DeviceReducer> device_reducer = {});
  NlammrModel& model() { return *model_; }
  // The gradient norm of the last train_step, before any clipping (measured
  // when clipping, or inside run() with TensorBoard logs; else 0).
  double last_grad_norm() const { return last_grad_norm_; }
  // The learning rate of the model's parameter group now (the schedule sets
  // it at the start of every epoch).
  double learning_rate() const { return optimizer_->param_groups().front().lr; }

 private:
  const NlammrData& data_;
  NlammrConfig model_config_;
  TrainConfig train_config_;
  RunInfo description_;
  std::shared_ptr<Generator> dropout_gen_;
  std::shared_ptr<NlammrModel> model_;
  std::unique_ptr<optim::Adam> optimizer_;
  dist::Communicator* comm_ = &dist::single_process();
  std::unique_ptr<dist::GradientSync> gradient_sync_;
  double last_grad_norm_ = 0;
  bool measure_grad_norm_ = false;
  std::vector<double> base_lrs_;  // each group's rate before the schedule
  void set_epoch_learning_rates(int64_t epoch);
};

// A group's rate in `epoch` (1-based) under TrainConfig::lr_decay.
double scheduled_learning_rate(double base_lr, double lr_decay, int64_t epoch);

// The order in which training visits are visited in `epoch` (1-based).
std::vector<int64_t> epoch_order(const std::vector<int64_t>& train_visits, uint64_t seed, int64_t epoch);

}  // namespace nlammr
