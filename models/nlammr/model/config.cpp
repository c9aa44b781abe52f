#include "models/nlammr/model/config.h"

#include <cmath>
#include <set>
#include <sstream>
#include <stdexcept>

namespace nlammr {

namespace {

// Reads known keys, rejecting unknown ones and wrong types with the key named.
class JsonReader {
 public:
  JsonReader(const nlohmann::json& j, const char* what) : j_(j), what_(what) {
    if (!j.is_object()) throw std::runtime_error(std::string(what) + ": expected a JSON object");
  }
  template <typename T>
  void get(const char* key, T& out) {
    seen_.insert(key);
    auto it = j_.find(key);
    if (it == j_.end()) return;
    try {
      out = it->get<T>();
    } catch (const nlohmann::json::exception&) {
      throw std::runtime_error(std::string(what_) + ": key '" + key + "' has the wrong type (" + it->dump() + ")");
    }
  }
  void finish() const {
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!seen_.count(it.key())) throw std::runtime_error(std::string(what_) + ": unknown key '" + it.key() + "'");
  }

 private:
  const nlohmann::json& j_;
  const char* what_;
  std::set<std::string> seen_;
};

void require(bool ok, const std::string& message) {
  if (!ok) throw std::runtime_error(message);
}

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// `value` must be finite and lie in [low, high]; the message names the field,
// the value and the limits (docs/reliability.md lists them and why).
void require_in_range(const char* what, const char* field, double value, double low, double high) {
  if (std::isfinite(value) && value >= low && value <= high) return;
  throw std::runtime_error(std::string(what) + ": " + field + " is " + number_text(value) + ", outside [" +
                           number_text(low) + ", " + number_text(high) + "]");
}

}  // namespace

nlohmann::json NlammrConfig::to_json() const {
  return {{"text_dim", text_dim},
          {"latent_dim", latent_dim},
          {"gnn_dim", gnn_dim},
          {"gnn_layers", gnn_layers},
          {"dropout", dropout},
          {"gnn_dropout", gnn_dropout},
          {"max_visit_num", max_visit_num},
          {"bce_weight", bce_weight},
          {"contrastive_weight", contrastive_weight},
          {"contrastive_temperature", contrastive_temperature},
          {"ddi_weight", ddi_weight},
          {"use_molecules", use_molecules},
          {"use_history", use_history},
          {"visit_text", visit_text},
          {"use_code_embeddings", use_code_embeddings},
          {"num_diagnosis_codes", num_diagnosis_codes},
          {"num_procedure_codes", num_procedure_codes},
          {"num_medication_classes", num_medication_classes},
          {"code_dropout", code_dropout},
          {"mask_empty_parts", mask_empty_parts}};
}

NlammrConfig NlammrConfig::from_json(const nlohmann::json& j) {
  NlammrConfig c;
  JsonReader r(j, "model config");
  r.get("text_dim", c.text_dim);
  r.get("latent_dim", c.latent_dim);
  r.get("gnn_dim", c.gnn_dim);
  r.get("gnn_layers", c.gnn_layers);
  r.get("dropout", c.dropout);
  r.get("gnn_dropout", c.gnn_dropout);
  r.get("max_visit_num", c.max_visit_num);
  r.get("bce_weight", c.bce_weight);
  r.get("contrastive_weight", c.contrastive_weight);
  r.get("contrastive_temperature", c.contrastive_temperature);
  r.get("ddi_weight", c.ddi_weight);
  r.get("use_molecules", c.use_molecules);
  r.get("use_history", c.use_history);
  r.get("visit_text", c.visit_text);
  r.get("use_code_embeddings", c.use_code_embeddings);
  r.get("num_diagnosis_codes", c.num_diagnosis_codes);
  r.get("num_procedure_codes", c.num_procedure_codes);
  r.get("num_medication_classes", c.num_medication_classes);
  r.get("code_dropout", c.code_dropout);
  r.get("mask_empty_parts", c.mask_empty_parts);
  r.finish();
  c.validate();
  return c;
}

