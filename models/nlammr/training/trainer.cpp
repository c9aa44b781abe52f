#include "models/nlammr/training/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "engine/autograd.h"
#include "engine/ops.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/input_file.h"
#include "io/tensorboard_events.h"
#include "kernels/common/philox.h"
#include "models/nlammr/evaluation/bootstrap.h"
#include "models/nlammr/model/loss.h"
#include "models/nlammr/inputs/visit_batch.h"
#include "models/nlammr/run_info.h"

namespace nlammr {

namespace fs = std::filesystem;

// ---- prediction -------------------------------------------------------------

namespace {
std::vector<std::vector<double>> predict_visits_here(const NlammrModel& model, const NlammrData& data,
                                                     const std::vector<int64_t>& ids, int64_t batch_size);
}  // namespace

std::vector<std::vector<double>> predict_visits(const NlammrModel& model, const NlammrData& data,
                                                const std::vector<int64_t>& ids, int64_t batch_size,
                                                dist::Communicator& comm) {
  if (comm.size() == 1) return predict_visits_here(model, data, ids, batch_size);
  const dist::Share share = dist::share_of(ids.size(), comm.rank(), comm.size());
  const std::vector<int64_t> mine(ids.begin() + static_cast<int64_t>(share.begin),
                                  ids.begin() + static_cast<int64_t>(share.end));
  std::vector<double> flat;
  for (const std::vector<double>& row : predict_visits_here(model, data, mine, batch_size))
    flat.insert(flat.end(), row.begin(), row.end());
  const std::vector<double> all = dist::allgather_values(comm, flat);
  const size_t m = static_cast<size_t>(data.num_medications());
  if (all.size() != ids.size() * m)
    throw std::runtime_error("predict_visits: the ranks returned " + std::to_string(all.size()) + " values for " +
                             std::to_string(ids.size()) + " visits");
  std::vector<std::vector<double>> out;
  out.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) out.emplace_back(all.begin() + i * m, all.begin() + (i + 1) * m);
  return out;
}

namespace {
std::vector<std::vector<double>> predict_visits_here(const NlammrModel& model_in, const NlammrData& data,
                                                     const std::vector<int64_t>& ids, int64_t batch_size) {
  auto& model = const_cast<NlammrModel&>(model_in);  // mode switch only; parameters untouched
  nn::EvalModeGuard eval_mode(model);
  NoGradGuard no_grad;
  Tensor medications = model.medication_latent(data.text->classes(), data.molecules);
  std::vector<std::vector<double>> out;
  out.reserve(ids.size());
  const int64_t m = data.num_medications();
  for (size_t start = 0; start < ids.size(); start += static_cast<size_t>(batch_size)) {
    std::vector<int64_t> chunk(ids.begin() + static_cast<int64_t>(start),
                               ids.begin() + static_cast<int64_t>(std::min(ids.size(), start + batch_size)));
    VisitInputs in = visit_batch(data, chunk, model.config());
    Tensor probs = sigmoid(NlammrModel::scores(model.patient_latent(in), medications));
    std::vector<double> flat = probs.to(Device::cpu()).to(DType::Float64).to_vector<double>();
    for (size_t i = 0; i < chunk.size(); ++i) out.emplace_back(flat.begin() + i * m, flat.begin() + (i + 1) * m);
  }
  return out;
}
}  // namespace

std::vector<PatientPredictions> predict_patients(const NlammrModel& model, const NlammrData& data,
                                                 const std::vector<size_t>& patients, int64_t batch_size,
                                                 dist::Communicator& comm) {
  std::vector<int64_t> ids = data.index.visits_of(patients);
  std::vector<std::vector<double>> probs = predict_visits(model, data, ids, batch_size, comm);
  std::vector<PatientPredictions> out;
  size_t row = 0;
  for (size_t p : patients) {
    PatientPredictions visits;
    for (const Visit& v : data.cohort.patients[p].visits) visits.push_back({v.medications, std::move(probs[row++])});
    out.push_back(std::move(visits));
  }
  return out;
}

// ---- batch order ----------------------------------------------------------------

// Fisher-Yates with Philox draws keyed by the seed: the order of epoch e is a
// pure function of (seed, e), the same on every platform and after a resume.
std::vector<int64_t> epoch_order(const std::vector<int64_t>& visits, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order = visits;
  const uint64_t base = static_cast<uint64_t>(epoch) << 32;
  for (size_t i = order.size(); i > 1; --i) {
    const philox::Uint4 r = philox::philox4x32_10(base + i, seed);
    const uint64_t draw = (static_cast<uint64_t>(r.x) << 32) | r.y;
    std::swap(order[i - 1], order[draw % i]);
  }
  return order;
}

