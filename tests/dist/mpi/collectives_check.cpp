// Checks the MPI communicator's collectives from inside a job; run by CTest
// as `mpirun -np 3 collectives_check` (tests/CMakeLists.txt). Every rank can
// compute every other rank's input (a function of the rank), so each checks
// the result against the sum it forms itself in rank order: bit for bit, on
// both paths of allreduce_sum (one allgather for small buffers, the chunked
// reduce-scatter + allgather for large ones). Exits non-zero with a message
// naming the failing check.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dist/communicator.h"

using nlammr::dist::Communicator;

namespace {

int failures = 0;

void expect(bool ok, const std::string& what, int rank) {
  if (ok) return;
  std::fprintf(stderr, "collectives_check: rank %d: %s\n", rank, what.c_str());
  ++failures;
}

// Rank r's value i: magnitudes that make float addition order-sensitive.
template <typename T>
T value(int rank, size_t i) {
  const double x = std::sin(static_cast<double>(i) * 0.37 + rank * 1.3) * std::pow(10.0, static_cast<double>((i + rank) % 7));
  return static_cast<T>(x);
}

template <typename T>
void check_sum(Communicator& comm, size_t n, const char* name) {
  std::vector<T> data(n);
  for (size_t i = 0; i < n; ++i) data[i] = value<T>(comm.rank(), i);
  comm.allreduce_sum(data.data(), n);
  size_t wrong = 0;
  for (size_t i = 0; i < n; ++i) {
    T sum = value<T>(0, i);
    for (int r = 1; r < comm.size(); ++r) sum += value<T>(r, i);
    if (std::memcmp(&sum, &data[i], sizeof(T)) != 0) ++wrong;
  }
  expect(wrong == 0,
         std::string("allreduce_sum<") + name + "> of " + std::to_string(n) + " values: " + std::to_string(wrong) +
             " differ from the rank-order sum",
         comm.rank());
}

}  // namespace

int main() {
  Communicator& comm = nlammr::dist::world();
  const int rank = comm.rank(), size = comm.size();
  if (size < 2) {
    std::fprintf(stderr, "collectives_check: needs at least 2 ranks (run it under mpirun), got %d\n", size);
    return 2;
  }
  for (size_t n : {size_t{1}, size_t{5}, size_t{1000}, size_t{100003}}) {  // small and chunked paths
    check_sum<float>(comm, n, "float");
    check_sum<double>(comm, n, "double");
  }

  // allgather: rank r sends r + 1 bytes of value r.
  const std::vector<char> mine(static_cast<size_t>(rank) + 1, static_cast<char>('a' + rank));
  const std::vector<std::vector<char>> all = comm.allgather(mine);
  expect(static_cast<int>(all.size()) == size, "allgather: wrong number of parts", rank);
  for (int r = 0; r < static_cast<int>(all.size()); ++r)
    expect(all[r] == std::vector<char>(static_cast<size_t>(r) + 1, static_cast<char>('a' + r)),
           "allgather: part " + std::to_string(r) + " is wrong", rank);

  // gather to the last rank: only it receives.
  const std::vector<std::vector<char>> at_last = comm.gather(mine, size - 1);
  expect(rank == size - 1 ? static_cast<int>(at_last.size()) == size : at_last.empty(), "gather: wrong receivers",
         rank);

  // broadcast from rank 1.
  long token = rank == 1 ? 424242 : -1;
  comm.broadcast(&token, sizeof token, 1);
  expect(token == 424242, "broadcast: rank 1's value did not arrive", rank);

  comm.barrier();
  if (failures == 0 && rank == 0) std::printf("collectives_check: %d ranks, all collectives correct\n", size);
  return failures == 0 ? 0 : 1;
}