void NlammrConfig::validate() const {
  // Upper bounds far above any sensible model, so that an edited or damaged
  // value gives this message instead of an allocation failure.
  constexpr double kMaxWidth = 65536, kMaxLayers = 64, kMaxVisits = 10000, kMaxCodes = 10000000;
  constexpr double kMaxWeight = 1e6;
  const char* what = "model config";
  require_in_range(what, "text_dim", static_cast<double>(text_dim), 1, kMaxWidth);
  require_in_range(what, "latent_dim", static_cast<double>(latent_dim), 1, kMaxWidth);
  require_in_range(what, "gnn_dim", static_cast<double>(gnn_dim), 1, kMaxWidth);
  require_in_range(what, "gnn_layers", static_cast<double>(gnn_layers), 1, kMaxLayers);
  require_in_range(what, "max_visit_num", static_cast<double>(max_visit_num), 0, kMaxVisits);
  require_in_range(what, "contrastive_weight", contrastive_weight, 0, kMaxWeight);
  require_in_range(what, "ddi_weight", ddi_weight, 0, kMaxWeight);
  require_in_range(what, "contrastive_temperature", contrastive_temperature, 1e-4, 1e4);
  require_in_range(what, "num_diagnosis_codes", static_cast<double>(num_diagnosis_codes), 0, kMaxCodes);
  require_in_range(what, "num_procedure_codes", static_cast<double>(num_procedure_codes), 0, kMaxCodes);
  require_in_range(what, "num_medication_classes", static_cast<double>(num_medication_classes), 0, kMaxCodes);
  require_in_range(what, "code_dropout", code_dropout, 0, 0.99);
  require(text_dim > 0 && latent_dim > 0 && gnn_dim > 0, "model config: widths must be positive");
  require(gnn_layers >= 1, "model config: gnn_layers must be at least 1");
  require(dropout >= 0 && dropout < 1 && gnn_dropout >= 0 && gnn_dropout < 1,
          "model config: dropout rates must lie in [0, 1)");
  require(max_visit_num >= 0, "model config: max_visit_num must be >= 0");
  require(bce_weight >= 0 && bce_weight <= 1, "model config: bce_weight must lie in [0, 1]");
  require(contrastive_weight >= 0 && ddi_weight >= 0, "model config: loss weights must be >= 0");
  require(contrastive_temperature > 0, "model config: contrastive_temperature must be positive");
  require(num_diagnosis_codes >= 0 && num_procedure_codes >= 0 && num_medication_classes >= 0,
          "model config: code counts must be >= 0");
  require(!use_code_embeddings || num_diagnosis_codes + num_procedure_codes + num_medication_classes > 0,
          "model config: use_code_embeddings needs the cohort's code counts");
  require(visit_text == "concat" || visit_text == "codes",
          "model config: visit_text must be 'concat' or 'codes', not '" + visit_text + "'");
}

nlohmann::json TrainConfig::to_json() const {
  return {{"epochs", epochs},   {"batch_size", batch_size},       {"lr", lr},
          {"lr_scale", lr_scale}, {"weight_decay", weight_decay}, {"clip_grad_norm", clip_grad_norm},
          {"seed", seed},       {"threads", threads},             {"finetune_plm", finetune_plm},
          {"plm_lr", plm_lr},   {"patience", patience},           {"lr_decay", lr_decay}};
}

TrainConfig TrainConfig::from_json(const nlohmann::json& j) {
  TrainConfig c;
  JsonReader r(j, "training config");
  r.get("epochs", c.epochs);
  r.get("batch_size", c.batch_size);
  r.get("lr", c.lr);
  r.get("lr_scale", c.lr_scale);
  r.get("weight_decay", c.weight_decay);
  r.get("clip_grad_norm", c.clip_grad_norm);
  r.get("seed", c.seed);
  r.get("threads", c.threads);
  r.get("finetune_plm", c.finetune_plm);
  r.get("plm_lr", c.plm_lr);
  r.get("patience", c.patience);
  r.get("lr_decay", c.lr_decay);
  r.finish();
  c.validate();
  return c;
}

void TrainConfig::validate() const {
  const char* what = "training config";
  require_in_range(what, "epochs", static_cast<double>(epochs), 1, 1e6);
  require_in_range(what, "batch_size", static_cast<double>(batch_size), 1, 1e6);
  require_in_range(what, "lr", lr, 1e-12, 10);
  require_in_range(what, "lr_scale", lr_scale, 1e-12, 1e3);
  require_in_range(what, "plm_lr", plm_lr, 1e-12, 10);
  require_in_range(what, "weight_decay", weight_decay, 0, 10);
  require_in_range(what, "clip_grad_norm", clip_grad_norm, 0, 1e6);
  require_in_range(what, "threads", static_cast<double>(threads), 0, 4096);
  require_in_range(what, "patience", static_cast<double>(patience), 0, 1e6);
  require_in_range(what, "lr_decay", lr_decay, 1e-3, 1);
  require(epochs >= 1, "training config: epochs must be at least 1");
  require(batch_size >= 1, "training config: batch_size must be at least 1");
  require(lr > 0 && lr_scale > 0 && plm_lr > 0, "training config: learning rates must be positive");
  require(weight_decay >= 0 && clip_grad_norm >= 0, "training config: weight_decay and clip_grad_norm must be >= 0");
  require(threads >= 0 && patience >= 0, "training config: threads and patience must be >= 0");
}

}  // namespace nlammr
