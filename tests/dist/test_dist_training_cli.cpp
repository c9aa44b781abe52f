// `mpirun -np 2 nlammr train` on a small synthetic cohort: the same model as
// one process (up to float summation order), the same bits on a rerun, and
// an exact resume after one rank is killed. Skipped when the build has no
// MPI or mpirun is not on PATH.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "dist/mpi_communicator.h"
#include "io/atomic_file.h"
#include "tests/cli/cli_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;

namespace {

namespace fs = std::filesystem;

bool have_mpirun() { return std::system("command -v mpirun > /dev/null 2>&1") == 0; }

// Open MPI refuses to start as root without these; --oversubscribe lets two
// ranks share a one-core machine.
std::string mpirun(int ranks) {
  return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_WAIT_POLICY=passive mpirun "
         "--oversubscribe -np " + std::to_string(ranks) + " " + std::string(NLAMMR_BINARY_DIR) + "/nlammr ";
}

nlammr::testing::CliRun run_shell(const std::string& command, const ScratchDir& tmp) {
  const std::string log = tmp.path() + "/log.txt";
  const int raw = std::system((command + " > " + log + " 2>&1").c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_file(log)};
}

std::vector<nlohmann::json> metrics(const std::string& run) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(read_file(run + "/metrics.jsonl"));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

// The processes whose parent is `parent` (from /proc).
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...: the command may hold spaces, the ')' ends it.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    char state = 0;
    long ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

bool alive(pid_t pid) { return fs::exists("/proc/" + std::to_string(pid)) && ::kill(pid, 0) == 0; }

// A batch of 5: the two ranks take 3 and 2 visits (unequal shares).
const std::string kModel = " --batch-size 5 --latent-dim 16 --gnn-dim 8 --gnn-layers 2 --threads 1";

}  // namespace

TEST_CASE("two ranks train the model one process trains, the same bits on a rerun, and resume after a kill") {
  if (!dist::mpi_available()) NLAMMR_SKIP("this build has no MPI (CMake option NLAMMR_MPI)");
  if (!have_mpirun()) NLAMMR_SKIP("mpirun is not on PATH");
  ScratchDir tmp("dist_training");
  const std::string cohort = tmp.path() + "/cohort";
  const auto synth = nlammr::testing::run_nlammr("synth --patients 60 --out " + cohort, tmp);
  INFO(synth.output);
  REQUIRE(synth.status == 0);
  // The cache is filled once (by the one-process run) and shared.
  const std::string common = "train --data " + cohort + " --model " + nlammr::testing::fixture_path("bert/tiny") +
                             " --cache " + tmp.path() + "/cache --epochs 3" + kModel;

  const auto one = nlammr::testing::run_nlammr(common + " --out " + tmp.path() + "/one", tmp);
  INFO(one.output);
  REQUIRE(one.status == 0);
  const auto two = run_shell(mpirun(2) + common + " --out " + tmp.path() + "/two", tmp);
  INFO(two.output);
  REQUIRE(two.status == 0);
  CHECK(two.output.find("data-parallel training on 2 ranks over MPI") != std::string::npos);

  {  // the same trajectory as one process, up to float summation order
    const auto a = metrics(tmp.path() + "/one"), b = metrics(tmp.path() + "/two");
    REQUIRE(a.size() == 3);
    REQUIRE(b.size() == 3);
    for (size_t e = 0; e < a.size(); ++e) {
      CAPTURE(e);
      CHECK(b[e].at("ranks") == 2);
      CHECK(a[e].at("train").at("steps") == b[e].at("train").at("steps"));
      CHECK(a[e].at("train").at("samples") == b[e].at("train").at("samples"));
      for (const char* term : {"loss", "bce", "margin"})
        CHECK(b[e]["train"][term].get<double>() ==
              doctest::Approx(a[e]["train"][term].get<double>()).epsilon(1e-4));
      for (const char* metric : {"prauc", "jaccard", "f1", "avg_meds"})
        CHECK(b[e]["validation"][metric].get<double>() ==
              doctest::Approx(a[e]["validation"][metric].get<double>()).epsilon(1e-3));
      CHECK(a[e].at("validation").at("visits") == b[e].at("validation").at("visits"));
    }
    // Only rank 0 wrote: the run's files and nothing else (no temporaries).
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(tmp.path() + "/two")) files.push_back(entry.path().filename());
    std::sort(files.begin(), files.end());
    CHECK(files == std::vector<std::string>{"best.safetensors", "last.safetensors", "metrics.jsonl", "run.json", "tensorboard"});
  }

  {  // a rerun with two ranks repeats every bit
    const auto again = run_shell(mpirun(2) + common + " --out " + tmp.path() + "/again", tmp);
    INFO(again.output);
    REQUIRE(again.status == 0);
    CHECK(read_file(tmp.path() + "/two/last.safetensors") == read_file(tmp.path() + "/again/last.safetensors"));
    CHECK(read_file(tmp.path() + "/two/best.safetensors") == read_file(tmp.path() + "/again/best.safetensors"));
  }

  {  // a killed rank ends the job within seconds; the checkpoint resumes to the same bits
    const std::string run = tmp.path() + "/killed";
    const std::string pid_file = tmp.path() + "/mpirun.pid";
    // mpirun in the background; checkpoints after every step.
    const std::string launch = "(" + mpirun(2) + common + " --checkpoint-every 1 --out " + run + " > " +
                               tmp.path() + "/killed.log 2>&1 & echo $! > " + pid_file + ")";
    REQUIRE(std::system(launch.c_str()) == 0);
    const pid_t launcher = static_cast<pid_t>(std::stol(read_file(pid_file)));
    const auto start = std::chrono::steady_clock::now();
    auto waited = [&] { return std::chrono::steady_clock::now() - start; };
    while (!fs::exists(run + "/last.safetensors") && alive(launcher) && waited() < std::chrono::seconds(120))
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(fs::exists(run + "/last.safetensors"));
    std::vector<pid_t> ranks = children_of(launcher);
    const bool interrupted = alive(launcher) && !ranks.empty();
    if (interrupted) {
      ::kill(ranks.back(), SIGKILL);
      const auto killed_at = std::chrono::steady_clock::now();
      while (alive(launcher) && std::chrono::steady_clock::now() - killed_at < std::chrono::seconds(60))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
      CHECK_FALSE(alive(launcher));
      CHECK(seconds < 30);  // typically about a second
      const std::string log = read_file(tmp.path() + "/killed.log");
      INFO(log);
      CHECK(log.find("exited on signal 9") != std::string::npos);
    } else {
      WARN_MESSAGE(false, "the run finished before a rank could be killed; only the resume is checked");
    }
    // Resume with two ranks: the same bits as the uninterrupted run.
    const auto resumed = run_shell(mpirun(2) + "train --out " + run + " --resume", tmp);
    INFO(resumed.output);
    REQUIRE(resumed.status == 0);
    CHECK(read_file(tmp.path() + "/two/last.safetensors") == read_file(run + "/last.safetensors"));
    CHECK(metrics(run).size() == 3);
  }
}

