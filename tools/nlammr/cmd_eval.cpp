// nlammr eval: the reference evaluation protocol on a trained run.
#include "tools/nlammr/cli_options.h"
#include "tools/nlammr/commands.h"
#include "tools/nlammr/option_checks.h"
#include "tools/nlammr/evaluate_run.h"

namespace nlammr::cli {

void add_eval_command(CLI::App& app) {
  auto req = std::make_shared<EvalRequest>();
  auto* cmd = app.add_subcommand("eval", "Evaluate a trained run: bootstrap over test patients, with baselines");
  cmd->footer(
      "Examples:\n"
      "  nlammr eval --run runs/mimic3 --seed 42      (the official NLA-MMR script's bootstrap draws)\n"
      "  nlammr eval --run runs/mimic3 --split validation --bootstrap 20 --averaging batch:8\n"
      "\nMetrics: Jaccard, F1, PRAUC, precision, recall, DDI rate, #meds at threshold 0.5, as mean and\n"
      "population std over rounds that each draw 80% of the split's patients with replacement.");
  cmd->add_option("--run", req->run_dir, "Run directory made by nlammr train")->required();
  cmd->add_option("--split", req->split, "test or validation")->capture_default_str();
  cmd->add_option("--checkpoint", req->checkpoint, "best or last")->capture_default_str();
  cmd->add_option("--bootstrap", req->bootstrap.rounds, "Bootstrap rounds")->capture_default_str()->check(within(1, 100000));
  cmd->add_option("--fraction", req->bootstrap.fraction, "Share of patients drawn per round")->capture_default_str()->check(within(1e-6, 1));
  cmd->add_option("--seed", req->bootstrap.seed, "Bootstrap seed (numpy legacy generator)")->capture_default_str();
  cmd->add_option("--averaging", req->averaging, "visit, patient or batch:N")->capture_default_str();
  cmd->add_flag("--no-baselines{false}", req->baselines, "Skip the baseline rows");
  cmd->add_flag("--tune-threshold", req->tune_threshold,
                "Add a row at the decision threshold with the best validation Jaccard (the 0.5 row stays)");
  cmd->add_option("--cache", req->encoder.cache_dir, "Embedding cache folder");
  cmd->add_flag("--no-cache", req->encoder.no_cache, "Do not use the embedding cache");
  cmd->callback([req] { evaluate_run(*req); });
}

}  // namespace nlammr::cli
