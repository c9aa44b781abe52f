// The simulator's checks catch what they are for: each broken fixture kernel
// (broken_kernels.cu) gets the report compute-sanitizer's tool would give,
// naming the check, the kernel, the block, the thread and the address; the
// correct kernel gets none.
#include <doctest/doctest.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "kernels/cuda_sim/sim_runtime.h"
#include "tests/cuda_sim/broken_kernels.h"

using namespace nlammr;

namespace {

// The reports of one fixture run, after checking that the launch failed.
std::vector<cudasim::Report> reports_of(bool (*fixture)()) {
  cudasim::clear_reports();
  const bool ok = fixture();
  CHECK_FALSE(ok);
  return cudasim::reports();
}

bool mentions(const cudasim::Report& r, const std::string& text) {
  return r.message.find(text) != std::string::npos;
}

// "broken_kernels.cu:N", N the line of broken_kernels.cu holding `marker`:
// what a report must name for the access on that line.
std::string fixture_line(const std::string& marker) {
  std::ifstream in(NLAMMR_SOURCE_DIR "/tests/cuda_sim/broken_kernels.cu");
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (line.find(marker) != std::string::npos) return "broken_kernels.cu:" + std::to_string(n);
  FAIL("marker " << marker << " not found in broken_kernels.cu");
  return {};
}

// The source location a report names for its access: "file:line (function)"
// when the build reads line tables (libdw). Without libdw only an address
// relative to a symbol or the binary can be given (the kernels are not
// exported symbols), and the report must still name some location.
void check_names_line(const cudasim::Report& r, const std::string& marker, const std::string& kernel) {
  INFO(r.message);
  if (cudasim::source_lines_available()) {
    CHECK(r.source.rfind(fixture_line(marker) + " (", 0) == 0);
    CHECK(r.source.find(kernel) != std::string::npos);
    CHECK(mentions(r, " at " + fixture_line(marker)));
  } else {
    CHECK(r.source.find("+0x") != std::string::npos);
    CHECK(mentions(r, " at " + r.source));
  }
}

}  // namespace

TEST_CASE("racecheck: two threads writing one shared word between barriers") {
  if (!cudasim::accesses_instrumented()) return;  // a sanitizer build checks memory itself
  const auto reports = reports_of(sim_fixtures::shared_write_race);
  REQUIRE_FALSE(reports.empty());
  const cudasim::Report& r = reports.front();
  CHECK(r.check == cudasim::Check::Racecheck);
  CHECK(r.kernel == "shared_write_race_kernel");
  CHECK(r.block.x == 0);
  CHECK(mentions(r, "writes static shared"));
  CHECK(mentions(r, "wrote at "));
  CHECK(mentions(r, "in the same barrier interval"));
  // Both accesses are the one line that every thread runs.
  check_names_line(r, "RACE-SHARED", "shared_write_race_kernel");
}

TEST_CASE("racecheck: a missing __syncthreads between a write and a neighbour's read") {
  if (!cudasim::accesses_instrumented()) return;
  const auto reports = reports_of(sim_fixtures::missing_barrier);
  REQUIRE_FALSE(reports.empty());
  const cudasim::Report& r = reports.front();
  INFO(r.message);
  CHECK(r.check == cudasim::Check::Racecheck);
  CHECK(r.kernel == "missing_barrier_kernel");
  CHECK(r.thread.x < 64);
  // Either order shows: a read of a word another thread wrote, or a write of
  // a word another thread read.
  CHECK((mentions(r, "reads static shared") || mentions(r, "writes static shared")));
  CHECK(r.address % 4 == 0);
}

TEST_CASE("synccheck: __syncthreads in a branch only half of the block takes") {
  const auto reports = reports_of(sim_fixtures::barrier_in_divergent_branch);
  REQUIRE_FALSE(reports.empty());
  bool found = false;
  for (const cudasim::Report& r : reports) {
    INFO(r.message);
    if (r.check == cudasim::Check::Synccheck && r.kernel == "divergent_barrier_kernel" &&
        mentions(r, "reached by 32 of 64 threads") && mentions(r, "broken_kernels.cu:"))
      found = true;
  }
  CHECK(found);
}

TEST_CASE("synccheck: a shuffle whose mask names lanes that never arrive") {
  const auto reports = reports_of(sim_fixtures::bad_shuffle_mask);
  REQUIRE_FALSE(reports.empty());
  const cudasim::Report& r = reports.front();
  INFO(r.message);
  CHECK(r.check == cudasim::Check::Synccheck);
  CHECK(r.kernel == "bad_mask_kernel");
  CHECK(mentions(r, "never reached by every named lane"));
  CHECK(mentions(r, "lane 16 has exited"));
  CHECK(r.thread.x < 16);
}

