// float32 GEMM speed: the engine's own kernel (cpu::gemm_f32, what the CPU
// backend runs for float32) against the engine's Eigen path
// (cpu::gemm_eigen<float>, what it ran before), on the shapes of the BERT
// encoder's linear layers (gemm_cases.json, shared with gemm_bench_torch.py).
//
//   gemm_bench --cases bench/gemm/gemm_cases.json --threads 1,2 [--samples 7] [--filter TEXT]
//
// Prints one JSON line per (contender, case, thread count): the fastest and
// the median call in seconds, and GFLOP/s from the fastest call
// (2 m n k / time). bench/gemm/run.sh runs this and the PyTorch script in
// alternating rounds and prints the table.
//
// Fairness on a machine shared with other work: the two contenders take
// turns call by call (ours, Eigen, ours, Eigen, ...) on the same inputs, so
// a burst of load hits both alike, and the fastest call of each is kept, the
// estimate least disturbed by other processes.
#include <omp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench/harness.h"
#include "kernels/cpu/gemm_eigen.h"
#include "kernels/cpu/gemm_f32.h"

namespace {

using namespace nlammr;

struct Case {
  std::string name;
  GemmDesc desc;
};

std::vector<Case> read_cases(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("gemm_bench: cannot open cases file " + path);
  nlohmann::json j;
  try {
    in >> j;
  } catch (const std::exception& e) {
    throw std::runtime_error("gemm_bench: " + path + " is not valid JSON: " + e.what());
  }
  std::vector<Case> cases;
  for (const auto& c : j) {
    Case cs;
    try {
      cs.name = c.at("name").get<std::string>();
      cs.desc.m = c.at("m").get<int64_t>();
      cs.desc.n = c.at("n").get<int64_t>();
      cs.desc.k = c.at("k").get<int64_t>();
      cs.desc.trans_b = c.at("trans_b").get<bool>();
    } catch (const std::exception& e) {
      throw std::runtime_error("gemm_bench: " + path + ": case " + std::to_string(cases.size()) +
                               " needs name, m, n, k and trans_b: " + e.what());
    }
    if (cs.desc.m < 1 || cs.desc.n < 1 || cs.desc.k < 1)
      throw std::runtime_error("gemm_bench: " + path + ": case '" + cs.name + "' has a non-positive size");
    cases.push_back(cs);
  }
  return cases;
}

std::vector<int> parse_threads(const std::string& list) {
  std::vector<int> out;
  std::stringstream ss(list);
  for (std::string item; std::getline(ss, item, ',');) {
    const int t = std::stoi(item);
    if (t < 1) throw std::runtime_error("gemm_bench: thread counts must be positive, got " + item);
    out.push_back(t);
  }
  return out;
}

// The layout in the table: "A·Bᵀ" is linear()'s (weight stored [out, in]).
std::string layout(const GemmDesc& d) { return d.trans_b ? "A.B^T" : "A.B"; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"float32 GEMM: the engine's kernel against its Eigen path"};
  std::string cases_path = "bench/gemm/gemm_cases.json", threads_list = "1,2", filter;
  int samples = 7;
  app.add_option("--cases", cases_path, "JSON list of shapes");
  app.add_option("--threads", threads_list, "comma-separated thread counts");
  app.add_option("--samples", samples, "timed calls per contender (after a warm-up)")
      ->check(CLI::PositiveNumber);
  app.add_option("--filter", filter, "only cases whose name contains this");
  CLI11_PARSE(app, argc, argv);

  try {
    const std::vector<Case> cases = read_cases(cases_path);
    const std::vector<int> thread_counts = parse_threads(threads_list);
    std::cerr << "gemm_bench: micro-kernel " << cpu::gemm_f32_kernel_name() << "\n";
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (const Case& cs : cases) {
      if (!filter.empty() && cs.name.find(filter) == std::string::npos) continue;
      const GemmDesc& d = cs.desc;
      std::vector<float> a(d.m * d.k), b(d.k * d.n), c(d.m * d.n);
      for (float& x : a) x = uniform(rng);
      for (float& x : b) x = uniform(rng);
      const double flops = 2.0 * d.m * d.n * d.k;
      const std::string shape = std::to_string(d.m) + "x" + std::to_string(d.n) + "x" + std::to_string(d.k);
      struct Contender {
        const char* side;
        void (*call)(const GemmDesc&, const float*, const float*, float*);
      };
      const Contender contenders[] = {
          {"nlammr", [](const GemmDesc& g, const float* x, const float* y, float* z) {
             cpu::gemm_f32(g, x, y, z);
           }},
          {"eigen", [](const GemmDesc& g, const float* x, const float* y, float* z) {
             cpu::gemm_eigen(g, x, y, z);
           }},
      };
      for (int threads : thread_counts) {
        omp_set_num_threads(threads);
        // Warm-up: page faults, packing buffers, the thread pool, the clock
        // frequency; at least one call each and about 0.2 s in all. Then
        // `samples` timed calls each, the contenders taking turns.
        bench::TimingPlan plan = bench::fixed_samples(samples, 1);
        plan.warmup_s = 0.2;
        const std::vector<bench::Timing> timings =
            bench::measure_each({[&] { contenders[0].call(d, a.data(), b.data(), c.data()); },
                                 [&] { contenders[1].call(d, a.data(), b.data(), c.data()); }},
                                plan);
        for (int i = 0; i < 2; ++i) {
          const bench::Timing& t = timings[i];
          nlohmann::json row = {{"side", contenders[i].side},
                                {"case", cs.name},
                                {"shape", shape},
                                {"layout", layout(d)},
                                {"threads", threads},
                                {"min_s", t.min_s},
                                {"median_s", t.median_s},
                                {"gflops", flops / t.min_s * 1e-9}};
          std::cout << row.dump() << std::endl;
        }
      }
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
