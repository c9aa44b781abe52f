// nlammr: train, evaluate and run the NLA-MMR medication recommender, and the
// tools around it (encode texts, featurize molecules, prepare cohorts).
#include <cstdio>
#include <exception>

#include "dist/communicator.h"
#include "tools/nlammr/commands.h"
#include "tools/nlammr/invocation.h"

int main(int argc, char** argv) {
  // Line-buffered stdout keeps results and stderr progress in order in logs.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  nlammr::cli::set_invocation(argc, argv);
  CLI::App app{"nlammr: natural-language-assisted multi-modal medication recommendation"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");

  nlammr::cli::add_quickstart_command(app);
  nlammr::cli::add_train_command(app);
  nlammr::cli::add_eval_command(app);
  nlammr::cli::add_recommend_command(app);
  nlammr::cli::add_report_command(app);
  nlammr::cli::add_version_command(app);
  nlammr::cli::add_featurize_command(app);
  nlammr::cli::add_baselines_command(app);
  nlammr::cli::add_prepare_command(app);
  nlammr::cli::add_synth_command(app);
  nlammr::cli::add_encode_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    // Every command reports bad input by throwing; the message names the
    // file and the problem, and the exit status is non-zero.
    if (nlammr::dist::world_is_parallel()) {
      // The other ranks may be waiting in a collective for this one: end the
      // whole job now rather than leave them hanging.
      nlammr::dist::Communicator& world = nlammr::dist::world();
      std::fprintf(stderr, "nlammr: error on rank %d of %d: %s\n", world.rank(), world.size(), e.what());
      std::fflush(stderr);
      world.abort(1);
    }
    std::fprintf(stderr, "nlammr: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