TEST_CASE("memcheck: a read one element past the end of a device allocation") {
  if (!cudasim::accesses_instrumented()) return;
  const auto reports = reports_of(sim_fixtures::out_of_bounds_read);
  REQUIRE(reports.size() == 1);
  const cudasim::Report& r = reports.front();
  INFO(r.message);
  CHECK(r.check == cudasim::Check::Memcheck);
  CHECK(r.kernel == "out_of_bounds_kernel");
  // Thread 99 of the grid (block 1, thread 35) reads in[100] of in[0..99].
  CHECK(r.block.x == 1);
  CHECK(r.thread.x == 35);
  CHECK(mentions(r, "read of 4 bytes"));
  CHECK(mentions(r, "starts 0 bytes past the end of an allocation of 400 bytes"));
  CHECK(r.address != 0);
  check_names_line(r, "OUT-OF-BOUNDS", "out_of_bounds_kernel");
}

TEST_CASE("a correct kernel with barriers and full-warp shuffles gets no report") {
  cudasim::clear_reports();
  double sum = 0;
  CHECK(sim_fixtures::correct_block_sum(&sum));
  CHECK(cudasim::reports().empty());
  CHECK(sum == 32.0);
}

TEST_CASE("the thread order between barriers depends on the seed, the results do not") {
  const uint64_t saved = cudasim::options().seed;
  double a = 0, b = 0;
  cudasim::options().seed = 1;
  CHECK(sim_fixtures::correct_block_sum(&a));
  cudasim::options().seed = 12345;
  CHECK(sim_fixtures::correct_block_sum(&b));
  cudasim::options().seed = saved;
  CHECK(a == b);
}

TEST_CASE("engine ops on the cuda-sim device run the CUDA kernels, with access metrics") {
  if (!cudasim::accesses_instrumented()) return;
  const bool saved = cudasim::options().metrics;
  cudasim::options().metrics = true;
  cudasim::clear_launch_metrics();
  Generator gen(3);
  const Tensor a = randn({64, 256}, gen), b = randn({64, 256}, gen);
  const Device sim = Device::simulated_cuda();
  const Tensor sum = a.to(sim) + b.to(sim);
  CHECK(sum.device() == sim);
  // The same bits as the CPU: one IEEE addition per element on both.
  CHECK(sum.to(Device::cpu()).to_vector<float>() == (a + b).to_vector<float>());
  // A transposed (strided) read of the same data.
  const Tensor at = a.to(sim).transpose(0, 1).contiguous();
  CHECK(at.to(Device::cpu()).to_vector<float>() == a.transpose(0, 1).contiguous().to_vector<float>());
  cudasim::options().metrics = saved;

  const auto& metrics = cudasim::launch_metrics();
  const cudasim::LaunchMetrics* add = nullptr;
  const cudasim::LaunchMetrics* transpose = nullptr;
  for (const auto& m : metrics) {
    if (m.kernel == "binary_kernel") add = &m;
    if (m.kernel == "copy_words_kernel" || m.kernel == "convert_kernel") transpose = &m;
  }
  REQUIRE(add != nullptr);
  REQUIRE(transpose != nullptr);
  // Contiguous float32: each warp-wide load or store covers 32 x 4 bytes, four
  // 32-byte sectors, and no byte is moved twice.
  CHECK(add->threads >= 64 * 256);
  CHECK(add->global_requests == 3 * 64 * 256 / 32);
  CHECK(add->global_sectors == 4 * add->global_requests);
  CHECK(add->global_bytes_unique == 3 * 64 * 256 * 4);
  CHECK(add->barriers == 0);
  // The transposing copy reads with a stride of 256 floats: every lane of a
  // warp touches its own sector.
  CHECK(transpose->global_sectors > 4 * transpose->global_requests);
}

TEST_CASE("bank conflicts: a column of an unpadded shared tile takes 32 wavefronts, a padded one 1") {
  if (!cudasim::accesses_instrumented()) return;
  const bool saved = cudasim::options().metrics;
  cudasim::options().metrics = true;
  cudasim::clear_launch_metrics();
  CHECK(sim_fixtures::shared_column_access(32));
  CHECK(sim_fixtures::shared_column_access(33));
  cudasim::options().metrics = saved;
  const auto& m = cudasim::launch_metrics();
  REQUIRE(m.size() == 2);
  // One write and one read request each.
  CHECK(m[0].shared_requests == 2);
  CHECK(m[0].shared_wavefronts == 64);
  CHECK(m[1].shared_requests == 2);
  CHECK(m[1].shared_wavefronts == 2);
}

