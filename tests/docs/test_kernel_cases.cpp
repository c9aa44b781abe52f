// Keeps the kernel case list (tests/cases/kernel_cases.h) well formed and in
// step with docs/kernels.md: the benchmarks that read it are never run in CI,
// so a case they cannot use must fail here, not on a GPU machine later.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/cases/kernel_cases.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace nlammr::cases;
using nlammr::DType;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string describe(const OpCase& c) {
  std::string dims;
  for (int64_t d : c.dims) dims += (dims.empty() ? "" : ",") + std::to_string(d);
  return std::string(c.op) + " [" + dims + "] (" + c.why + ")";
}

// Parameters a family's harnesses read from every case.
const std::map<std::string, std::vector<const char*>> kRequiredParams = {
    {"fill", {"value"}},
    {"add", {"broadcast"}},
    {"gemm", {"trans_a", "trans_b", "shared_b", "alpha", "beta"}},
    {"attention", {"masked"}},
    {"dropout", {"p"}},
};

// The number of dimensions each harness expects (0: any).
const std::map<std::string, size_t> kRank = {
    {"sum", 3},
    {"max", 3},
    {"gemm", 4},
    {"linear", 3},
    {"softmax", 2},
    {"layer_norm", 2},
    {"attention", 5},
    {"index_add", 3},
    {"segment_sum", 3},
    {"gin_message", 3},
    {"copy", 2},
    {"binary", 3},
    {"multilabel_margin", 2},
    {"cross_entropy", 2},
    {"contrastive", 2},
};

}  // namespace

TEST_CASE("every kernel case names a family, has a shape, a user and the parameters its harness reads") {
  std::set<std::string> used;
  for (const OpCase& c : all_cases()) {
    INFO(describe(c));
    REQUIRE_NOTHROW(family(c.op));
    used.insert(c.op);
    CHECK(!c.dims.empty());
    for (int64_t d : c.dims) CHECK(d >= 0);
    CHECK(c.use != 0u);
    CHECK((c.use & ~(kTest | kGpuBench | kCpuBench | kSmoke | kSimMetrics)) == 0u);
    if (c.use & kSmoke) CHECK((c.use & kCpuBench) != 0u);
    CHECK(std::string(c.why).size() > 0);
    const auto rank = kRank.find(c.op);
    if (rank != kRank.end()) CHECK(c.dims.size() == rank->second);
    const auto required = kRequiredParams.find(c.op);
    if (required != kRequiredParams.end())
      for (const char* name : required->second) CHECK_NOTHROW(c.param(name));
    for (DType d : dtypes_of(c)) {
      const std::vector<DType>& allowed = family(c.op).dtypes;
      CHECK(std::find(allowed.begin(), allowed.end(), d) != allowed.end());
    }
  }
  // No family without a case.
  for (const Family& f : families()) {
    INFO(f.op);
    CHECK(used.count(f.op) == 1);
  }
}

TEST_CASE("the benchmark cases have the shapes the benchmarks time") {
  // bench/cuda/bench_attention.cu, bench/engine_ops and sim_metrics.cpp run unmasked self-attention.
  for (const OpCase& c : cases_for("attention", kGpuBench | kCpuBench | kSimMetrics)) {
    INFO(describe(c));
    CHECK(c.dim(2) == c.dim(3));
    CHECK_FALSE(c.flag("masked"));
  }
  // bench/engine_ops times single untransposed products C = A B.
  for (const OpCase& c : cases_for("gemm", kCpuBench)) {
    INFO(describe(c));
    CHECK(c.dim(0) == 1);
    CHECK_FALSE(c.flag("trans_a"));
    CHECK_FALSE(c.flag("trans_b"));
    CHECK(c.param("alpha") == 1.0);
    CHECK(c.param("beta") == 0.0);
  }
  // bench/engine_ops and bench/cuda/sim_metrics.cpp sum a 2-D tensor over one of its dims.
  for (const OpCase& c : cases_for("sum", kCpuBench | kSimMetrics)) {
    INFO(describe(c));
    CHECK((c.dim(0) == 1 || c.dim(2) == 1));
  }
  // bench/cuda/bench_segment.cu draws segments around a mean length of rows / segments.
  for (const char* op : {"segment_sum", "gin_message"})
    for (const OpCase& c : cases_for(op, kGpuBench)) {
      INFO(describe(c));
      CHECK(c.dim(0) > 0);
      CHECK(c.dim(1) / c.dim(0) >= 1);
    }
  // bench/cuda/sim_metrics.cpp builds chains: 2 (nodes - 1) edges.
  for (const OpCase& c : cases_for("gin_message", kSimMetrics)) {
    INFO(describe(c));
    CHECK(c.dim(1) == 2 * (c.dim(0) - 1));
  }
  CHECK(!cases_for("gemm", kSmoke).empty());
  CHECK_THROWS_AS(cases_for("no such kernel", kTest), std::out_of_range);
}

TEST_CASE("docs/kernels.md has one row per kernel family, naming its sources, and the sources exist") {
  const fs::path root = NLAMMR_SOURCE_DIR;
  const std::string page = read_text(root / "docs/kernels.md");
  std::set<std::string> documented;
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    // Rows of the table "Kernels, their cases and benchmarks": | `family` | `kernels/cpu/...` | ...
    const std::string start = "| `";
    if (line.rfind(start, 0) != 0 || line.find("| `kernels/cpu/") == std::string::npos) continue;
    const size_t end = line.find('`', start.size());
    documented.insert(line.substr(start.size(), end - start.size()));
  }
  for (const Family& f : families()) {
    INFO(f.op);
    CHECK(fs::is_regular_file(root / f.cpu_reference));
    CHECK(fs::is_regular_file(root / f.cuda_kernel));
    const std::string row_start =
        std::string("| `") + f.op + "` | `" + f.cpu_reference + "` | `" + f.cuda_kernel + "` |";
    CHECK(page.find(row_start) != std::string::npos);
    documented.erase(f.op);
  }
  INFO("rows for families that tests/cases/kernel_cases.h does not list");
  CHECK(documented.empty());
}
