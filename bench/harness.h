// The one timing harness of the benchmarks: warm up, take samples, report the
// median and the minimum time per call. Every benchmark times through
// measure() (or measure_each() for contenders timed side by side); a
// TimingPlan says how long to warm up and how many samples to take, so each
// benchmark keeps its own procedure while sharing the loop and the clocks.
//
// Why both statistics: the median is the typical cost; the minimum is the cost
// with the least interference from other processes, which is the better
// estimate on a shared machine. The PyTorch scripts beside the benchmarks
// (bench/engine_ops_torch.py, bench/gin/gin_bench_torch.py) follow the same
// procedure so the two sides are comparable.
//
// Two clocks, both read around every sample: wall time (what a user waits
// for; the default) and the CPU time of the whole process. CPU time leaves out
// the time a busy machine keeps the process waiting, so single-thread timings
// stay stable under load; with several threads it adds up all threads, so it
// cannot show parallel speed-up. TimingPlan::clock picks the one the median,
// the minimum and the time budgets use; the totals of both are kept.
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstddef>
#include <functional>
#include <vector>

namespace nlammr::bench {

enum class Clock { Wall, ProcessCpu };

inline double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

inline double now_seconds(Clock clock) {
  return clock == Clock::ProcessCpu ? process_cpu_seconds() : wall_seconds();
}

inline const char* clock_name(Clock clock) { return clock == Clock::ProcessCpu ? "cpu" : "wall"; }

// How one measurement proceeds.
struct TimingPlan {
  Clock clock = Clock::Wall;
  // Warm-up (first-touch page faults, allocator caches, the thread pool, the
  // clock frequency): at least warmup_calls calls, and until warmup_s passed.
  int warmup_calls = 1;
  double warmup_s = 0.05;
  // Calls per sample: 0 means one call per sample; above 0, enough calls
  // (estimated from the warm-up) that one sample lasts about this long, for
  // calls too short for the clock.
  double sample_s = 0.02;
  // Samples: at least min_samples; then more while less than total_s has
  // passed since sampling began, up to max_samples.
  int min_samples = 5;
  int max_samples = 1000;
  double total_s = 0.6;
  // Called after every call, inside the timed region: waiting for a device
  // to finish the work the call queued (bench/cuda/bench_common.cuh).
  std::function<void()> sync;
};

// A fixed number of samples of one call each (after `warmup_calls` calls).
inline TimingPlan fixed_samples(int samples, int warmup_calls, Clock clock = Clock::Wall) {
  TimingPlan plan;
  plan.clock = clock;
  plan.warmup_calls = warmup_calls;
  plan.warmup_s = 0.0;
  plan.sample_s = 0.0;
  plan.min_samples = plan.max_samples = samples;
  plan.total_s = 0.0;
  return plan;
}

struct Timing {
  double median_s = 0.0;  // per call, in the plan's clock
  double min_s = 0.0;     // per call, in the plan's clock
  int samples = 0;
  int calls_per_sample = 0;
  double wall_total_s = 0.0;  // all timed calls together (the warm-up excluded)
  double cpu_total_s = 0.0;   // the same in process CPU time
  Clock clock = Clock::Wall;

  long long timed_calls() const { return static_cast<long long>(samples) * calls_per_sample; }
  double wall_mean_s() const {
    return timed_calls() ? wall_total_s / static_cast<double>(timed_calls()) : 0.0;
  }
  double cpu_mean_s() const { return timed_calls() ? cpu_total_s / static_cast<double>(timed_calls()) : 0.0; }
};

inline double median_of_sorted(const std::vector<double>& v) {
  if (v.empty()) return 0.0;
  const size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
}

// Times several contenders side by side: warm-up and samples go round-robin,
// so that a change in machine load falls on all of them alike. The plan's
// time budgets count the time of all contenders together.
inline std::vector<Timing> measure_each(const std::vector<std::function<void()>>& calls,
                                        const TimingPlan& plan = {}) {
  const size_t n = calls.size();
  auto call = [&](size_t i) {
    calls[i]();
    if (plan.sync) plan.sync();
  };
  auto since = [&](double start) { return now_seconds(plan.clock) - start; };

  std::vector<int> warm_calls(n, 0);
  std::vector<double> warm_time(n, 0.0);
  const double warm_start = now_seconds(plan.clock);
  for (int round = 0; round < plan.warmup_calls || since(warm_start) < plan.warmup_s; ++round) {
    for (size_t i = 0; i < n; ++i) {
      const double t0 = now_seconds(plan.clock);
      call(i);
      warm_time[i] += since(t0);
      ++warm_calls[i];
    }
  }

  std::vector<Timing> out(n);
  std::vector<std::vector<double>> per_call(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].clock = plan.clock;
    out[i].calls_per_sample = 1;
    if (plan.sample_s > 0.0 && warm_calls[i] > 0) {
      const double estimate = warm_time[i] / warm_calls[i];
      out[i].calls_per_sample =
          std::max(1, static_cast<int>(std::ceil(plan.sample_s / std::max(estimate, 1e-9))));
    }
  }
  const double sample_start = now_seconds(plan.clock);
  for (int s = 0; s < plan.min_samples || (s < plan.max_samples && since(sample_start) < plan.total_s); ++s) {
    for (size_t i = 0; i < n; ++i) {
      const double w0 = wall_seconds(), c0 = process_cpu_seconds();
      for (int c = 0; c < out[i].calls_per_sample; ++c) call(i);
      const double wall = wall_seconds() - w0, cpu = process_cpu_seconds() - c0;
      out[i].wall_total_s += wall;
      out[i].cpu_total_s += cpu;
      per_call[i].push_back((plan.clock == Clock::ProcessCpu ? cpu : wall) / out[i].calls_per_sample);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    std::vector<double>& t = per_call[i];
    std::sort(t.begin(), t.end());
    out[i].samples = static_cast<int>(t.size());
    out[i].min_s = t.empty() ? 0.0 : t.front();
    out[i].median_s = median_of_sorted(t);
  }
  return out;
}

inline Timing measure(const std::function<void()>& call, const TimingPlan& plan = {}) {
  return measure_each({call}, plan).front();
}

}  // namespace nlammr::bench
