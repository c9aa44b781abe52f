// The benchmarks' timing loop (bench/harness.h): how many calls it makes, in
// what order, and how it summarises samples. Nothing here depends on how long
// a call takes: speed is measured by the benchmarks, never by tests.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bench/harness.h"

using namespace nlammr::bench;

TEST_CASE("a fixed plan makes its warm-up calls, then one call per sample, each followed by the sync") {
  int calls = 0, syncs = 0;
  TimingPlan plan = fixed_samples(7, 3);
  plan.sync = [&] {
    ++syncs;
    CHECK(syncs == calls);  // right after each call
  };
  const Timing t = measure([&] { ++calls; }, plan);
  CHECK(calls == 10);
  CHECK(syncs == 10);
  CHECK(t.samples == 7);
  CHECK(t.calls_per_sample == 1);
  CHECK(t.timed_calls() == 7);
  CHECK(t.min_s >= 0.0);
  CHECK(t.min_s <= t.median_s);
  CHECK(t.wall_total_s >= 0.0);
  CHECK(t.cpu_total_s >= 0.0);
  CHECK(t.clock == Clock::Wall);
}

TEST_CASE("no warm-up when the plan asks for none") {
  int calls = 0;
  const Timing t = measure([&] { ++calls; }, fixed_samples(2, 0, Clock::ProcessCpu));
  CHECK(calls == 2);
  CHECK(t.samples == 2);
  CHECK(t.clock == Clock::ProcessCpu);
}

TEST_CASE("contenders take turns, in warm-up and in sampling") {
  std::string order;
  const std::vector<Timing> t =
      measure_each({[&] { order += 'a'; }, [&] { order += 'b'; }}, fixed_samples(3, 1));
  CHECK(order == "ab" "ababab");
  REQUIRE(t.size() == 2);
  CHECK(t[0].samples == 3);
  CHECK(t[1].samples == 3);
}

TEST_CASE("the sample count stays within its bounds whatever the time budget") {
  int calls = 0;
  TimingPlan plan = fixed_samples(2, 0);
  plan.max_samples = 4;
  plan.total_s = 1e9;  // never runs out: the maximum stops sampling
  CHECK(measure([&] { ++calls; }, plan).samples == 4);
  CHECK(calls == 4);
  plan.total_s = 0.0;  // runs out at once: the minimum is still taken
  calls = 0;
  CHECK(measure([&] { ++calls; }, plan).samples == 2);
  CHECK(calls == 2);
}

TEST_CASE("with a sample time, each sample repeats the call and counts per call") {
  int calls = 0;
  TimingPlan plan = fixed_samples(3, 2);
  plan.sample_s = 1e-3;  // calls that take next to nothing: many per sample
  const Timing t = measure([&] { ++calls; }, plan);
  CHECK(t.calls_per_sample >= 1);
  CHECK(calls == 2 + 3 * t.calls_per_sample);
  CHECK(t.timed_calls() == 3LL * t.calls_per_sample);
}

TEST_CASE("the median of an even count is the mean of the middle two") {
  CHECK(median_of_sorted({}) == 0.0);
  CHECK(median_of_sorted({1.0, 2.0, 3.0}) == 2.0);
  CHECK(median_of_sorted({1.0, 2.0, 3.0, 10.0}) == 2.5);
}
