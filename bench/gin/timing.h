// The timing procedure shared, line for line, with gin_bench_torch.py: a
// warm-up, then repeated samples of one call each; the median and minimum
// seconds per call are reported.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace nlammr::bench {

struct Timing {
  double median_s = 0.0;
  double min_s = 0.0;
  int samples = 0;
};

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Warm up for `warmup_s` (at least two calls), then sample for `total_s`
// (between min_samples and max_samples calls).
inline Timing measure(const std::function<void()>& call, double warmup_s = 0.3, double total_s = 3.0,
                      int min_samples = 5, int max_samples = 50) {
  const auto warm_start = std::chrono::steady_clock::now();
  for (int i = 0; i < 2 || seconds_since(warm_start) < warmup_s; ++i) call();
  std::vector<double> per_call;
  const auto start = std::chrono::steady_clock::now();
  while (static_cast<int>(per_call.size()) < min_samples ||
         (seconds_since(start) < total_s && static_cast<int>(per_call.size()) < max_samples)) {
    const auto t0 = std::chrono::steady_clock::now();
    call();
    per_call.push_back(seconds_since(t0));
  }
  std::sort(per_call.begin(), per_call.end());
  const size_t n = per_call.size();
  Timing t;
  t.median_s = n % 2 ? per_call[n / 2] : 0.5 * (per_call[n / 2 - 1] + per_call[n / 2]);
  t.min_s = per_call.front();
  t.samples = static_cast<int>(n);
  return t;
}

}  // namespace nlammr::bench
