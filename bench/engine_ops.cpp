// engine_ops: CPU timings of the engine's kernels through its public ops,
// against Eigen called directly (GEMMs) and, through a JSON file written by
// bench/engine_ops_torch.py, against PyTorch. bench/run_engine_bench.sh runs
// both and prints the joined table.
//
//   engine_ops [--threads 1,2] [--torch-json torch.json] [--json out.json] [--filter matmul] [--quick]
//   [--list]
//
// Timings are per call; ratios use the minimum over samples (see harness.h).
#include <omp.h>

#include <CLI/CLI.hpp>
#include <Eigen/Core>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/engine_cases.h"
#include "bench/harness.h"

namespace nlammr::bench {
namespace {

struct Result {
  std::string name;
  int threads = 1;
  double flops = 0.0;
  Timing nlammr;
  std::optional<Timing> eigen;
};

std::vector<Result> run_cases(const std::vector<CaseSpec>& cases, const std::vector<int>& thread_counts,
                              const TimingPlan& plan) {
  std::vector<Result> results;
  for (const CaseSpec& spec : cases) {
    CaseRun run = spec.make();
    for (int threads : thread_counts) {
      omp_set_num_threads(threads);
      Result r{spec.name, threads, spec.flops, measure(run.nlammr, plan), std::nullopt};
      if (run.eigen) {
        // Eigen's own parallel GEMM, as Eigen is meant to be used; then back
        // to one thread, which the engine's tiled GEMM relies on.
        Eigen::setNbThreads(threads);
        r.eigen = measure(run.eigen, plan);
        Eigen::setNbThreads(1);
      }
      std::fprintf(stderr, "  %-48s threads=%d  nlammr %9.3f ms%s\n", spec.name.c_str(), threads,
                   r.nlammr.min_s * 1e3,
                   r.eigen ? ("  eigen " + std::to_string(r.eigen->min_s * 1e3) + " ms").c_str() : "");
      results.push_back(r);
    }
  }
  return results;
}

nlohmann::json timing_json(const Timing& t) {
  return {{"median_s", t.median_s},
          {"min_s", t.min_s},
          {"samples", t.samples},
          {"calls_per_sample", t.calls_per_sample}};
}

void write_json(const std::string& path, const std::vector<Result>& results) {
  nlohmann::json out = {
      {"eigen_version", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) +
                            "." + std::to_string(EIGEN_MINOR_VERSION)},
      {"results", nlohmann::json::array()}};
  for (const Result& r : results) {
    nlohmann::json row = {
        {"case", r.name}, {"threads", r.threads}, {"flops", r.flops}, {"nlammr", timing_json(r.nlammr)}};
    if (r.eigen) row["eigen"] = timing_json(*r.eigen);
    out["results"].push_back(row);
  }
  std::ofstream(path) << out.dump(2) << "\n";
}

// (case, threads) -> PyTorch timing, from engine_ops_torch.py's output.
std::map<std::pair<std::string, int>, Timing> read_torch(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open PyTorch results " + path);
  nlohmann::json doc;
  try {
    in >> doc;
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": not valid JSON (" + e.what() + ")");
  }
  std::map<std::pair<std::string, int>, Timing> out;
  for (const auto& row : doc.at("results")) {
    Timing t;
    t.median_s = row.at("median_s").get<double>();
    t.min_s = row.at("min_s").get<double>();
    out[{row.at("case").get<std::string>(), row.at("threads").get<int>()}] = t;
  }
  return out;
}

