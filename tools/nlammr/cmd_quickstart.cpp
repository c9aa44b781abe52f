// nlammr quickstart: the project's main job on its embedded default data.
//
//   1. write the synthetic cohort (no credentialed data needed)
//   2. train NLA-MMR on it with the default language model (all-MiniLM-L6-v2)
//   3. evaluate on the test patients with the reference protocol, next to
//      the previous-visit and code-frequency baselines
//   4. recommend for one test patient, with the truth beside it
//   5. write the run's HTML report (run/report.html) and print its path
//
// Re-running it reuses what is already there: the cohort, the embedding
// cache, and a finished training run (an interrupted one is resumed).
#include <cstdio>
#include <filesystem>

#include "engine/autograd.h"
#include "io/checkpoint.h"
#include "models/nlammr/inference/recommender.h"
#include "models/nlammr/inputs/visit_texts.h"
#include "tools/nlammr/cli_options.h"
#include "tools/nlammr/commands.h"
#include "tools/nlammr/option_checks.h"
#include "dist/communicator.h"
#include "tools/nlammr/evaluate_run.h"
#include "tools/nlammr/run_report.h"
#include "tools/nlammr/synth_run.h"
#include "tools/nlammr/train_run.h"

namespace nlammr::cli {

namespace fs = std::filesystem;

namespace {

struct QuickstartArgs {
  std::string out = "runs/quickstart";
  SyntheticOptions synth;
  TrainRequest train;
};

bool run_finished(const std::string& run_dir, int64_t epochs) {
  const fs::path last = fs::path(run_dir) / "last.safetensors";
  if (!fs::exists(last)) return false;
  return load_checkpoint(last.string()).meta.at("state").at("next_epoch").get<int64_t>() > epochs;
}

void show_example(const std::string& run_dir, const EncoderArgs& encoder_args) {
  LoadedRun run = load_run(run_dir, "best", encoder_args);
  const NlammrData& data = run.data();
  // The first test patient with at least two visits: recommend for the last.
  for (size_t p : data.split.test) {
    const Patient& patient = data.cohort.patients[p];
    if (patient.visits.size() < 2) continue;
    const PatientQuery query = query_of_patient(data.cohort, patient);
    Tensor class_text;
    {
      NoGradGuard no_grad;
      class_text = data.text->classes();
    }
    Recommendation rec = recommend(*run.model, data.cohort, data.molecules, class_text, run.encode, query);
    std::printf("\nexample: test patient %s, visit %zu of %zu\n  %s\n", patient.id.c_str(), patient.visits.size(),
                patient.visits.size(), rec.current_text.c_str());
    std::printf("  %-6s %-6s %-6s %s\n", "ATC3", "prob", "given", "class");
    const std::vector<std::string>& truth = query.visits.back().medications;
    for (size_t i = 0; i < rec.ranked.size() && i < 12; ++i) {
      const RecommendedClass& c = rec.ranked[i];
      const bool given = std::find(truth.begin(), truth.end(), c.code) != truth.end();
      std::printf("  %-6s %.3f  %-6s %s\n", c.code.c_str(), c.probability, given ? "yes" : "no", c.name.c_str());
    }
    for (const auto& [a, b] : rec.interactions) std::printf("  DDI warning: %s and %s interact\n", a.c_str(), b.c_str());
    std::printf("(more: nlammr recommend --run %s --diagnoses ... --text \"...\")\n", run_dir.c_str());
    return;
  }
}

void run_quickstart(QuickstartArgs a) {
  if (dist::world().size() > 1)
    throw std::runtime_error("quickstart runs in one process; under mpirun or srun use train, eval and encode "
                             "(docs/distributed.md)");
  const std::string data_dir = (fs::path(a.out) / "data").string();
  const std::string run_dir = (fs::path(a.out) / "run").string();

  std::printf("[1/5] synthetic cohort -> %s\n", data_dir.c_str());
  if (fs::exists(fs::path(data_dir) / "cohort.jsonl")) {
    std::printf("      already there (delete it to regenerate)\n");
  } else {
    run_synth(data_dir, a.synth);
  }

  std::printf("[2/5] training NLA-MMR -> %s\n", run_dir.c_str());
  a.train.data_dir = data_dir;
  a.train.out_dir = run_dir;
  if (run_finished(run_dir, a.train.train.epochs)) {
    std::printf("      already trained (delete it to retrain)\n");
  } else {
    a.train.resume = fs::exists(fs::path(run_dir) / "last.safetensors");
    run_training(a.train);
  }
  std::fflush(stdout);

  std::printf("[3/5] evaluation on the test patients\n");
  EvalRequest eval;
  eval.run_dir = run_dir;
  eval.encoder = a.train.encoder;
  evaluate_run(eval);

  std::printf("[4/5] a recommendation\n");
  show_example(run_dir, a.train.encoder);

  std::printf("[5/5] report\n");
  ReportRequest report;
  report.run_dir = run_dir;
  report.encoder = a.train.encoder;
  const std::string path = write_report(report);
  std::printf("report: %s (open it in a browser; TensorBoard: tensorboard --logdir %s)\n", path.c_str(),
              run_dir.c_str());
}

}  // namespace

void add_quickstart_command(CLI::App& app) {
  auto a = std::make_shared<QuickstartArgs>();
  // Defaults sized to finish in a few minutes on two CPU cores: a smaller
  // cohort, every code title and symptom phrase encoded once ("codes"), and a
  // learning rate ten times the reference's so that few epochs suffice. The
  // train command keeps the reference's defaults.
  a->synth.patients = 1500;
  a->train.model.visit_text = "codes";
  a->train.train.epochs = 8;
  a->train.train.lr_scale = 1.0;
  a->train.train.lr = 1e-3;
  auto* cmd = app.add_subcommand("quickstart",
                                 "The main job: synthetic cohort -> train -> evaluate -> recommend, in minutes");
  cmd->footer(
      "Example:\n"
      "  nlammr quickstart                       (writes runs/quickstart/{data,run})\n"
      "  nlammr quickstart --out /tmp/qs --patients 3000 --epochs 20");
  cmd->add_option("--out", a->out, "Folder for the cohort (data/) and the run (run/)")->capture_default_str();
  cmd->add_option("--patients", a->synth.patients, "Synthetic patients")->capture_default_str()->check(within(1, 10000000));
  cmd->add_option("--data-seed", a->synth.seed, "Seed of the synthetic cohort")->capture_default_str();
  cmd->add_option("--device", a->train.device, "cpu, cuda[:N], or cuda-sim (the CUDA kernels on the CPU simulator: slow, checked)")->capture_default_str();
  add_encoder_options(cmd, a->train.encoder);
  add_model_options(cmd, a->train.model);
  add_train_options(cmd, a->train.train);
  cmd->callback([a] { run_quickstart(*a); });
}

}  // namespace nlammr::cli
