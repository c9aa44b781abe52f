// nlammr train: NLA-MMR on a cohort directory.
#include "tools/nlammr/cli_options.h"
#include "tools/nlammr/commands.h"
#include "tools/nlammr/option_checks.h"
#include "tools/nlammr/train_run.h"

#include "models/nlammr/model/presets.h"

namespace nlammr::cli {

void add_model_options(CLI::App* cmd, NlammrConfig& m) {
  cmd->add_option("--latent-dim", m.latent_dim, "Width of the shared patient/medication space")->capture_default_str()->check(within(1, 65536));
  cmd->add_option("--dropout", m.dropout, "Dropout of the patient and medication towers")->capture_default_str()->check(within(0, 0.99));
  cmd->add_option("--gnn-dim", m.gnn_dim, "Width of the molecular GIN")->capture_default_str()->check(within(1, 65536));
  cmd->add_option("--gnn-layers", m.gnn_layers, "GIN layers")->capture_default_str()->check(within(1, 64));
  cmd->add_option("--gnn-dropout", m.gnn_dropout, "Dropout inside the GIN")->capture_default_str()->check(within(0, 0.99));
  cmd->add_option("--max-visit-num", m.max_visit_num, "Earlier visits whose medications form the history")
      ->capture_default_str()->check(within(0, 10000));
  cmd->add_option("--bce-weight", m.bce_weight, "Weight of BCE against the multi-label margin loss")
      ->capture_default_str()->check(within(0, 1));
  cmd->add_option("--contrastive-weight", m.contrastive_weight, "Weight of the InfoNCE alignment term (0: off)")
      ->capture_default_str()->check(within(0, 1000000.0));
  cmd->add_option("--temperature", m.contrastive_temperature, "Temperature of the alignment term")
      ->capture_default_str()->check(within(0.0001, 10000.0));
  cmd->add_option("--ddi-weight", m.ddi_weight, "Weight of the expected-DDI penalty (0: off)")->capture_default_str()->check(within(0, 1000000.0));
  cmd->add_option("--visit-text", m.visit_text, "How visits become text: concat (reference) or codes")
      ->check(CLI::IsMember({"concat", "codes"}))
      ->capture_default_str();
  cmd->add_flag("--no-molecules{false}", m.use_molecules, "Ablation: medication classes from text only");
  cmd->add_flag("--no-history{false}", m.use_history, "Ablation: ignore earlier visits");
  cmd->add_flag("--code-embeddings", m.use_code_embeddings,
                "Add a learned vector per diagnosis, procedure and earlier medication code (not in the reference)");
  cmd->add_option("--code-dropout", m.code_dropout, "Leave each code out of the code embeddings with this probability in training")
      ->capture_default_str()->check(within(0, 0.99));
  cmd->add_flag("--mask-empty-parts", m.mask_empty_parts,
                "Leave empty visit parts (e.g. no symptom texts) out of the attention (not in the reference)");
}

void add_train_options(CLI::App* cmd, TrainConfig& t) {
  cmd->add_option("--epochs", t.epochs, "Training epochs")->capture_default_str()->check(within(1, 1000000.0));
  cmd->add_option("--batch-size", t.batch_size, "Visits per step")->capture_default_str()->check(within(1, 1000000.0));
  cmd->add_option("--lr", t.lr, "Learning rate (multiplied by --lr-scale, as the reference does)")
      ->capture_default_str()->check(within(1e-12, 10));
  cmd->add_option("--lr-scale", t.lr_scale, "Scale applied to --lr")->capture_default_str()->check(within(1e-12, 1000.0));
  cmd->add_option("--weight-decay", t.weight_decay, "Adam weight decay (L2)")->capture_default_str()->check(within(0, 10));
  cmd->add_option("--clip-grad-norm", t.clip_grad_norm, "Clip the gradient norm (0: off)")->capture_default_str()->check(within(0, 1000000.0));
  cmd->add_option("--patience", t.patience, "Stop after this many epochs without a better validation Jaccard (0: off)")
      ->capture_default_str()->check(within(0, 1000000.0));
  cmd->add_option("--lr-decay", t.lr_decay, "Multiply the learning rate by this at every epoch after the first (1: constant)")
      ->capture_default_str()->check(within(1e-3, 1));
  cmd->add_option("--seed", t.seed, "Seed of initialisation, batch order and dropout")->capture_default_str();
  cmd->add_option("--threads", t.threads, "CPU threads (0: all)")->capture_default_str()->check(within(0, 4096));
  cmd->add_flag("--finetune-plm", t.finetune_plm,
                "Fine-tune the language model end to end (every step runs BERT over the batch's texts; slow)");
  cmd->add_option("--plm-lr", t.plm_lr, "Learning rate of the language model with --finetune-plm")
      ->capture_default_str()->check(within(1e-12, 10));
}

void add_encoder_options(CLI::App* cmd, EncoderArgs& e) {
  cmd->add_option("--model", e.model_dir, "Language model checkpoint folder (default: all-MiniLM-L6-v2 from setup)");
  cmd->add_option("--cache", e.cache_dir, "Embedding cache folder (default: $NLAMMR_CACHE or .cache/embeddings)");
  cmd->add_flag("--no-cache", e.no_cache, "Do not read or write the embedding cache");
}

void add_normalize_option(CLI::App* cmd, EncoderArgs& e) {
  cmd->add_flag_callback("--no-normalize", [&e] { e.normalize = false; },
                         "Feed the language model's vectors un-normalised, as the reference's precomputed vectors are");
  cmd->add_flag_callback("--normalize", [&e] { e.normalize = true; }, "L2-normalise the language model's vectors")
      ->excludes("--no-normalize");
}

namespace {
void apply_preset(const std::string& name, TrainRequest& req) {
  const TrainingPreset preset = training_preset(name);
  req.model = preset.model;
  req.train = preset.train;
  req.encoder.normalize = preset.normalize_texts;
}
}  // namespace

void add_train_command(CLI::App& app) {
  auto req = std::make_shared<TrainRequest>();
  apply_preset("best", *req);  // the default: the best configuration measured
  auto* cmd = app.add_subcommand("train", "Train NLA-MMR on a cohort directory");
  cmd->footer(
      "Examples:\n"
      "  nlammr train --data ../shared/data/mimic3 --out runs/mimic3          (the best configuration)\n"
      "  nlammr train --data ../shared/data/mimic3 --out runs/ref --preset reference\n"
      "  nlammr train --data runs/synthetic/data --out runs/syn --epochs 10 --contrastive-weight 0.1\n"
      "  nlammr train --out runs/mimic3 --resume          (continue an interrupted run exactly)\n"
      "\nWrites RUN_DIR/run.json, metrics.jsonl (one line per epoch), best.safetensors, last.safetensors.");
  // Added before every model and training option: CLI11 stores options in
  // the order they were added, so the preset is applied first and the
  // options given with it override single fields.
  cmd->add_option_function<std::string>(
         "--preset", [req](const std::string& name) { apply_preset(name, *req); },
         "Settings to start from: best (the default, docs/results.md) or reference (the official code's)")
      ->check(CLI::IsMember(training_preset_names()));
  cmd->add_option("--data", req->data_dir, "Cohort directory (docs/data.md)");
  cmd->add_option("--out", req->out_dir, "Run directory to create (or to resume)")->required();
  cmd->add_option("--device", req->device, "cpu, cuda[:N], or cuda-sim (the CUDA kernels on the CPU simulator: slow, checked)")->capture_default_str();
  cmd->add_flag("--resume", req->resume, "Continue the run in --out from its last checkpoint");
  cmd->add_option("--checkpoint-every", req->checkpoint_every, "Also checkpoint every N steps within an epoch")
      ->capture_default_str()
      ->check(within(0, 1e9));
  cmd->add_flag("--lenient", req->lenient, "Read the cohort leniently (unknown codes reported, not fatal)");
  add_encoder_options(cmd, req->encoder);
  add_normalize_option(cmd, req->encoder);
  add_model_options(cmd, req->model);
  add_train_options(cmd, req->train);
  cmd->callback([req, cmd] {
    // Fine-tuning reads whole visit texts: the best preset's codes texts
    // give way to concat unless --visit-text was asked for.
    if (req->train.finetune_plm && !cmd->count("--visit-text")) req->model.visit_text = "concat";
    if (req->resume) {
      if (cmd->count("--epochs")) req->resume_epochs = req->train.epochs;
    } else if (req->data_dir.empty()) {
      throw CLI::RequiredError("--data (or --resume)");
    }
    run_training(*req);
  });
}

}  // namespace nlammr::cli