TEST_CASE("GIN graph indices are validated once per graph batch, again after they are written") {
  if (!cudasim::accesses_instrumented()) return;
  const Device sim = Device::simulated_cuda();
  Backend& be = backend_for(sim);
  Generator gen(5);
  // Three nodes in a chain: edges 1->0, 0->1, 2->1, 1->2, CSR by destination.
  const Tensor src = Tensor::from_vector<int64_t>({1, 0, 2, 1}, {4}).to(sim);
  const Tensor offsets = Tensor::from_vector<int64_t>({0, 1, 3, 4}, {4}).to(sim);
  const Tensor x = randn({3, 8}, gen).to(sim), edges = randn({4, 8}, gen).to(sim);
  Tensor out = Tensor::empty({3, 8}, DType::Float32, sim);
  auto validation_launches = [&] {
    cudasim::clear_launch_metrics();
    const bool saved = cudasim::options().metrics;
    cudasim::options().metrics = true;
    be.gin_message_forward(x, edges, src, offsets, out);
    cudasim::options().metrics = saved;
    int n = 0;
    for (const auto& m : cudasim::launch_metrics())
      n += m.kernel == "first_bad_index_kernel" || m.kernel == "check_offsets_kernel";
    return n;
  };
  CHECK(validation_launches() == 2);  // first layer: sources and offsets checked
  CHECK(validation_launches() == 0);  // every later layer: remembered
  // Writing the source indices (here: one out of range) makes them be checked again.
  be.copy(Tensor::from_vector<int64_t>({1, 0, 7, 1}, {4}).to(sim), src);
  CHECK_THROWS_WITH_AS(be.gin_message_forward(x, edges, src, offsets, out),
                       doctest::Contains("index 7 out of range [0, 3)"), std::runtime_error);
}

TEST_CASE("racecheck: blocks of one launch writing one global word without an atomic") {
  if (!cudasim::accesses_instrumented()) return;
  const auto reports = reports_of(sim_fixtures::global_write_race);
  REQUIRE_FALSE(reports.empty());
  const cudasim::Report& r = reports.front();
  INFO(r.message);
  CHECK(r.check == cudasim::Check::Racecheck);
  CHECK(r.kernel == "global_write_race_kernel");
  CHECK(r.thread.x == 0);
  CHECK(r.block.x > 0);  // the second block to run meets the first one's write
  CHECK(r.address != 0);
  CHECK(mentions(r, "writes global 0x"));
  CHECK(mentions(r, "thread (0,0,0) wrote at"));
  CHECK(mentions(r, "blocks of one launch are not ordered"));
  check_names_line(r, "RACE-GLOBAL", "global_write_race_kernel");
}

TEST_CASE("racecheck: a histogram with plain increments is reported and one with atomicAdd is clean and right") {
  if (!cudasim::accesses_instrumented()) return;
  const auto reports = reports_of(sim_fixtures::plain_histogram);
  REQUIRE_FALSE(reports.empty());
  const cudasim::Report& r = reports.front();
  INFO(r.message);
  CHECK(r.check == cudasim::Check::Racecheck);
  CHECK(r.kernel == "plain_histogram_kernel");
  CHECK(mentions(r, "global 0x"));
  check_names_line(r, "RACE-HISTOGRAM", "plain_histogram_kernel");

  cudasim::clear_reports();
  std::vector<int> bins;
  CHECK(sim_fixtures::atomic_histogram(&bins));
  for (const cudasim::Report& other : cudasim::reports()) INFO(other.message);
  CHECK(cudasim::reports().empty());
  // 200 values i * 7 % 4: 50 in each bin.
  CHECK(bins == std::vector<int>{50, 50, 50, 50});
}

TEST_CASE("racecheck: a block reading a word another block of the launch wrote") {
  if (!cudasim::accesses_instrumented()) return;
  const auto reports = reports_of(sim_fixtures::read_other_blocks_write);
  // Exactly one race: the barrier orders every access within a block.
  REQUIRE(reports.size() == 1);
  const cudasim::Report& r = reports.front();
  INFO(r.message);
  CHECK(r.check == cudasim::Check::Racecheck);
  CHECK(r.block.x == 1);
  CHECK(r.thread.x == 0);
  CHECK(mentions(r, "reads global 0x"));
  CHECK(mentions(r, "which block (0,0,0) thread (0,0,0) wrote"));
  check_names_line(r, "RACE-OTHER-BLOCK", "read_other_block_kernel");
}

TEST_CASE("memcheck: a kernel reading cudaMalloc'd bytes nothing wrote") {
  if (!cudasim::accesses_instrumented()) return;
  const auto reports = reports_of(sim_fixtures::uninitialised_read);
  // Threads 64..127 read the unset half; one report per source line.
  REQUIRE(reports.size() == 1);
  const cudasim::Report& r = reports.front();
  INFO(r.message);
  CHECK(r.check == cudasim::Check::Memcheck);
  CHECK(r.kernel == "uninitialised_read_kernel");
  CHECK(r.block.x == 1);  // block 0 reads the memset half only
  CHECK(mentions(r, "uninitialised global read of 4 bytes"));
  CHECK(mentions(r, "of an allocation of 512 bytes"));
  check_names_line(r, "UNINITIALISED-READ", "uninitialised_read_kernel");
}

TEST_CASE("memcheck: cudaMemset and cudaMemcpy from host or device decide which bytes are initialised") {
  // Uninitialised bytes of two 64-byte buffers after each step of the fixture.
  const std::vector<size_t> expected{
      64,  // a fresh from cudaMalloc
      32,  // a after cudaMemset of bytes 0..31
      32,  // b after a device-to-device copy of all of a: a's state
      0,   // a after a host-to-device copy into bytes 32..63
      16,  // b after a device-to-device copy of a's bytes 32..47
  };
  CHECK(sim_fixtures::initialization_after_copies() == expected);
}
