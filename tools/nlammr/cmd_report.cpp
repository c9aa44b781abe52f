// nlammr report: one offline HTML page about a trained run.
#include <cstdio>

#include "tools/nlammr/commands.h"
#include "tools/nlammr/option_checks.h"
#include "tools/nlammr/run_report.h"

namespace nlammr::cli {

void add_report_command(CLI::App& app) {
  auto req = std::make_shared<ReportRequest>();
  auto* cmd = app.add_subcommand("report", "Write an HTML report of a trained run (charts, metrics, an explained example)");
  cmd->footer(
      "Examples:\n"
      "  nlammr report --run runs/mimic3                  (writes runs/mimic3/report.html)\n"
      "  nlammr report --run runs/mimic3 --out m3.html --patient 17\n"
      "\nOne self-contained file (inline SVG charts, no network): learning curves with the selected epoch,\n"
      "test metrics with bootstrap std beside the baselines, per-class F1, a reliability diagram, DDI rates\n"
      "and the interacting pairs recommended most, one test patient explained, the cohort, and the command,\n"
      "commit and configuration of the run. See docs/report.md.");
  cmd->add_option("--run", req->run_dir, "Run directory made by nlammr train")->required();
  cmd->add_option("--out", req->out, "HTML file to write (default RUN/report.html)");
  cmd->add_option("--patient", req->patient, "Id of the test patient to explain (default: the first with history)");
  cmd->add_option("--bootstrap", req->bootstrap.rounds, "Bootstrap rounds")->capture_default_str()->check(within(1, 100000));
  cmd->add_option("--seed", req->bootstrap.seed, "Bootstrap seed")->capture_default_str();
  cmd->add_option("--top-pairs", req->top_pairs, "Interacting pairs to list")->capture_default_str()->check(within(1, 100000));
  cmd->add_option("--cache", req->encoder.cache_dir, "Embedding cache folder");
  cmd->callback([req] {
    const std::string path = write_report(*req);
    std::printf("report written to %s\n", path.c_str());
  });
}

}  // namespace nlammr::cli
