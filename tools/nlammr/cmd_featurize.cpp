// nlammr featurize: SMILES -> OGB molecular graphs, one JSON object per line.
#include <cstdio>
#include <sstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "chem/graph_json.h"
#include "chem/molecule_graph.h"
#include "chem/smiles_file.h"
#include "io/atomic_file.h"
#include "tools/nlammr/commands.h"

namespace nlammr::cli {
namespace {

struct FeaturizeOptions {
  std::string smiles_path;
  std::string output_path;  // "" or "-": standard output
  bool skip_invalid = false;
};

void run_featurize(const FeaturizeOptions& options) {
  const std::vector<SmilesEntry> entries = read_smiles_file(options.smiles_path);
  // A file is written whole or not at all (atomically, once every molecule
  // is done); standard output streams as it goes.
  std::ostringstream file;
  const bool to_stdout = options.output_path.empty() || options.output_path == "-";
  std::ostream& out = to_stdout ? std::cout : static_cast<std::ostream&>(file);
  size_t written = 0, skipped = 0;
  for (const SmilesEntry& entry : entries) {
    MolGraph graph;
    try {
      graph = smiles_to_graph(entry.smiles);
    } catch (const std::runtime_error& e) {
      const std::string where = options.smiles_path + ":" + std::to_string(entry.line) + ": ";
      if (!options.skip_invalid) throw std::runtime_error(where + e.what());
      std::fprintf(stderr, "warning: %sskipping %s\n", where.c_str(), e.what());
      ++skipped;
      continue;
    }
    out << mol_graph_to_json(graph).dump() << '\n';
    ++written;
  }
  if (to_stdout) {
    std::cout.flush();
    if (!std::cout) throw std::runtime_error("failed writing stdout");
  } else {
    write_file_atomic(options.output_path, file.str());
  }
  std::fprintf(stderr, "featurize: %zu molecules written, %zu skipped\n", written, skipped);
}

}  // namespace

void add_featurize_command(CLI::App& app) {
  auto options = std::make_shared<FeaturizeOptions>();
  auto* cmd = app.add_subcommand(
      "featurize", "Molecular graphs with OGB features (JSON lines, OGB's smiles2graph layout) from SMILES");
  cmd->add_option("--smiles", options->smiles_path,
                  "File with one SMILES per line, or 'atc3<TAB>smiles|smiles|...' lines")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("--skip-invalid", options->skip_invalid,
                "Warn about invalid SMILES on stderr and leave them out (default: stop with an error)");
  cmd->add_option("--output", options->output_path, "Output file (default: standard output)");
  cmd->callback([options] { run_featurize(*options); });
}

}  // namespace nlammr::cli
