// A small timing harness for the benchmarks: warm up, pick a repetition count
// so that one sample lasts long enough for the clock, take several samples,
// and report the median and the minimum time per call.
//
// Why both: the median is the typical cost; the minimum is the cost with the
// least interference from other processes, which is the better estimate on a
// shared machine. bench/engine_ops_torch.py follows the same procedure so the
// two sides are comparable.
//
// Two clocks: wall time (what a user waits for; the default), or the CPU time
// of the whole process. CPU time leaves out the time a busy machine keeps the
// process waiting, so single-thread timings stay stable under load; with
// several threads it adds up all threads, so it cannot show parallel speed-up.
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace nlammr::bench {

enum class Clock { Wall, ProcessCpu };

inline double now_seconds(Clock clock) {
  if (clock == Clock::ProcessCpu) {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

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
  int max_samples = 1000;
  Clock clock = Clock::Wall;
};

template <typename F>
Timing measure(F&& call, const TimingBudget& budget = {}) {
  // Warm-up: first-touch page faults, allocator caches, thread pool start.
  auto since = [&](double start) { return now_seconds(budget.clock) - start; };
  int warm_calls = 0;
  const double warm_start = now_seconds(budget.clock);
  do {
    call();
    ++warm_calls;
  } while (since(warm_start) < budget.warmup_s);
  const double estimate = since(warm_start) / warm_calls;

  Timing t;
  t.calls_per_sample = std::max(1, static_cast<int>(std::ceil(budget.sample_s / std::max(estimate, 1e-9))));
  const double sample_estimate = estimate * t.calls_per_sample;
  t.samples =
      std::clamp(static_cast<int>(budget.total_s / sample_estimate), budget.min_samples, budget.max_samples);

  std::vector<double> per_call;
  per_call.reserve(t.samples);
  for (int s = 0; s < t.samples; ++s) {
    const double start = now_seconds(budget.clock);
    for (int c = 0; c < t.calls_per_sample; ++c) call();
    per_call.push_back(since(start) / t.calls_per_sample);
  }
  std::sort(per_call.begin(), per_call.end());
  t.min_s = per_call.front();
  const size_t mid = per_call.size() / 2;
  t.median_s = per_call.size() % 2 ? per_call[mid] : 0.5 * (per_call[mid - 1] + per_call[mid]);
  return t;
}

}  // namespace nlammr::bench