TEST_CASE("a run of two ranks resumes in one process") {
  if (!dist::mpi_available()) NLAMMR_SKIP("this build has no MPI (CMake option NLAMMR_MPI)");
  if (!have_mpirun()) NLAMMR_SKIP("mpirun is not on PATH");
  ScratchDir tmp("dist_resume_other_n");
  const std::string cohort = tmp.path() + "/cohort";
  REQUIRE(nlammr::testing::run_nlammr("synth --patients 40 --out " + cohort, tmp).status == 0);
  const std::string run = tmp.path() + "/run";
  const auto first = run_shell(mpirun(2) + "train --data " + cohort + " --model " +
                                   nlammr::testing::fixture_path("bert/tiny") + " --no-cache --epochs 1 --out " + run +
                                   kModel,
                               tmp);
  INFO(first.output);
  REQUIRE(first.status == 0);
  const auto resumed = nlammr::testing::run_nlammr("train --out " + run + " --resume --epochs 2", tmp);
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  const auto lines = metrics(run);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("ranks") == 2);
  CHECK_FALSE(lines[1].contains("ranks"));
  CHECK(lines[0].at("train").at("steps") == lines[1].at("train").at("steps"));
}

TEST_CASE("a setting the ranks cannot share is refused on every rank with a clear message") {
  if (!dist::mpi_available()) NLAMMR_SKIP("this build has no MPI (CMake option NLAMMR_MPI)");
  if (!have_mpirun()) NLAMMR_SKIP("mpirun is not on PATH");
  ScratchDir tmp("dist_refused");
  const std::string cohort = tmp.path() + "/cohort";
  REQUIRE(nlammr::testing::run_nlammr("synth --patients 30 --out " + cohort, tmp).status == 0);
  const auto run = run_shell(mpirun(2) + "train --data " + cohort + " --model " +
                                 nlammr::testing::fixture_path("bert/tiny") + " --no-cache --epochs 1 --out " +
                                 tmp.path() + "/run --contrastive-weight 0.1" + kModel,
                             tmp);
  CHECK(run.status != 0);
  CHECK(run.output.find("--contrastive-weight > 0 is not supported with several ranks") != std::string::npos);
}