// ---- training --------------------------------------------------------------------

Trainer::Trainer(const Run& run) : Trainer(run.data(), run.info().model, run.info().train, run.info()) {}

Trainer::Trainer(const NlammrData& data, NlammrConfig model_config, TrainConfig train_config, RunInfo description)
    : data_(data),
      model_config_(complete_model_config(std::move(model_config), data)),
      train_config_(std::move(train_config)),
      description_(std::move(description)) {
  train_config_.validate();
  if (train_config_.finetune_plm && !dynamic_cast<FineTunedTextFeatures*>(data.text.get()))
    throw std::runtime_error("Trainer: finetune_plm needs fine-tuned text features");
  dropout_gen_ = std::make_shared<Generator>(train_config_.seed + 1);
  model_ = build_model(model_config_, data, train_config_.seed, dropout_gen_);
  // The reference puts every module in its own group, all at lr * lr_scale
  // with the same weight decay; one group is equivalent. A fine-tuned
  // language model gets a group of its own with its (much smaller) rate.
  std::vector<Tensor> own;  // every parameter but the attached language model's ("plm.*")
  for (auto& [name, param] : model_->named_parameters())
    if (name.rfind("plm.", 0) != 0) own.push_back(param);
  std::vector<optim::ParamGroup> groups{{own, train_config_.lr * train_config_.lr_scale, train_config_.weight_decay}};
  if (train_config_.finetune_plm) {
    const auto& live = static_cast<const FineTunedTextFeatures&>(*data.text);
    groups.push_back({live.plm()->parameters(), train_config_.plm_lr, train_config_.weight_decay});
  }
  optimizer_ = std::make_unique<optim::Adam>(groups);
  for (const optim::ParamGroup& g : optimizer_->param_groups()) base_lrs_.push_back(g.lr);
}

double scheduled_learning_rate(double base_lr, double lr_decay, int64_t epoch) {
  return base_lr * std::pow(lr_decay, static_cast<double>(std::max<int64_t>(epoch, 1) - 1));
}

void Trainer::set_epoch_learning_rates(int64_t epoch) {
  auto& groups = optimizer_->param_groups();
  for (size_t g = 0; g < groups.size(); ++g)
    groups[g].lr = scheduled_learning_rate(base_lrs_[g], train_config_.lr_decay, epoch);
}

void Trainer::set_communicator(dist::Communicator& comm, std::shared_ptr<dist::DeviceReducer> device_reducer) {
  comm_ = &comm;
  gradient_sync_.reset();
  if (comm.size() == 1) return;
  if (model_config_.contrastive_weight > 0)
    // Its column term couples every row of the batch (a softmax over the
    // batch's visits per medication), which no rank sees alone.
    throw std::runtime_error("--contrastive-weight > 0 is not supported with several ranks (" +
                             std::to_string(comm.size()) + " started); train it in one process");
  if (train_config_.batch_size < comm.size())
    throw std::runtime_error("batch size " + std::to_string(train_config_.batch_size) + " is smaller than the " +
                             std::to_string(comm.size()) + " ranks: every rank needs at least one visit per step");
  std::vector<Tensor> params;
  for (const optim::ParamGroup& g : optimizer_->param_groups())
    params.insert(params.end(), g.params.begin(), g.params.end());
  gradient_sync_ = std::make_unique<dist::GradientSync>(comm, std::move(params), std::move(device_reducer));
}

