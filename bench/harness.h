// A small timing harness for the benchmarks: warm up, pick a repetition count
// so that one sample lasts long enough for the clock, take several samples,
// and report the median and the minimum time per call.
//
// Why both: the median is the typical cost; the minimum is the cost with the
// least interference from other processes, which is the better estimate on a
// shared machine. bench/engine_ops_torch.py follows the same procedure so the
// two sides are comparable.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace nlammr::bench {

struct Timing {
  double median_s = 0.0;  // per call
  double min_s = 0.0;     // per call
  int samples = 0;
  int calls_per_sample = 0;
};

struct TimingBudget {
  double warmup_s = 0.05;  // keep calling until this much time has passed (at least once)
  double sample_s = 0.02;  // aim for samples at least this long
  double total_s = 0.6;    // time spent sampling, roughly
  int min_samples = 5;
  int max_samples = 50;
};

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <typename F>
Timing measure(F&& call, const TimingBudget& budget = {}) {
  // Warm-up: first-touch page faults, allocator caches, thread pool start.
  int warm_calls = 0;
  const auto warm_start = std::chrono::steady_clock::now();
  do {
    call();
    ++warm_calls;
  } while (seconds_since(warm_start) < budget.warmup_s);
  const double estimate = seconds_since(warm_start) / warm_calls;

  Timing t;
  t.calls_per_sample = std::max(1, static_cast<int>(std::ceil(budget.sample_s / std::max(estimate, 1e-9))));
  const double sample_estimate = estimate * t.calls_per_sample;
  t.samples =
      std::clamp(static_cast<int>(budget.total_s / sample_estimate), budget.min_samples, budget.max_samples);

  std::vector<double> per_call;
  per_call.reserve(t.samples);
  for (int s = 0; s < t.samples; ++s) {
    const auto start = std::chrono::steady_clock::now();
    for (int c = 0; c < t.calls_per_sample; ++c) call();
    per_call.push_back(seconds_since(start) / t.calls_per_sample);
  }
  std::sort(per_call.begin(), per_call.end());
  t.min_s = per_call.front();
  const size_t mid = per_call.size() / 2;
  t.median_s = per_call.size() % 2 ? per_call[mid] : 0.5 * (per_call[mid - 1] + per_call[mid]);
  return t;
}

}  // namespace nlammr::bench
