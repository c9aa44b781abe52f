// `nlammr eval` and `nlammr encode` under mpirun: each rank scores or encodes
// its share, rank 0 gathers and writes; the results are those of one process
// (up to the float rounding of other batch compositions). Skipped when the
// build has no MPI or mpirun is not on PATH.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "dist/mpi_communicator.h"
#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "tests/cli/cli_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;

namespace {

bool have_mpirun() { return std::system("command -v mpirun > /dev/null 2>&1") == 0; }

nlammr::testing::CliRun run_two_ranks(const std::string& args, const ScratchDir& tmp) {
  const std::string log = tmp.path() + "/log2.txt";
  const std::string cmd = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_WAIT_POLICY=passive mpirun "
                          "--oversubscribe -np 2 " + std::string(NLAMMR_BINARY_DIR) + "/nlammr " + args + " > " +
                          log + " 2>&1";
  const int raw = std::system(cmd.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_file(log)};
}

// Every number in `b` within `tolerance` of the one at the same place in `a`.
void check_close(const nlohmann::json& a, const nlohmann::json& b, double tolerance, const std::string& where) {
  CAPTURE(where);
  if (a.is_number()) {
    REQUIRE(b.is_number());
    CHECK(b.get<double>() == doctest::Approx(a.get<double>()).epsilon(tolerance));
  } else if (a.is_object()) {
    REQUIRE(b.is_object());
    CHECK(a.size() == b.size());
    for (const auto& [key, value] : a.items()) {
      REQUIRE(b.contains(key));
      check_close(value, b.at(key), tolerance, where + "." + key);
    }
  } else if (a.is_array()) {
    REQUIRE(b.size() == a.size());
    for (size_t i = 0; i < a.size(); ++i) check_close(a[i], b[i], tolerance, where + "[" + std::to_string(i) + "]");
  } else {
    CHECK(a == b);
  }
}

}  // namespace

TEST_CASE("eval on two ranks gives the one-process results, written once") {
  if (!dist::mpi_available()) NLAMMR_SKIP("this build has no MPI (CMake option NLAMMR_MPI)");
  if (!have_mpirun()) NLAMMR_SKIP("mpirun is not on PATH");
  ScratchDir tmp("dist_eval");
  const std::string cohort = tmp.path() + "/cohort", run = tmp.path() + "/run";
  REQUIRE(nlammr::testing::run_nlammr("synth --patients 40 --out " + cohort, tmp).status == 0);
  const auto train = nlammr::testing::run_nlammr(
      "train --data " + cohort + " --out " + run + " --model " + nlammr::testing::fixture_path("bert/tiny") +
          " --no-cache --epochs 1 --batch-size 4 --latent-dim 16 --gnn-dim 8 --gnn-layers 2 --threads 1",
      tmp);
  INFO(train.output);
  REQUIRE(train.status == 0);
  const auto one = nlammr::testing::run_nlammr("eval --run " + run + " --no-cache --bootstrap 3", tmp);
  INFO(one.output);
  REQUIRE(one.status == 0);
  const nlohmann::json single = nlohmann::json::parse(read_file(run + "/eval_test.json"));
  std::filesystem::remove(run + "/eval_test.json");
  const auto two = run_two_ranks("eval --run " + run + " --no-cache --bootstrap 3", tmp);
  INFO(two.output);
  REQUIRE(two.status == 0);
  const nlohmann::json parallel = nlohmann::json::parse(read_file(run + "/eval_test.json"));
  check_close(single.at("results"), parallel.at("results"), 1e-5, "results");
  CHECK(single.at("patients") == parallel.at("patients"));
  // Rank 0 alone printed the table.
  size_t rows = 0;
  for (size_t at = two.output.find("NLA-MMR (nlammr)"); at != std::string::npos;
       at = two.output.find("NLA-MMR (nlammr)", at + 1))
    ++rows;
  CHECK(rows == 1);
}

TEST_CASE("encode on two ranks gives the one-process vectors and fills the cache once") {
  if (!dist::mpi_available()) NLAMMR_SKIP("this build has no MPI (CMake option NLAMMR_MPI)");
  if (!have_mpirun()) NLAMMR_SKIP("mpirun is not on PATH");
  ScratchDir tmp("dist_encode");
  std::string texts;
  for (int i = 0; i < 23; ++i) texts += "patient " + std::to_string(i) + " has " + std::string(i % 5 + 1, 'x') + " pain\n";
  const std::string input = tmp.write("texts.txt", texts);
  const std::string model = " --model " + nlammr::testing::fixture_path("bert/tiny");
  const auto one = nlammr::testing::run_nlammr("encode --input " + input + " --output " + tmp.path() + "/one.safetensors" +
                                                   model + " --no-cache",
                                               tmp);
  INFO(one.output);
  REQUIRE(one.status == 0);
  const auto two = run_two_ranks("encode --input " + input + " --output " + tmp.path() + "/two.safetensors" + model +
                                     " --cache " + tmp.path() + "/cache",
                                 tmp);
  INFO(two.output);
  REQUIRE(two.status == 0);
  CHECK(two.output.find("23 computed over 2 ranks") != std::string::npos);

  const SafeTensorsFile a = SafeTensorsFile::open(tmp.path() + "/one.safetensors");
  const SafeTensorsFile b = SafeTensorsFile::open(tmp.path() + "/two.safetensors");
  const TensorEntry& va = a.get("embeddings");
  const TensorEntry& vb = b.get("embeddings");
  REQUIRE(va.shape == vb.shape);
  REQUIRE(va.nbytes == vb.nbytes);
  const float* x = static_cast<const float*>(va.data);
  const float* y = static_cast<const float*>(vb.data);
  for (size_t i = 0; i < va.nbytes / sizeof(float); ++i) CHECK(y[i] == doctest::Approx(x[i]).epsilon(1e-5));

  // The cache rank 0 wrote holds every text: one process now computes nothing.
  const auto again = nlammr::testing::run_nlammr("encode --input " + input + " --output " + tmp.path() +
                                                     "/three.safetensors" + model + " --cache " + tmp.path() + "/cache",
                                                 tmp);
  INFO(again.output);
  REQUIRE(again.status == 0);
  CHECK(again.output.find("23 from the cache, 0 computed") != std::string::npos);
}
