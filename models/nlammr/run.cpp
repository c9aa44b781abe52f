#include "models/nlammr/run.h"

#include <filesystem>
#include <stdexcept>

#include "engine/autograd.h"
#include "models/bert/bert_checkpoint.h"

namespace nlammr {

namespace fs = std::filesystem;

Run::Run(std::string dir, RunInfo info, std::unique_ptr<TextEncoder> encoder, bool recorded)
    : dir_(std::move(dir)), recorded_(recorded), info_(std::move(info)), encoder_(std::move(encoder)) {}

std::string Run::run_json() const { return (fs::path(dir_) / "run.json").string(); }

Run Run::create(std::string dir, RunInfo info, std::unique_ptr<TextEncoder> encoder) {
  if (!encoder) throw std::runtime_error("Run::create: no text encoder");
  info.data_dir = fs::absolute(info.data_dir).string();
  return Run(std::move(dir), std::move(info), std::move(encoder), false);
}

Run Run::open(std::string dir, const std::string& cache_dir) {
  RunInfo info = read_run_info(dir);
  std::unique_ptr<TextEncoder> encoder = open_run_encoder(info.plm, cache_dir);
  return Run(std::move(dir), std::move(info), std::move(encoder), true);
}

NlammrData& Run::prepare_data(Device device, const EncodeTextsFn& encode) {
  CohortReadOptions options;
  options.strict = !info_.lenient;
  cohort_report_ = CohortReadReport();
  Cohort cohort = read_cohort(info_.data_dir, options, &cohort_report_);
  data_ = std::make_unique<NlammrData>(std::move(cohort), device);
  if (info_.train.finetune_plm) {
    // A trainable copy of the language model runs inside every step; the
    // fine-tuned weights travel in the run's checkpoints ("plm.*").
    if (info_.model.visit_text != "concat")
      throw std::runtime_error("--finetune-plm works with --visit-text concat only");
    std::shared_ptr<BertModel> plm = load_bert_model(encoder_->model_dir());
    plm->to(device);
    data_->use_fine_tuned_texts(plm, encoder_->tokenizer(), encoder_->options());
  } else {
    TextEncoder* encoder = encoder_.get();
    data_->use_frozen_texts(
        encode ? encode : [encoder](const std::vector<std::string>& texts) { return encoder->encode_texts(texts); },
        info_.model.visit_text);
  }
  const NlammrConfig completed = complete_model_config(info_.model, *data_);
  if (recorded_) {
    const std::string differs = first_differing_key(info_.model.to_json(), completed.to_json());
    if (!differs.empty())
      throw std::runtime_error(run_json() + ": model_config." + differs + " is " +
                               info_.model.to_json().value(differs, nlohmann::json()).dump() + " but the data in " +
                               info_.data_dir + " gives " + completed.to_json().value(differs, nlohmann::json()).dump() +
                               " (the cohort or the language model changed since training)");
  }
  info_.model = completed;
  return *data_;
}

NlammrData& Run::data() {
  if (!data_) throw std::runtime_error(dir_ + ": the run's data is not prepared yet (Run::prepare_data)");
  return *data_;
}

const NlammrData& Run::data() const { return const_cast<Run*>(this)->data(); }

std::shared_ptr<NlammrModel> Run::build_model(std::shared_ptr<Generator> dropout) const {
  return nlammr::build_model(info_.model, data(), info_.train.seed, std::move(dropout));
}

Checkpoint Run::read_checkpoint(const std::string& which) const {
  if (which != "best" && which != "last")
    throw std::runtime_error("--checkpoint must be 'best' or 'last', not '" + which + "'");
  const std::string path = (fs::path(dir_) / (which + ".safetensors")).string();
  if (!fs::exists(path))
    throw std::runtime_error(path + ": no " + which + " checkpoint yet (has training finished an epoch?)");
  Checkpoint ck = load_checkpoint(path);
  if (!ck.meta.is_object() || !ck.meta.contains("model_config"))
    throw std::runtime_error(path + ": checkpoint metadata lacks 'model_config'");
  const nlohmann::json recorded = info_.model.to_json();
  const std::string edited = first_differing_key(recorded, ck.meta["model_config"]);
  if (!edited.empty()) {
    throw std::runtime_error(run_json() + ": model_config." + edited + " is " +
                             recorded.value(edited, nlohmann::json()).dump() + " but " + path + " was trained with " +
                             ck.meta["model_config"].value(edited, nlohmann::json()).dump() +
                             " (run.json was edited apart from its checkpoint)");
  }
  return ck;
}

TrainedModel Run::load_trained(Checkpoint checkpoint) const {
  TrainedModel out;
  out.model = build_model(std::make_shared<Generator>(info_.train.seed + 1));
  out.model->load_state_dict(checkpoint.model);
  out.model->eval();
  out.checkpoint_meta = std::move(checkpoint.meta);
  return out;
}

EncodeTextsFn Run::query_encoder() {
  if (auto live = std::dynamic_pointer_cast<FineTunedTextFeatures>(data().text)) {
    return [live](const std::vector<std::string>& texts) {
      NoGradGuard no_grad;
      return live->encode(texts);
    };
  }
  TextEncoder* encoder = encoder_.get();
  return [encoder](const std::vector<std::string>& texts) { return encoder->encode_texts(texts); };
}

NlammrConfig complete_model_config(NlammrConfig config, const NlammrData& data) {
  if (!data.text) throw std::runtime_error("the data has no text features");
  config.text_dim = data.text->dim();
  if (config.use_code_embeddings) {
    config.num_diagnosis_codes = static_cast<int64_t>(data.cohort.diagnoses.size());
    config.num_procedure_codes = static_cast<int64_t>(data.cohort.procedures.size());
    config.num_medication_classes = data.num_medications();
  }
  config.validate();
  return config;
}

std::shared_ptr<NlammrModel> build_model(const NlammrConfig& config, const NlammrData& data, uint64_t seed,
                                         std::shared_ptr<Generator> dropout) {
  Generator init(seed);
  // The model takes the bank's dtype (float64 vectors train a float64 model).
  auto model = std::make_shared<NlammrModel>(config, init, std::move(dropout), data.text->dtype());
  model->to(data.device);
  if (auto live = std::dynamic_pointer_cast<FineTunedTextFeatures>(data.text)) model->attach_plm(live->plm());
  return model;
}

}  // namespace nlammr
