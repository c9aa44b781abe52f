#include "dist/mpi_communicator.h"

#include <stdexcept>

#ifdef NLAMMR_WITH_MPI
#include <mpi.h>

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#endif

namespace nlammr::dist {

#ifndef NLAMMR_WITH_MPI

bool mpi_available() { return false; }
std::unique_ptr<Communicator> make_mpi_communicator() {
  throw std::runtime_error("this build has no MPI support (CMake option NLAMMR_MPI)");
}

#else

namespace {

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string(what) + " failed: " + std::string(text, static_cast<size_t>(length)));
}

// Waits for a non-blocking collective, sleeping between checks rather than
// spinning: a rank that waits for a slower one leaves its core to others
// (on a shared or oversubscribed node a spinning rank slows the very rank it
// waits for). The sleep grows from 10 us to 1 ms, small against a step.
void wait_for(MPI_Request& request, const char* what) {
  int done = 0;
  long sleep_ns = 10000;
  for (;;) {
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), what);
    if (done) return;
    const timespec pause{0, sleep_ns};
    nanosleep(&pause, nullptr);
    sleep_ns = std::min(sleep_ns * 2, 1000000L);
  }
}

int as_count(size_t n, const char* what) {
  if (n > static_cast<size_t>(std::numeric_limits<int>::max()))
    throw std::runtime_error(std::string(what) + ": " + std::to_string(n) + " elements exceed MPI's int counts");
  return static_cast<int>(n);
}

