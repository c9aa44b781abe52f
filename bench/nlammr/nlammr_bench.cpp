// nlammr's side of the NLA-MMR training benchmark (run both sides with
// bench/nlammr/run.sh): Trainer::train_step over the batches of the first
// training epoch, NLA-MMR's default configuration (GIN included, dropout on),
// batch 8, with random vectors in place of the PLM embeddings (the cost of a
// step does not depend on their values). Prints one JSON line: seconds per
// step (wall and process CPU time), the extrapolated epoch, and the peak
// resident memory of the process.
//
//   nlammr_bench [--cohort DIR] [--threads N] [--steps 300] [--warmup 5] [--text-dim 384]
//                [--layout-out FILE]
//
// Without --cohort the synthetic cohort (data/synthetic/synthetic_cohort.h, default
// options) is used. --layout-out writes what the PyTorch side needs to train
// on exactly the same data and batches (visits per patient, each visit's
// medications, the epoch's batch order, every class's molecular graphs as
// nlammr builds them) and exits.
#include <omp.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/harness.h"
#include "chem/graph_json.h"
#include "chem/molecule_graph.h"
#include "data/cohort/cohort.h"
#include "data/synthetic/synthetic_cohort.h"
#include "engine/engine.h"
#include "models/nlammr/training/trainer.h"

using namespace nlammr;

namespace {

// A field of /proc/self/status in MiB (VmRSS: now, VmHWM: the peak).
double status_mib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  return 0.0;
}

// Random PLM vectors of the shapes the cohort needs.
TextBank random_bank(const Cohort& cohort, int64_t dim) {
  Generator gen(7);
  const int64_t visits = static_cast<int64_t>(cohort.visit_count());
  TextBank bank;
  bank.full = randn({visits, dim}, gen);
  bank.parts = randn({visits, 3, dim}, gen);
  bank.medications = randn({visits, dim}, gen);
  bank.classes = randn({static_cast<int64_t>(cohort.medications.size()), dim}, gen);
  return bank;
}

void write_layout(const std::string& path, const NlammrData& data, const std::vector<int64_t>& order) {
  nlohmann::json j;
  j["num_classes"] = data.num_medications();
  j["visit_counts"] = nlohmann::json::array();
  for (const Patient& p : data.cohort.patients) j["visit_counts"].push_back(p.visits.size());
  j["targets"] = nlohmann::json::array();
  for (int64_t id = 0; id < data.index.size(); ++id) j["targets"].push_back(data.targets(id));
  j["order"] = order;
  j["classes"] = nlohmann::json::array();
  for (const auto& smiles_list : data.cohort.medication_smiles) {
    nlohmann::json graphs = nlohmann::json::array();
    for (const std::string& smiles : smiles_list) {
      try {
        graphs.push_back(mol_graph_to_json(smiles_to_graph(smiles)));
      } catch (const std::runtime_error&) {
        // Left out of its class, as NlammrData leaves it out.
      }
    }
    j["classes"].push_back(graphs);
  }
  std::ofstream out(path);
  out << j.dump() << "\n";
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nlammr NLA-MMR training benchmark"};
  std::string cohort_dir, layout_out;
  int threads = 1;
  int64_t steps = 300, warmup = 5, text_dim = 384;
  app.add_option("--cohort", cohort_dir, "cohort directory (default: the synthetic cohort)");
  app.add_option("--threads", threads, "OpenMP threads")->check(CLI::PositiveNumber);
  app.add_option("--steps", steps, "timed training steps")->check(CLI::PositiveNumber);
  app.add_option("--warmup", warmup, "untimed steps first")->check(CLI::NonNegativeNumber);
  app.add_option("--text-dim", text_dim, "width of the PLM vectors")->check(CLI::PositiveNumber);
  app.add_option("--layout-out", layout_out, "write the data layout for the PyTorch side and exit");
  CLI11_PARSE(app, argc, argv);

  try {
    omp_set_num_threads(threads);
    Cohort cohort = cohort_dir.empty() ? generate_synthetic_cohort(SyntheticOptions{}).cohort : read_cohort(cohort_dir);
    TextBank bank = random_bank(cohort, text_dim);
    const NlammrData data(std::move(cohort), bank, Device::cpu());
    TrainConfig train;  // the official defaults: batch 8, lr 5e-4 x 0.1, weight decay 1e-5
    Trainer trainer(data, NlammrConfig{}, train);
    const std::vector<int64_t> order = epoch_order(data.index.visits_of(data.split.train), train.seed, 1);
    const int64_t epoch_steps = static_cast<int64_t>(order.size()) / train.batch_size;
    if (!layout_out.empty()) {
      write_layout(layout_out, data, order);
      return 0;
    }
    if (warmup + steps > epoch_steps)
      throw std::runtime_error("--warmup + --steps exceeds the epoch's " + std::to_string(epoch_steps) + " steps");

    trainer.model().train();
    auto run_step = [&](int64_t s) {
      trainer.train_step(std::vector<int64_t>(order.begin() + s * train.batch_size,
                                              order.begin() + (s + 1) * train.batch_size));
    };
    const double rss_before = status_mib("VmRSS");
    // Each call trains on the epoch's next batch: `warmup` untimed steps, then
    // `steps` timed ones; wall and CPU time are the totals over the timed steps.
    int64_t next_step = 0;
    const bench::Timing timing =
        bench::measure([&] { run_step(next_step++); },
                       bench::fixed_samples(static_cast<int>(steps), static_cast<int>(warmup)));
    const double wall = timing.wall_total_s, cpu = timing.cpu_total_s;

    const GraphTensors& g = data.molecules;
    nlohmann::json line = {{"side", "nlammr"},
                           {"threads", threads},
                           {"steps", steps},
                           {"epoch_steps", epoch_steps},
                           {"wall_s_per_step", wall / static_cast<double>(steps)},
                           {"cpu_s_per_step", cpu / static_cast<double>(steps)},
                           {"epoch_wall_s", wall / static_cast<double>(steps) * static_cast<double>(epoch_steps)},
                           {"rss_before_training_mib", rss_before},
                           {"peak_rss_mib", status_mib("VmHWM")},
                           {"visits", data.index.size()},
                           {"classes", data.num_medications()},
                           {"molecules", g.num_graphs},
                           {"atoms", g.num_nodes},
                           {"edges", g.num_edges},
                           {"parameters", trainer.model().num_parameters()}};
    std::cout << line.dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "nlammr_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
