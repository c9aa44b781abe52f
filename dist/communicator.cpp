#include "dist/communicator.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "dist/launcher_env.h"
#include "dist/mpi_communicator.h"

namespace nlammr::dist {

namespace {

class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::string backend() const override { return "single process"; }
  void allreduce_sum(float*, size_t) override {}
  void allreduce_sum(double*, size_t) override {}
  void broadcast(void*, size_t, int root) override { check_root(root); }
  std::vector<std::vector<char>> allgather(const std::vector<char>& mine) override { return {mine}; }
  std::vector<std::vector<char>> gather(const std::vector<char>& mine, int root) override {
    check_root(root);
    return {mine};
  }
  void barrier() override {}
  [[noreturn]] void abort(int status) override { std::_Exit(status); }

 private:
  static void check_root(int root) {
    if (root != 0) throw std::invalid_argument("broadcast/gather: root " + std::to_string(root) + " of 1 rank");
  }
};

std::unique_ptr<Communicator>& world_slot() {
  static std::unique_ptr<Communicator> slot;
  return slot;
}

}  // namespace

Communicator& single_process() {
  static SingleProcess single;
  return single;
}

Communicator& world() {
  std::unique_ptr<Communicator>& slot = world_slot();
  if (slot) return *slot;
  const LauncherEnv env = read_launcher_env();
  if (env.launched && mpi_available()) {
    slot = make_mpi_communicator();
  } else {
    if (env.launched && env.size > 1)
      throw std::runtime_error("started by " + env.source + " as rank " + std::to_string(env.rank) + " of " +
                               std::to_string(env.size) +
                               ", but this build has no MPI support: install libopenmpi-dev and rebuild "
                               "(CMake option NLAMMR_MPI), or run a single process");
    slot = std::make_unique<SingleProcess>();
  }
  return *slot;
}

bool world_is_parallel() { return world_slot() && world_slot()->size() > 1; }

Share share_of(size_t n, int rank, int size) {
  if (size < 1 || rank < 0 || rank >= size)
    throw std::invalid_argument("share_of: rank " + std::to_string(rank) + " of " + std::to_string(size));
  const size_t r = static_cast<size_t>(rank), s = static_cast<size_t>(size);
  const size_t base = n / s, extra = n % s;
  Share share;
  share.begin = r * base + std::min(r, extra);
  share.end = share.begin + base + (r < extra ? 1 : 0);
  return share;
}

}  // namespace nlammr::dist
