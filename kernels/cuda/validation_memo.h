// Index checks that passed and whose memory nothing has written since, so
// that the GIN's constant graph indices (edge sources, CSR offsets) are
// validated once per graph batch instead of in every layer, forward and
// backward: each validation reads a result back to the host and blocks.
//
// Soundness rests on forgetting: every way the CUDA backend writes memory
// that can hold integers (host uploads and device copies, copy, fill, the
// index kernels' outputs) and every free calls forget(), so a remembered
// check always describes the bytes that are there now. Plain C++; one memo
// per backend.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <tuple>

namespace nlammr::cuda {

class ValidationMemo {
 public:
  // (data pointer, bytes it covers, what was checked: a limit and the like).
  using Key = std::tuple<uintptr_t, size_t, int64_t, int64_t, int64_t>;

  bool passed(const Key& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    return passed_.count(key) > 0;
  }
  void remember(const Key& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    passed_.insert(key);
  }
  // Forgets every check whose memory overlaps [ptr, ptr + bytes).
  void forget(const void* ptr, size_t bytes) {
    const uintptr_t lo = reinterpret_cast<uintptr_t>(ptr), hi = lo + bytes;
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = passed_.begin(); it != passed_.end();) {
      const uintptr_t a = std::get<0>(*it), b = a + std::get<1>(*it);
      it = (a < hi && lo < b) ? passed_.erase(it) : std::next(it);
    }
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mutex_);
    return passed_.size();
  }

 private:
  std::mutex mutex_;
  std::set<Key> passed_;
};

}  // namespace nlammr::cuda
