// The processes of one data-parallel job and what they exchange.
//
// A job is `size()` ranks started together by a launcher (mpirun, srun);
// without one it is a single rank and every operation is a copy or nothing.
// Every collective must be called by every rank, in the same order, with the
// same sizes. Sums are formed in rank order (((x0 + x1) + x2) + ...), never in
// an order that depends on timing, so a rerun with the same number of ranks
// produces the same bits, and every rank holds the same result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nlammr::dist {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual std::string backend() const = 0;  // "single process", "MPI (Open MPI ...)"

  // data[i] = the sum over ranks of data[i], in rank order, on every rank.
  virtual void allreduce_sum(float* data, size_t n) = 0;
  virtual void allreduce_sum(double* data, size_t n) = 0;
  // Root's bytes into every rank's buffer.
  virtual void broadcast(void* data, size_t bytes, int root) = 0;
  // Every rank's bytes, in rank order, on every rank.
  virtual std::vector<std::vector<char>> allgather(const std::vector<char>& mine) = 0;
  // Every rank's bytes, in rank order, on root (other ranks get an empty list).
  virtual std::vector<std::vector<char>> gather(const std::vector<char>& mine, int root) = 0;
  virtual void barrier() = 0;
  // Ends every rank of the job at once with this exit status.
  [[noreturn]] virtual void abort(int status) = 0;

  bool is_root() const { return rank() == 0; }
};

// The job this process belongs to, created on first use: an MPI communicator
// when a launcher started the process and the build has MPI, else a single
// process. Throws when a launcher asks for several ranks of a build without
// MPI (each would otherwise train on its own and overwrite the others' files).
Communicator& world();
// True once world() has been created with more than one rank (no side effects).
bool world_is_parallel();

// A single-process communicator (tests; the default without a launcher).
Communicator& single_process();

// Rank `rank`'s contiguous share [begin, end) of n items: the first n % size
// ranks take one item more, so shares differ by at most one.
struct Share {
  size_t begin = 0, end = 0;
  size_t size() const { return end - begin; }
};
Share share_of(size_t n, int rank, int size);

// Each rank's values concatenated in rank order, on every rank.
template <typename T>
std::vector<T> allgather_values(Communicator& comm, const std::vector<T>& mine) {
  std::vector<char> bytes(reinterpret_cast<const char*>(mine.data()),
                          reinterpret_cast<const char*>(mine.data() + mine.size()));
  std::vector<T> out;
  for (const std::vector<char>& part : comm.allgather(bytes)) {
    const T* p = reinterpret_cast<const T*>(part.data());
    out.insert(out.end(), p, p + part.size() / sizeof(T));
  }
  return out;
}

}  // namespace nlammr::dist