template <typename T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<float>() { return MPI_FLOAT; }
template <>
MPI_Datatype mpi_type<double>() { return MPI_DOUBLE; }

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
      // Finalised at normal exit; a rank that dies is handled by the launcher
      // (Open MPI's mpirun ends the whole job, see docs/distributed.md).
      std::atexit([] {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized) MPI_Finalize();
      });
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int length = 0;
    MPI_Get_library_version(version, &length);
    library_ = std::string(version, static_cast<size_t>(length));
    library_ = library_.substr(0, library_.find_first_of(",\n"));
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backend() const override { return "MPI (" + library_ + ")"; }

  void allreduce_sum(float* data, size_t n) override { ordered_sum(data, n); }
  void allreduce_sum(double* data, size_t n) override { ordered_sum(data, n); }

  void broadcast(void* data, size_t bytes, int root) override {
    check(MPI_Bcast(data, as_count(bytes, "broadcast"), MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
  }

  std::vector<std::vector<char>> allgather(const std::vector<char>& mine) override {
    return gather_impl(mine, -1);
  }
  std::vector<std::vector<char>> gather(const std::vector<char>& mine, int root) override {
    return gather_impl(mine, root);
  }
  void barrier() override {
    MPI_Request request;
    check(MPI_Ibarrier(MPI_COMM_WORLD, &request), "MPI_Ibarrier");
    wait_for(request, "MPI_Ibarrier");
  }
  [[noreturn]] void abort(int status) override {
    MPI_Abort(MPI_COMM_WORLD, status);
    std::_Exit(status);
  }

 private:
  // A reduce-scatter and an allgather, both by hand: rank r receives chunk r
  // of every rank's buffer, adds them in rank order, and every rank then
  // collects every reduced chunk. Each element is summed once, by one rank, in
  // a fixed order, so all ranks hold the same bits and reruns repeat them
  // (MPI_Allreduce's order is up to the library and may change with message
  // size or algorithm choice). Traffic per rank: 2 (size - 1) / size of the
  // buffer, as a ring allreduce.
  template <typename T>
  void ordered_sum(T* data, size_t n) {
    if (size_ == 1 || n == 0) return;
    const size_t ranks = static_cast<size_t>(size_);
    if (ranks == 2 || n * ranks <= kSmallSum) {
      // One allgather, and every rank adds all copies itself, in the same rank
      // order, so the bits are the same as the chunked path's. Each rank then
      // sends (size - 1) times the buffer: with two ranks that is what the
      // chunked path sends too, in one collective instead of two; beyond two
      // ranks only small buffers (loss values) go this way.
      std::vector<T> copies(n * ranks);
      MPI_Request request;
      check(MPI_Iallgather(data, as_count(n, "allreduce_sum"), mpi_type<T>(), copies.data(),
                           as_count(n, "allreduce_sum"), mpi_type<T>(), MPI_COMM_WORLD, &request),
            "MPI_Iallgather");
      wait_for(request, "MPI_Iallgather");
      for (size_t i = 0; i < n; ++i) {
        T sum = copies[i];
        for (size_t r = 1; r < ranks; ++r) sum += copies[r * n + i];
        data[i] = sum;
      }
      return;
    }
    std::vector<int> counts(ranks), displs(ranks);
    for (int r = 0; r < size_; ++r) {
      const Share s = share_of(n, r, size_);
      counts[r] = as_count(s.size(), "allreduce_sum");
      displs[r] = as_count(s.begin, "allreduce_sum");
    }
    const int mine = counts[rank_];
    // Every rank sends chunk r to rank r and receives its own chunk from all.
    std::vector<T> incoming(static_cast<size_t>(mine) * ranks);
    std::vector<int> recv_counts(ranks, mine), recv_displs(ranks);
    for (size_t r = 0; r < ranks; ++r) recv_displs[r] = as_count(r * static_cast<size_t>(mine), "allreduce_sum");
    MPI_Request request;
    check(MPI_Ialltoallv(data, counts.data(), displs.data(), mpi_type<T>(), incoming.data(), recv_counts.data(),
                         recv_displs.data(), mpi_type<T>(), MPI_COMM_WORLD, &request),
          "MPI_Ialltoallv");
    wait_for(request, "MPI_Ialltoallv");
    T* own = data + displs[rank_];
    for (int i = 0; i < mine; ++i) {
      T sum = incoming[static_cast<size_t>(i)];
      for (size_t r = 1; r < ranks; ++r) sum += incoming[r * static_cast<size_t>(mine) + static_cast<size_t>(i)];
      own[i] = sum;
    }
    check(MPI_Iallgatherv(MPI_IN_PLACE, 0, mpi_type<T>(), data, counts.data(), displs.data(), mpi_type<T>(),
                          MPI_COMM_WORLD, &request),
          "MPI_Iallgatherv");
    wait_for(request, "MPI_Iallgatherv");
  }

  // root < 0: to every rank.
  std::vector<std::vector<char>> gather_impl(const std::vector<char>& mine, int root) {
    const int count = as_count(mine.size(), "gather");
    std::vector<int> counts(static_cast<size_t>(size_));
    if (root < 0) {
      MPI_Request request;
      check(MPI_Iallgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD, &request),
            "MPI_Iallgather");
      wait_for(request, "MPI_Iallgather");
    } else {
      check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, MPI_COMM_WORLD), "MPI_Gather");
    }
    std::vector<int> displs(static_cast<size_t>(size_));
    size_t total = 0;
    for (int r = 0; r < size_; ++r) {
      displs[r] = as_count(total, "gather");
      total += static_cast<size_t>(counts[r]);
    }
    std::vector<char> all(total);
    if (root < 0) {
      MPI_Request request;
      check(MPI_Iallgatherv(mine.data(), count, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE,
                            MPI_COMM_WORLD, &request),
            "MPI_Iallgatherv");
      wait_for(request, "MPI_Iallgatherv");
    } else {
      check(MPI_Gatherv(mine.data(), count, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, root,
                        MPI_COMM_WORLD),
            "MPI_Gatherv");
    }
    std::vector<std::vector<char>> out;
    if (root >= 0 && rank_ != root) return out;
    for (int r = 0; r < size_; ++r)
      out.emplace_back(all.begin() + displs[r], all.begin() + displs[r] + counts[r]);
    return out;
  }

  static constexpr size_t kSmallSum = 1 << 14;  // values over all ranks
  int rank_ = 0, size_ = 1;
  std::string library_;
};

}  // namespace

bool mpi_available() { return true; }
std::unique_ptr<Communicator> make_mpi_communicator() { return std::make_unique<MpiCommunicator>(); }

#endif

}  // namespace nlammr::dist
