// nlammr's side of the molecule benchmark (run both sides with bench/gin/run.sh):
//   featurize   smiles_to_graph over every SMILES of the input (molecules/s)
//   gin train   GIN forward + backward over all classes, training mode with
//               NLA-MMR's dropout 0.7, loss sum(class_embeddings * w) (classes/s)
//   gin eval    GIN forward over all classes, evaluation mode, no gradients
// One JSON object per line and thread count, joined with gin_bench_torch.py's
// output by (case, threads).
//
//   gin_bench --smiles FILE [--threads 1,2] [--filter TEXT] [--graphs-out FILE]
//
// FILE is a medication table (atc3<TAB>smiles|smiles|..., one class per line)
// or plain SMILES lines (each its own class). --graphs-out writes the classes'
// graphs (one JSON line per class) and exits, so that the PyTorch side can run
// its GIN on exactly the same graphs; --filter runs only the cases whose name
// contains TEXT.
#include <omp.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/harness.h"
#include "engine/engine.h"
#include "models/gin/graph_batch.h"
#include "chem/graph_json.h"
#include "chem/molecule_graph.h"
#include "chem/smiles_file.h"
#include "models/gin/gin_encoder.h"

using namespace nlammr;

namespace {

struct Classes {
  std::vector<std::vector<MolGraph>> graphs;  // per class, invalid SMILES left out
  int64_t molecules = 0;
};

// Classes in order of first appearance; a SMILES without a group is a class of its own.
Classes read_classes(const std::vector<SmilesEntry>& entries) {
  Classes out;
  std::map<std::string, size_t> index;
  for (const SmilesEntry& entry : entries) {
    size_t c;
    if (entry.group.empty() || !index.count(entry.group)) {
      c = out.graphs.size();
      out.graphs.emplace_back();
      if (!entry.group.empty()) index[entry.group] = c;
    } else {
      c = index[entry.group];
    }
    try {
      out.graphs[c].push_back(smiles_to_graph(entry.smiles));
      ++out.molecules;
    } catch (const std::runtime_error&) {
      // Rejected as RDKit rejects it (the platinum complex of the medication table).
    }
  }
  return out;
}

void write_graphs(const std::string& path, const Classes& classes) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path);
  for (size_t c = 0; c < classes.graphs.size(); ++c) {
    nlohmann::json line = {{"class", c}, {"graphs", nlohmann::json::array()}};
    for (const MolGraph& graph : classes.graphs[c]) line["graphs"].push_back(mol_graph_to_json(graph));
    out << line.dump() << "\n";
  }
  if (!out) throw std::runtime_error("failed writing " + path);
}

// The timing procedure gin_bench_torch.py mirrors: at least two warm-up calls
// and 0.3 s, then samples of one call each for 3 s (5 to 50 samples).
bench::TimingPlan gin_plan() {
  bench::TimingPlan plan;
  plan.warmup_calls = 2;
  plan.warmup_s = 0.3;
  plan.sample_s = 0.0;
  plan.total_s = 3.0;
  plan.min_samples = 5;
  plan.max_samples = 50;
  return plan;
}

void report(const std::string& name, int threads, const bench::Timing& t, int64_t items,
            const std::string& unit) {
  nlohmann::json line = {{"side", "nlammr"},       {"case", name},     {"threads", threads},
                         {"median_s", t.median_s}, {"min_s", t.min_s}, {"samples", t.samples},
                         {"items", items},         {"unit", unit}};
  std::cout << line.dump() << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nlammr molecule benchmark: featurizing and the GIN"};
  std::string smiles_path, filter, graphs_out;
  std::vector<int> thread_counts{1, 2};
  app.add_option("--smiles", smiles_path, "medication table or SMILES file")->required();
  app.add_option("--threads", thread_counts, "thread counts")->delimiter(',');
  app.add_option("--filter", filter, "run only the cases whose name contains this text");
  app.add_option("--graphs-out", graphs_out, "write the classes' graphs as JSON lines and exit");
  CLI11_PARSE(app, argc, argv);

  try {
    const std::vector<SmilesEntry> entries = read_smiles_file(smiles_path);
    const Classes classes = read_classes(entries);
    const GraphTensors graphs = make_graph_tensors(make_class_graph_batch(classes.graphs));
    std::cerr << "gin_bench: " << entries.size() << " SMILES, " << classes.molecules << " molecules in "
              << graphs.num_classes << " classes, " << graphs.num_nodes << " atoms, " << graphs.num_edges
              << " directed edges\n";
    if (!graphs_out.empty()) {
      write_graphs(graphs_out, classes);
      return 0;
    }
    auto wanted = [&](const std::string& name) { return name.find(filter) != std::string::npos; };

    Generator init(42);
    auto dropout_gen = std::make_shared<Generator>(43);
    GinEncoder gin(GinConfig{}, init, dropout_gen);
    Generator wgen(44);
    const Tensor upstream = randn({graphs.num_classes, gin.config().emb_dim}, wgen);

    for (const int threads : thread_counts) {
      omp_set_num_threads(threads);
      // Featurizing is single-threaded on both sides; it is timed at each
      // count anyway so that every row of the table has both columns.
      if (wanted("featurize"))
        report("featurize", threads,
               bench::measure(
                   [&] {
                     for (const SmilesEntry& entry : entries) {
                       try {
                         smiles_to_graph(entry.smiles);
                       } catch (const std::runtime_error&) {
                       }
                     }
                   },
                   gin_plan()),
               static_cast<int64_t>(entries.size()), "molecules");
      const std::string train_case = "gin forward+backward (train)";
      if (wanted(train_case)) {
        gin.train();
        report(train_case, threads,
               bench::measure(
                   [&] {
                     gin.zero_grad();
                     sum(gin.class_embeddings(graphs) * upstream).backward();
                   },
                   gin_plan()),
               graphs.num_classes, "classes");
      }
      const std::string eval_case = "gin forward (eval)";
      if (wanted(eval_case)) {
        gin.eval();
        report(eval_case, threads,
               bench::measure(
                   [&] {
                     NoGradGuard no_grad;
                     gin.class_embeddings(graphs);
                   },
                   gin_plan()),
               graphs.num_classes, "classes");
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "gin_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