LossTerms Trainer::train_step(const std::vector<int64_t>& batch_ids) {
  const int ranks = comm_->size();
  const dist::Share share = dist::share_of(batch_ids.size(), comm_->rank(), ranks);
  const std::vector<int64_t> ids(batch_ids.begin() + static_cast<int64_t>(share.begin),
                                 batch_ids.begin() + static_cast<int64_t>(share.end));
  std::vector<std::vector<int>> targets;
  for (int64_t id : ids) targets.push_back(data_.targets(id));
  // The medication tower sees every class on every rank: the same values,
  // the same dropout draws, in the same order as in one process.
  Tensor medications = model_->medication_latent(data_.text->classes(), data_.molecules);
  Tensor patients;
  {
    // The patient tower runs on this rank's rows only; its dropout draws are
    // those of these rows in the whole batch.
    std::optional<RowShardGuard> shard;
    if (ranks > 1) shard.emplace(*dropout_gen_, share.begin, share.size(), batch_ids.size());
    patients = model_->patient_latent(visit_batch(data_, ids, model_config_));
  }
  LossTerms terms = nlammr_loss(NlammrModel::scores(patients, medications), targets, model_config_, data_.ddi);
  optimizer_->zero_grad();
  if (ranks == 1) {
    terms.total.backward();
  } else {
    // Every term is a mean over the rows (BCE over rows x classes), so the
    // batch's loss is the sum over ranks of share/batch times each rank's.
    const double weight = static_cast<double>(share.size()) / static_cast<double>(batch_ids.size());
    Tensor weighted = terms.total * weight;
    weighted.backward();
    gradient_sync_->sum_over_ranks();
    std::vector<double> values = {weighted.to(Device::cpu()).to(DType::Float64).item<double>(), terms.bce * weight,
                                  terms.margin * weight, terms.contrastive * weight, terms.ddi * weight};
    comm_->allreduce_sum(values.data(), values.size());
    terms.total = Tensor::scalar(values[0], DType::Float64);
    terms.bce = values[1], terms.margin = values[2], terms.contrastive = values[3], terms.ddi = values[4];
  }
  // Without clipping, an infinite bound only measures the norm, which costs a
  // pass over the gradients: done only when the logs want it. (Every rank
  // holds the same summed gradients, so the norm is the same on each.)
  if (train_config_.clip_grad_norm > 0) {
    last_grad_norm_ = optim::clip_grad_norm(model_->parameters(), train_config_.clip_grad_norm);
  } else if (measure_grad_norm_) {
    last_grad_norm_ = optim::clip_grad_norm(model_->parameters(), std::numeric_limits<double>::infinity());
  }
  optimizer_->step();
  return terms;
}

namespace {

struct LossSums {
  double total = 0, bce = 0, margin = 0, contrastive = 0, ddi = 0;
  int64_t count = 0;
  nlohmann::json to_json() const {
    return {{"total", total}, {"bce", bce}, {"margin", margin}, {"contrastive", contrastive}, {"ddi", ddi},
            {"count", count}};
  }
  static LossSums from_json(const nlohmann::json& j) {
    LossSums s;
    s.total = j.at("total"), s.bce = j.at("bce"), s.margin = j.at("margin");
    s.contrastive = j.at("contrastive"), s.ddi = j.at("ddi"), s.count = j.at("count");
    return s;
  }
  nlohmann::json means() const {
    const double n = count ? static_cast<double>(count) : 1.0;
    return {{"loss", total / n}, {"bce", bce / n}, {"margin", margin / n}, {"contrastive", contrastive / n},
            {"ddi", ddi / n}};
  }
};

// Keeps only the metrics lines of epochs before `next_epoch` (a resumed run
// rewrites the rest).
void truncate_metrics(const std::string& path, int64_t next_epoch) {
  if (!std::filesystem::exists(path)) return;
  std::istringstream in(read_input_file(path));
  std::string line, kept;
  int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": not a JSON line");
    }
    if (!j.is_object() || !j.contains("epoch") || !j["epoch"].is_number_integer())
      throw std::runtime_error(path + ":" + std::to_string(number) + ": a metrics line needs an integer \"epoch\"");
    if (j["epoch"].get<int64_t>() < next_epoch) kept += line + "\n";
  }
  write_file_atomic(path, kept);
}

// The whole file rewritten atomically with the new line: a crash leaves the
// old file or the new one, never half a line.
void append_line(const std::string& path, const nlohmann::json& j) {
  std::string text = std::filesystem::exists(path) ? read_input_file(path) : std::string();
  write_file_atomic(path, text + j.dump() + "\n");
}

}  // namespace