std::string ms(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, seconds < 1e-2 ? "%.3f" : "%.2f", seconds * 1e3);
  return buf;
}

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// One Markdown table: times are min (median) in ms; ratios are nlammr time
// over the other's time, both minima (above 1 means nlammr is slower).
void print_table(const std::vector<Result>& results,
                 const std::map<std::pair<std::string, int>, Timing>& torch) {
  std::printf(
      "| threads | case | nlammr ms | PyTorch ms | nlammr/PyTorch | Eigen ms | nlammr/Eigen |"
      " GFLOP/s nlammr | GFLOP/s Eigen | GFLOP/s PyTorch |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Result& r : results) {
    const auto t = torch.find({r.name, r.threads});
    const bool has_torch = t != torch.end();
    auto cell = [](const Timing& x) { return ms(x.min_s) + " (" + ms(x.median_s) + ")"; };
    auto gflops = [&](double seconds) {
      return r.flops > 0 ? fixed(r.flops / seconds * 1e-9, 1) : std::string("-");
    };
    std::printf("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.threads, r.name.c_str(),
                cell(r.nlammr).c_str(), has_torch ? cell(t->second).c_str() : "-",
                has_torch ? fixed(r.nlammr.min_s / t->second.min_s, 2).c_str() : "-",
                r.eigen ? cell(*r.eigen).c_str() : "-",
                r.eigen ? fixed(r.nlammr.min_s / r.eigen->min_s, 2).c_str() : "-",
                gflops(r.nlammr.min_s).c_str(), r.eigen ? gflops(r.eigen->min_s).c_str() : "-",
                has_torch ? gflops(t->second.min_s).c_str() : "-");
  }
}

std::vector<int> parse_threads(const std::string& list) {
  std::vector<int> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = list.find(',', start);
    const std::string item =
        list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    try {
      size_t used = 0;
      const int n = std::stoi(item, &used);
      if (used != item.size() || n < 1) throw std::invalid_argument(item);
      out.push_back(n);
    } catch (const std::exception&) {
      throw std::runtime_error("--threads: expected a comma-separated list of positive integers, got '" +
                               list + "'");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace
}  // namespace nlammr::bench

int main(int argc, char** argv) {
  using namespace nlammr::bench;
  CLI::App app{"CPU benchmarks of the nlammr engine against Eigen and PyTorch"};
  std::string threads_list = "1,2", torch_json, json_out, filter, clock = "wall";
  bool quick = false, list = false;
  app.add_option("--threads", threads_list, "comma-separated thread counts");
  app.add_option("--torch-json", torch_json,
                 "PyTorch results from bench/engine_ops_torch.py, joined into the table");
  app.add_option("--json", json_out, "write the nlammr and Eigen results to this JSON file");
  app.add_option("--filter", filter, "run only cases whose name contains this text");
  app.add_flag("--quick", quick, "small sizes only (a smoke run)");
  app.add_flag("--list", list, "print the case names (after --filter and --quick) and exit");
  double seconds_per_case = 0.6;
  app.add_option("--seconds-per-case", seconds_per_case,
                 "time spent sampling each case and thread count (longer: more robust minima)")
      ->check(CLI::PositiveNumber);
  app.add_option("--clock", clock, "wall (default) or cpu: process CPU time, stable under load for 1 thread")
      ->check(CLI::IsMember({"wall", "cpu"}));
  CLI11_PARSE(app, argc, argv);

  try {
    const std::vector<int> threads = parse_threads(threads_list);
    std::vector<CaseSpec> cases;
    for (CaseSpec& c : engine_cases(quick))
      if (filter.empty() || c.name.find(filter) != std::string::npos) cases.push_back(std::move(c));
    if (list) {
      for (const CaseSpec& c : cases) std::printf("%s\n", c.name.c_str());
      return 0;
    }
    const auto torch =
        torch_json.empty() ? std::map<std::pair<std::string, int>, Timing>{} : read_torch(torch_json);
    TimingPlan plan;
    plan.clock = clock == "cpu" ? Clock::ProcessCpu : Clock::Wall;
    plan.total_s = seconds_per_case;
    std::vector<Result> results = run_cases(cases, threads, plan);
    if (!json_out.empty()) write_json(json_out, results);
    print_table(results, torch);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "engine_ops: %s\n", e.what());
    return 1;
  }
  return 0;
}
