// Each subcommand of the nlammr program lives in its own cmd_<name>.cpp and
// exposes one function that adds itself to the CLI11 app. main.cpp calls them.
#pragma once

#include <CLI/CLI.hpp>

namespace nlammr::cli {

void add_version_command(CLI::App& app);
void add_featurize_command(CLI::App& app);
void add_baselines_command(CLI::App& app);
void add_prepare_command(CLI::App& app);
void add_synth_command(CLI::App& app);
void add_encode_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_recommend_command(CLI::App& app);
void add_quickstart_command(CLI::App& app);
void add_report_command(CLI::App& app);

}  // namespace nlammr::cli