TrainSummary Trainer::run(const TrainOptions& options) {
  const fs::path dir(options.run_dir);
  const std::string last_path = (dir / "last.safetensors").string();
  const std::string best_path = (dir / "best.safetensors").string();
  const std::string metrics_path = (dir / "metrics.jsonl").string();
  if (options.comm) set_communicator(*options.comm, options.device_reducer);
  dist::Communicator& comm = *comm_;
  const bool writer = comm.is_root();  // only rank 0 writes files and reports
  fs::create_directories(dir);

  TrainSummary summary;
  int64_t next_epoch = 1, next_step = 0, epochs_without_improvement = 0;
  LossSums sums;
  if (options.resume) {
    if (!fs::exists(last_path))
      throw std::runtime_error(last_path + ": nothing to resume (no last checkpoint in the run directory)");
    Checkpoint ck = load_checkpoint(last_path);
    if (!ck.meta.is_object() || !ck.meta.contains("state") || !ck.meta.contains("model_config"))
      throw std::runtime_error(last_path + ": not a training checkpoint (its metadata lacks 'state' or "
                               "'model_config'; best.safetensors cannot be resumed from)");
    const std::string edited = first_differing_key(model_config_.to_json(), ck.meta["model_config"]);
    if (!edited.empty())
      throw std::runtime_error(last_path + ": the checkpoint was trained with another model configuration (model_config." +
                               edited + " differs from run.json)");
    const nlohmann::json& st = ck.meta["state"];
    std::string field;  // the one being read, for the message
    try {
      auto at = [&](const char* key) -> const nlohmann::json& {
        field = std::string("state.") + key;
        return st.at(key);
      };
      dropout_gen_->set_state(at("dropout_seed"), at("dropout_offset"));
      next_epoch = at("next_epoch"), next_step = at("next_step");
      sums = LossSums::from_json(at("loss_sums"));
      summary.best_epoch = at("best_epoch"), summary.best_val_jaccard = at("best_val_jaccard");
      epochs_without_improvement = at("epochs_without_improvement");
    } catch (const nlohmann::json::exception&) {
      throw std::runtime_error(last_path + ": checkpoint field '" + field + "' is missing or has the wrong type");
    }
    if (next_epoch < 1 || next_step < 0 || !std::isfinite(summary.best_val_jaccard))
      throw std::runtime_error(last_path + ": checkpoint state is out of range (next_epoch " +
                               std::to_string(next_epoch) + ", next_step " + std::to_string(next_step) + ")");
    model_->load_state_dict(ck.model);
    optimizer_->load_state(ck.optimizer);
    // Every rank has read the checkpoint before rank 0 rewrites anything.
    comm.barrier();
    if (writer) truncate_metrics(metrics_path, next_epoch);
  } else {
    if (fs::exists(last_path) || fs::exists(metrics_path))
      throw std::runtime_error(options.run_dir + " already holds a training run: pass --resume to continue it, "
                               "or choose another output directory");
    comm.barrier();  // every rank has checked before rank 0 writes
    // Event files left by an attempt that died before its first checkpoint
    // belong to no run: a fresh run replaces them as it replaces run.json
    // (kept, its steps would hide this run's).
    if (writer)
      for (const std::string& stale : tensorboard_event_files((dir / "tensorboard").string())) fs::remove(stale);
    RunInfo info = description_;
    info.model = model_config_;
    info.train = train_config_;
    if (writer) write_run_info(dir.string(), info);
  }

  auto save_state = [&](const std::string& path, int64_t epoch, int64_t step) {
    nlohmann::json meta;
    meta["model_config"] = model_config_.to_json();
    meta["train_config"] = train_config_.to_json();
    meta["state"] = {{"next_epoch", epoch},
                     {"next_step", step},
                     {"loss_sums", sums.to_json()},
                     {"dropout_seed", dropout_gen_->seed()},
                     {"dropout_offset", dropout_gen_->offset()},
                     {"best_epoch", summary.best_epoch},
                     {"best_val_jaccard", summary.best_val_jaccard},
                     {"epochs_without_improvement", epochs_without_improvement}};
    if (writer) save_checkpoint(path, *model_, optimizer_.get(), meta);
  };

  const std::vector<int64_t> train_visits = data_.index.visits_of(data_.split.train);
  const int64_t batch = train_config_.batch_size;
  const int64_t steps = static_cast<int64_t>(train_visits.size()) / batch;  // the reference drops the last batch
  if (steps == 0)
    throw std::runtime_error("the training split has " + std::to_string(train_visits.size()) +
                             " visits, fewer than one batch of " + std::to_string(batch));
  int64_t global_steps = 0;
  // TensorBoard steps count optimizer steps from the start of the run, so a
  // resumed run continues the same axis.
  std::unique_ptr<TensorBoardWriter> board;
  if (options.tensorboard && writer) board = std::make_unique<TensorBoardWriter>((dir / "tensorboard").string());
  measure_grad_norm_ = board != nullptr;

  for (int64_t epoch = next_epoch; epoch <= train_config_.epochs; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    const std::vector<int64_t> order = epoch_order(train_visits, train_config_.seed, epoch);
    set_epoch_learning_rates(epoch);
    model_->train();
    for (int64_t step = (epoch == next_epoch ? next_step : 0); step < steps; ++step) {
      const auto step_start = std::chrono::steady_clock::now();
      LossTerms terms =
          train_step(std::vector<int64_t>(order.begin() + step * batch, order.begin() + (step + 1) * batch));
      const double loss = terms.total.to(Device::cpu()).to(DType::Float64).item<double>();
      const double step_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start).count();
      if (!std::isfinite(loss)) {
        // Stop before any checkpoint holds the diverged weights.
        throw std::runtime_error("training diverged: the loss is " + std::to_string(loss) + " at epoch " +
                                 std::to_string(epoch) + ", step " + std::to_string(step + 1) + " of " +
                                 std::to_string(steps) + "; no checkpoint was written from it (lower "
                                 "learning_rate, or resume from the last good checkpoint)");
      }
      sums.total += loss;
      sums.bce += terms.bce, sums.margin += terms.margin, sums.contrastive += terms.contrastive;
      sums.ddi += terms.ddi, sums.count += 1;
      if (board)
        board->add_scalars((epoch - 1) * steps + step + 1,
                           {{"train/loss", loss},
                            {"train/bce", terms.bce},
                            {"train/margin", terms.margin},
                            {"train/contrastive", terms.contrastive},
                            {"train/ddi", terms.ddi},
                            {"train/learning_rate", learning_rate()},
                            {"train/grad_norm", last_grad_norm_},
                            {"train/steps_per_second", step_seconds > 0 ? 1.0 / step_seconds : 0.0}});
      if (options.progress && writer)
        options.progress({epoch, train_config_.epochs, step + 1, steps, sums.total / sums.count});
      ++global_steps;
      const bool stop_now = options.stop_after_steps > 0 && global_steps >= options.stop_after_steps;
      if (stop_now || (options.checkpoint_every > 0 && (step + 1) % options.checkpoint_every == 0 && step + 1 < steps))
        save_state(last_path, epoch, step + 1);
      if (stop_now) {
        summary.interrupted = true;
        return summary;
      }
    }

    if (options.progress && writer)
      options.progress({epoch, train_config_.epochs, steps, steps, sums.total / sums.count, true});
    // Every rank scores its share and receives all predictions, so every
    // rank reaches the same best-epoch and early-stopping decisions.
    MetricSummary val = evaluate(
        predict_patients(*model_, data_, data_.split.validation, options.eval_batch_size, comm), data_.cohort.ddi);
    const nlohmann::json val_json = summary_json(val);
    for (const auto& [name, value] : val_json.items()) {
      if (value.is_number() && !std::isfinite(value.get<double>()))
        throw std::runtime_error("validation metric '" + name + "' is " + std::to_string(value.get<double>()) +
                                 " after epoch " + std::to_string(epoch) + "; no checkpoint was written from it");
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    nlohmann::json line = {{"epoch", epoch}, {"train", sums.means()}, {"validation", summary_json(val)},
                           {"seconds", seconds}, {"lr", learning_rate()}};
    // What the epoch consumed, whatever the number of ranks.
    line["train"]["steps"] = sums.count;
    line["train"]["samples"] = sums.count * batch;
    summary.epochs_run = epoch;
    if (summary.best_epoch == 0 || val.jaccard > summary.best_val_jaccard) {
      summary.best_val_jaccard = val.jaccard;
      summary.best_epoch = epoch;
      epochs_without_improvement = 0;
      nlohmann::json meta = {{"model_config", model_config_.to_json()},
                             {"train_config", train_config_.to_json()},
                             {"epoch", epoch},
                             {"validation", summary_json(val)}};
      if (writer) save_checkpoint(best_path, *model_, nullptr, meta);
      line["best"] = true;
    } else {
      ++epochs_without_improvement;
    }
    if (comm.size() > 1) line["ranks"] = comm.size();
    if (writer) append_line(metrics_path, line);
    if (board)
      board->add_scalars(epoch * steps, {{"validation/jaccard", val.jaccard},
                                         {"validation/f1", val.f1},
                                         {"validation/prauc", val.prauc},
                                         {"validation/ddi_rate", val.ddi_rate},
                                         {"validation/avg_meds", val.avg_meds},
                                         {"train/epoch_loss", sums.means().at("loss").get<double>()},
                                         {"epoch", static_cast<double>(epoch)}});
    if (options.on_epoch && writer) options.on_epoch(line);
    sums = LossSums();
    save_state(last_path, epoch + 1, 0);
    if (train_config_.patience > 0 && epochs_without_improvement >= train_config_.patience) {
      summary.stopped_early = true;
      break;
    }
  }
  return summary;
}

}  // namespace nlammr
