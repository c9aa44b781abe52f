// The simulator's scheduler, barriers, warp collectives and checks (see
// sim_runtime.h). This file is compiled without access instrumentation: only
// the kernel files report their memory accesses (sim_access.cpp).
#include "kernels/cuda_sim/sim_runtime.h"

#include <sys/mman.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "kernels/cuda_sim/sim_fiber.h"

// Linker-defined bounds of the executable's static data: static __shared__
// arrays live there (the qualifier expands to `static`).
extern "C" char __data_start[], _end[];

namespace cudasim {
namespace {

constexpr int kWarp = 32;
constexpr int kMaxThreads = 1024;
constexpr size_t kMaxDynamicShared = 227 * 1024;  // H100's opt-in limit per block
constexpr size_t kMaxReports = 64;
constexpr size_t kReportsPerLaunch = 8;
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kStackBytes = 512 * 1024;
#else
constexpr size_t kStackBytes = 128 * 1024;
#endif

enum class State : uint8_t { Runnable, AtBarrier, AtWarp, Done };

struct Site {
  const char* file = "?";
  int line = 0;
};

std::string site_str(Site s) {
  if (s.line == 0) return "the start of the block";
  const char* base = std::strrchr(s.file, '/');
  return std::string(base ? base + 1 : s.file) + ":" + std::to_string(s.line);
}

std::string coord_str(uint3 v) {
  return "(" + std::to_string(v.x) + "," + std::to_string(v.y) + "," + std::to_string(v.z) + ")";
}

struct SimThread {
  ThreadCoords coords;
  int linear = 0, warp = 0, lane = 0;
  State state = State::Runnable;
  Site site;              // where it waits
  uint64_t wait_gen = 0;  // the warp collective generation it waits for
  Fiber fiber;
  bool in_atomic = false;  // inside atomicAdd and friends
  std::unordered_map<uintptr_t, uint32_t> occurrences;  // metrics: executions of each access site
};

struct WarpCollective {
  bool active = false;
  unsigned mask = 0, arrived = 0, ballot = 0;
  Site site;
  uint64_t gen = 0;
  unsigned char slots[2][kWarp][16];
  unsigned ballots[2] = {0, 0};
  unsigned arrived_of[2] = {0, 0};  // lanes that took part, per generation
  uint32_t epoch = 0;  // completed collectives (racecheck: accesses before and after are ordered)
};

struct Shadow {
  uint32_t interval = 0;
  int32_t writer = -1, reader1 = -1, reader2 = -1;
  uint32_t writer_epoch = 0, reader1_epoch = 0, reader2_epoch = 0;
  uintptr_t writer_pc = 0, reader1_pc = 0, reader2_pc = 0;  // where they accessed (source_of)
};

// Global-memory racecheck: the last write and one read of each 4-byte word
// of device memory touched in the launch. `bytes` is the mask of the word's
// bytes the access covered (two threads writing the two halves of one word
// do not conflict).
struct GlobalAccess {
  uint32_t block = 0;     // linear block index + 1; 0: none
  uint32_t interval = 0;  // the launch-wide barrier interval (intervals grow, block after block)
  uint32_t epoch = 0;     // the warp's completed collectives at the time
  uint16_t thread = 0;    // linear thread index in the block
  uint8_t bytes = 0;
  bool atomic = false;
  uintptr_t pc = 0;
};
struct GlobalWord {
  GlobalAccess writer, reader;
};
constexpr size_t kShadowPageWords = 1024;  // 4 KiB of device memory per shadow page

struct Request {
  std::vector<uintptr_t> units;  // sectors (global) or words (shared)
  bool shared = false;
};

struct RequestKey {
  uintptr_t pc;
  uint32_t occurrence;
  bool operator==(const RequestKey& o) const { return pc == o.pc && occurrence == o.occurrence; }
};
struct RequestKeyHash {
  size_t operator()(const RequestKey& k) const { return std::hash<uintptr_t>()(k.pc * 31 + k.occurrence); }
};

struct Allocation {
  size_t bytes = 0;  // as requested
  bool live = true;
  std::vector<uint64_t> initialized;  // one bit per byte (memcheck's uninitialised reads)
};

void set_bits(std::vector<uint64_t>& bits, size_t from, size_t to) {
  while (from < to && from % 64) bits[from / 64] |= uint64_t{1} << (from % 64), ++from;
  while (from + 64 <= to) bits[from / 64] = ~uint64_t{0}, from += 64;
  while (from < to) bits[from / 64] |= uint64_t{1} << (from % 64), ++from;
}
bool bit(const std::vector<uint64_t>& bits, size_t i) { return (bits[i / 64] >> (i % 64)) & 1; }
constexpr size_t kRedzone = 256;

// ---- global state (launches are serialised by launch_mutex) ----------------------------
std::mutex launch_mutex;
std::mutex memory_mutex;
std::map<uintptr_t, Allocation> allocations;  // user base -> allocation (redzones around it)
std::vector<uintptr_t> quarantine;            // freed allocations kept unusable for a while
constexpr size_t kQuarantine = 512;

std::vector<Report> report_list;
std::string failure_text;
std::vector<LaunchMetrics> metrics_list;
uint64_t launch_counter = 0;

// State of the launch in progress.
struct LaunchState {
  const char* kernel = "";
  dim3 grid, block;
  KernelBody body = nullptr;
  void* closure = nullptr;
  std::vector<SimThread> threads;
  std::vector<WarpCollective> warps;
  std::vector<int> next_runnable;
  Fiber scheduler;
  unsigned char* dynamic = nullptr;
  size_t dynamic_bytes = 0;
  uint3 block_idx;
  uint32_t interval = 1;
  Site interval_start;
  size_t reports_this_launch = 0, suppressed = 0;
  std::unordered_map<uintptr_t, Shadow> shadow;  // shared word -> last accesses this interval
  uint32_t block_linear = 0;  // of the running block, in launch order
  // Global-memory racecheck, over the pages of device memory this launch touched.
  std::unordered_map<uintptr_t, std::unique_ptr<GlobalWord[]>> global_shadow;
  uintptr_t cached_page = ~uintptr_t{0};
  GlobalWord* cached_words = nullptr;
  std::unordered_set<uint64_t> reported_sites;  // one report per pair of source sites
  LaunchMetrics metrics;
  std::vector<std::unordered_map<RequestKey, Request, RequestKeyHash>> requests;  // per warp
  std::unordered_set<uintptr_t> global_bytes;
};
LaunchState* launch_state = nullptr;
thread_local SimThread* current = nullptr;  // the running simulated thread (null on the host)
unsigned char* stacks = nullptr;

// Source locations in reports: a placeholder while the kernel runs, the
// file and line once the launch is over (resolve_sources). Reading the line
// tables takes more stack than a simulated thread's fiber has.
std::string pc_token(uintptr_t pc) {
  char b[32];
  std::snprintf(b, sizeof b, "\x01%" PRIxPTR "\x02", pc);
  return b;
}
std::string resolve_sources(std::string s) {
  for (size_t i; (i = s.find('\x01')) != std::string::npos;) {
    const size_t j = s.find('\x02', i);
    if (j == std::string::npos) break;
    const uintptr_t pc = std::strtoull(s.substr(i + 1, j - i - 1).c_str(), nullptr, 16);
    s.replace(i, j - i + 1, source_of(pc));
  }
  return s;
}

uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

bool env_flag(const char* name, bool fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return std::string(v) != "0";
}

void add_report(Check check, const SimThread* t, uintptr_t address, const std::string& text,
                const std::string& source = {}) {
  LaunchState& L = *launch_state;
  if (L.reports_this_launch >= kReportsPerLaunch) {
    ++L.suppressed;
    return;
  }
  ++L.reports_this_launch;
  Report r;
  r.check = check;
  r.kernel = L.kernel;
  r.block = L.block_idx;
  r.thread = t ? t->coords.thread : uint3{};
  r.address = address;
  r.source = source;
  r.message = std::string(check_name(check)) + ": kernel " + L.kernel + " block " + coord_str(L.block_idx) +
              (t ? " thread " + coord_str(t->coords.thread) : std::string()) + ": " + text;
  if (report_list.size() < kMaxReports) report_list.push_back(r);
  if (failure_text.empty()) failure_text = r.message;
}

// ---- fibers ---------------------------------------------------------------------------
void yield_to_scheduler() {
  SimThread* t = current;
  fiber_switch(t->fiber, launch_state->scheduler);
}

void fiber_entry() {
  launch_state->body(launch_state->closure);
  current->state = State::Done;
  yield_to_scheduler();
  std::abort();  // a finished fiber is never resumed
}

void resume(SimThread& t) {
  current = &t;
  fiber_switch(launch_state->scheduler, t.fiber);
  current = nullptr;
}

// ---- metrics --------------------------------------------------------------------------
void flush_requests() {
  LaunchState& L = *launch_state;
  for (auto& warp : L.requests) {
    for (auto& [key, req] : warp) {
      std::sort(req.units.begin(), req.units.end());
      req.units.erase(std::unique(req.units.begin(), req.units.end()), req.units.end());
      if (req.shared) {
        int per_bank[kWarp] = {};
        int worst = 1;
        for (uintptr_t word : req.units) worst = std::max(worst, ++per_bank[word % kWarp]);
        ++L.metrics.shared_requests;
        L.metrics.shared_wavefronts += worst;
      } else {
        ++L.metrics.global_requests;
        L.metrics.global_sectors += req.units.size();
      }
    }
    warp.clear();
  }
  for (SimThread& t : L.threads) t.occurrences.clear();
}

// ---- barriers and collectives -----------------------------------------------------------
void complete_barrier() {
  LaunchState& L = *launch_state;
  uint64_t waiting = 0;
  for (SimThread& t : L.threads)
    if (t.state == State::AtBarrier) {
      t.state = State::Runnable;
      L.next_runnable.push_back(t.linear);
      ++waiting;
    }
  L.metrics.barriers += waiting;
  ++L.interval;
  L.shadow.clear();
  if (options().metrics) flush_requests();
}

void complete_collective(WarpCollective& w) {
  LaunchState& L = *launch_state;
  w.active = false;
  w.arrived_of[w.gen & 1] = w.arrived;
  ++w.gen;
  ++w.epoch;
  for (int lane = 0; lane < kWarp; ++lane) {
    if (!(w.arrived & (1u << lane))) continue;
    SimThread& t = L.threads[static_cast<size_t>(&w - L.warps.data()) * kWarp + lane];
    if (t.state == State::AtWarp) {
      t.state = State::Runnable;
      L.next_runnable.push_back(t.linear);
    }
  }
}

// Lanes of warp `w` that exist (a block's last warp may be partial) and have not exited.
unsigned present_lanes(int warp) {
  LaunchState& L = *launch_state;
  unsigned m = 0;
  for (int lane = 0; lane < kWarp; ++lane) {
    const size_t i = static_cast<size_t>(warp) * kWarp + lane;
    if (i < L.threads.size() && L.threads[i].state != State::Done) m |= 1u << lane;
  }
  return m;
}

unsigned existing_lanes(int warp) {
  const size_t n = launch_state->threads.size(), first = static_cast<size_t>(warp) * kWarp;
  const size_t count = std::min<size_t>(kWarp, n - first);
  return count == kWarp ? 0xffffffffu : ((1u << count) - 1);
}

std::string lanes_str(unsigned mask) {
  std::string s;
  for (int lane = 0; lane < kWarp; ++lane)
    if (mask & (1u << lane)) s += (s.empty() ? "" : ",") + std::to_string(lane);
  return s;
}

// The calling lane joins the collective of its warp; returns the generation
// whose slots hold the result.
uint64_t join_collective(unsigned mask, const void* value, size_t bytes, bool predicate, Site site,
                         const char* what) {
  LaunchState& L = *launch_state;
  SimThread& t = *current;
  WarpCollective& w = L.warps[static_cast<size_t>(t.warp)];
  const unsigned me = 1u << t.lane;
  const bool checks = options().checks;
  if (checks && !(mask & me))
    add_report(
        Check::Synccheck, &t, 0,
        std::string(what) + " at " + site_str(site) + " with mask 0x" +
            [&] {
              char b[16];
              std::snprintf(b, sizeof b, "%08x", mask);
              return std::string(b);
            }() +
            " that does not include the calling lane " + std::to_string(t.lane));
  if (checks && (mask & ~existing_lanes(t.warp)))
    add_report(Check::Synccheck, &t, 0,
               std::string(what) + " at " + site_str(site) + ": mask names lanes " +
                   lanes_str(mask & ~existing_lanes(t.warp)) + " that do not exist in this block");
  mask &= existing_lanes(t.warp);
  mask |= me;
  if (!w.active) {
    w.active = true;
    w.mask = mask;
    w.arrived = 0;
    w.ballot = 0;
    w.site = site;
  } else if (w.mask != mask && checks) {
    add_report(Check::Synccheck, &t, 0,
               std::string(what) + " at " + site_str(site) + ": lanes of one warp pass different masks (" +
                   lanes_str(w.mask) + " at " + site_str(w.site) + " vs " + lanes_str(mask) + ")");
  }
  const uint64_t gen = w.gen;
  if (bytes) std::memcpy(w.slots[gen & 1][t.lane], value, bytes);
  if (predicate) w.ballot |= me;
  w.arrived |= me;
  w.ballots[gen & 1] = w.ballot;
  if ((w.arrived & w.mask) == w.mask) {
    complete_collective(w);
    return gen;
  }
  t.state = State::AtWarp;
  t.site = site;
  t.wait_gen = gen;
  yield_to_scheduler();
  return gen;
}

// Nothing can run: every live thread waits at a barrier or a collective.
void resolve_stall() {
  LaunchState& L = *launch_state;
  const bool checks = options().checks;
  bool any_warp = false;
  for (size_t wi = 0; wi < L.warps.size(); ++wi) {
    WarpCollective& w = L.warps[wi];
    if (!w.active) continue;
    any_warp = true;
    const unsigned missing = w.mask & ~w.arrived;
    if (checks) {
      std::string where;
      for (int lane = 0; lane < kWarp; ++lane) {
        if (!(missing & (1u << lane))) continue;
        const SimThread& m = L.threads[wi * kWarp + lane];
        where += " lane " + std::to_string(lane) +
                 (m.state == State::Done        ? " has exited;"
                  : m.state == State::AtBarrier ? " waits at __syncthreads " + site_str(m.site) + ";"
                                                : " waits at " + site_str(m.site) + ";");
      }
      const SimThread* first = nullptr;
      for (int lane = 0; lane < kWarp && !first; ++lane)
        if (w.arrived & (1u << lane)) first = &L.threads[wi * kWarp + lane];
      add_report(Check::Synccheck, first, 0,
                 "warp collective at " + site_str(w.site) + " with mask lanes {" + lanes_str(w.mask) +
                     "} never reached by every named lane:" + where);
    }
    complete_collective(w);  // go on with the lanes that are there
  }
  if (any_warp) return;
  // Every live thread is at a barrier.
  Site first_site;
  bool have_site = false, divergent = false;
  int exited = 0, waiting = 0;
  const SimThread* exited_thread = nullptr;
  for (const SimThread& t : L.threads) {
    if (t.state == State::Done) {
      ++exited;
      if (!exited_thread) exited_thread = &t;
      continue;
    }
    ++waiting;
    if (!have_site)
      first_site = t.site, have_site = true;
    else if (t.site.line != first_site.line || std::strcmp(t.site.file, first_site.file) != 0)
      divergent = true;
  }
  if (checks && divergent) {
    std::string sites;
    for (const SimThread& t : L.threads)
      if (t.state == State::AtBarrier && (t.site.line != first_site.line)) {
        sites = "thread " + coord_str(t.coords.thread) + " at " + site_str(t.site);
        break;
      }
    add_report(Check::Synccheck, nullptr, 0,
               "divergent __syncthreads: threads wait at " + site_str(first_site) + " and " + sites);
  }
  if (checks && exited > 0)
    add_report(Check::Synccheck, exited_thread, 0,
               "__syncthreads at " + site_str(first_site) + " reached by " + std::to_string(waiting) +
                   " of " + std::to_string(waiting + exited) + " threads; this thread and " +
                   std::to_string(exited - 1) + " other(s) exited without reaching it");
  L.interval_start = first_site;
  complete_barrier();
}

void run_block(uint3 block_idx, uint64_t seed) {
  LaunchState& L = *launch_state;
  L.block_idx = block_idx;
  const size_t n = L.threads.size();
  for (size_t i = 0; i < n; ++i) {
    SimThread& t = L.threads[i];
    t.coords.block = block_idx;
    t.state = State::Runnable;
    fiber_init(t.fiber, stacks + i * kStackBytes, kStackBytes, fiber_entry);
  }
  for (WarpCollective& w : L.warps) w.active = false, w.arrived = 0;
  L.shadow.clear();
  ++L.interval;
  L.interval_start = Site{"", 0};
  if (L.dynamic_bytes) std::memset(L.dynamic, 0xff, L.dynamic_bytes);  // NaN-filled, like garbage
  std::vector<int> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<int>(i);
  uint64_t rng = seed;
  size_t done = 0;
  while (true) {
    // A seeded shuffle of the runnable threads.
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[splitmix(rng) % i]);
    for (int id : order) {
      SimThread& t = L.threads[static_cast<size_t>(id)];
      if (t.state != State::Runnable) continue;
      resume(t);
      if (t.state == State::Done) ++done;
    }
    order.clear();
    if (!L.next_runnable.empty()) {
      order.swap(L.next_runnable);
      continue;
    }
    if (done == n) break;
    resolve_stall();
    order.swap(L.next_runnable);
  }
  if (options().metrics) flush_requests();
}

// ---- shared-memory racecheck ------------------------------------------------------------
bool is_static_shared(uintptr_t a) {
  return a >= reinterpret_cast<uintptr_t>(__data_start) && a < reinterpret_cast<uintptr_t>(_end);
}

bool ordered(const LaunchState& L, int other, uint32_t other_epoch, const SimThread& t) {
  if (other < 0 || other == t.linear) return true;
  return other / kWarp == t.warp && other_epoch < L.warps[static_cast<size_t>(t.warp)].epoch;
}

void race_report(LaunchState& L, const SimThread& t, int other, uintptr_t word, bool dynamic, bool write,
                 bool other_writes, uintptr_t pc, uintptr_t other_pc) {
  const SimThread& o = L.threads[static_cast<size_t>(other)];
  const std::string here = pc_token(pc);
  char offset[64];
  if (dynamic)
    std::snprintf(offset, sizeof offset, "dynamic shared +0x%" PRIxPTR, word * 4);
  else
    std::snprintf(offset, sizeof offset, "static shared 0x%" PRIxPTR, word * 4);
  add_report(Check::Racecheck, &t, word * 4,
             std::string(write ? "writes " : "reads ") + offset + " at " + here + ", which thread " +
                 coord_str(o.coords.thread) + (other_writes ? " wrote" : " read") + " at " +
                 pc_token(other_pc) + " in the same barrier interval (since " + site_str(L.interval_start) +
                 ")",
             here);
}

void check_shared(LaunchState& L, const SimThread& t, uintptr_t address, size_t bytes, bool write,
                  bool dynamic, uintptr_t pc) {
  const uint32_t epoch = L.warps[static_cast<size_t>(t.warp)].epoch;
  for (uintptr_t word = address / 4; word <= (address + bytes - 1) / 4; ++word) {
    Shadow& s = L.shadow[word];
    if (s.interval != L.interval) s = Shadow{}, s.interval = L.interval;
    if (!ordered(L, s.writer, s.writer_epoch, t)) {
      race_report(L, t, s.writer, word, dynamic, write, true, pc, s.writer_pc);
      s.writer = -1;  // one report per conflict
    }
    if (write) {
      if (!ordered(L, s.reader1, s.reader1_epoch, t))
        race_report(L, t, s.reader1, word, dynamic, true, false, pc, s.reader1_pc);
      else if (!ordered(L, s.reader2, s.reader2_epoch, t))
        race_report(L, t, s.reader2, word, dynamic, true, false, pc, s.reader2_pc);
      s.writer = t.linear, s.writer_epoch = epoch, s.writer_pc = pc;
      s.reader1 = s.reader2 = -1;
    } else if (s.reader1 < 0 || s.reader1 == t.linear) {
      s.reader1 = t.linear, s.reader1_epoch = epoch, s.reader1_pc = pc;
    } else {
      s.reader2 = t.linear, s.reader2_epoch = epoch, s.reader2_pc = pc;
    }
  }
}

// ---- global-memory racecheck ---------------------------------------------------------
GlobalWord& global_word(LaunchState& L, uintptr_t word) {
  const uintptr_t page = word / kShadowPageWords;
  if (page != L.cached_page) {
    std::unique_ptr<GlobalWord[]>& slot = L.global_shadow[page];
    if (!slot) slot.reset(new GlobalWord[kShadowPageWords]());
    L.cached_page = page;
    L.cached_words = slot.get();
  }
  return L.cached_words[word % kShadowPageWords];
}

// Whether an earlier access `o` happens before the running thread's access.
// Threads of one block are ordered by __syncthreads (a later interval) and,
// within a warp, by a warp collective in between; blocks of one launch never
// are (they may run in any order, or at the same time).
bool globally_ordered(const LaunchState& L, const GlobalAccess& o, const SimThread& t) {
  if (o.block == 0) return true;
  if (o.block != L.block_linear + 1) return false;
  if (o.interval != L.interval || o.thread == t.linear) return true;
  return o.thread / kWarp == t.warp && o.epoch < L.warps[static_cast<size_t>(t.warp)].epoch;
}

uint3 unlinear(uint64_t i, dim3 d) {
  return uint3{static_cast<unsigned>(i % d.x), static_cast<unsigned>(i / d.x % d.y),
               static_cast<unsigned>(i / (uint64_t{d.x} * d.y))};
}

void global_race_report(LaunchState& L, const SimThread& t, const GlobalAccess& o, uintptr_t address, bool write,
                        bool other_writes, uintptr_t pc) {
  // One report per pair of source sites: the launch's few reports then show
  // different races rather than one race seen by many threads.
  if (!L.reported_sites.insert(pc * 0x9e3779b97f4a7c15ull ^ o.pc).second) return;
  const bool same_block = o.block == L.block_linear + 1;
  const std::string here = pc_token(pc);
  char where[48];
  std::snprintf(where, sizeof where, "global 0x%" PRIxPTR, address);
  add_report(Check::Racecheck, &t, address,
             std::string(write ? (t.in_atomic ? "atomically writes " : "writes ")
                               : (t.in_atomic ? "atomically reads " : "reads ")) +
                 where + " at " + here + ", which block " + coord_str(unlinear(o.block - 1, L.grid)) +
                 " thread " + coord_str(unlinear(o.thread, L.block)) +
                 (other_writes ? (o.atomic ? " atomically wrote" : " wrote") : (o.atomic ? " atomically read" : " read")) +
                 " at " + pc_token(o.pc) +
                 (same_block ? " in the same barrier interval" : "; blocks of one launch are not ordered"),
             here);
}

void check_global_race(LaunchState& L, const SimThread& t, uintptr_t address, size_t bytes, bool write,
                       uintptr_t pc) {
  GlobalAccess me;
  me.block = L.block_linear + 1;
  me.interval = L.interval;
  me.epoch = L.warps[static_cast<size_t>(t.warp)].epoch;
  me.thread = static_cast<uint16_t>(t.linear);
  me.atomic = t.in_atomic;
  me.pc = pc;
  for (uintptr_t word = address / 4; word <= (address + bytes - 1) / 4; ++word) {
    const uintptr_t lo = std::max(address, word * 4), hi = std::min(address + bytes, word * 4 + 4);
    me.bytes = static_cast<uint8_t>(((1u << (hi - lo)) - 1) << (lo - word * 4));
    GlobalWord& w = global_word(L, word);
    auto conflicts = [&](const GlobalAccess& o) {
      return o.block != 0 && (o.bytes & me.bytes) && !(o.atomic && me.atomic) && !globally_ordered(L, o, t);
    };
    if (conflicts(w.writer)) global_race_report(L, t, w.writer, lo, write, true, pc);
    if (write) {
      if (conflicts(w.reader)) global_race_report(L, t, w.reader, lo, true, false, pc);
      w.writer = me;
      w.reader = GlobalAccess{};
    } else if (w.reader.block == 0 || globally_ordered(L, w.reader, t)) {
      // Keep one reader: a newer one replaces it only when ordered after it
      // (whatever conflicts with the old one then conflicts with the new one).
      w.reader = me;
    }
  }
}

// ---- memcheck -------------------------------------------------------------------------
void check_initialized(LaunchState& L, const SimThread& t, Allocation& a, uintptr_t base, uintptr_t address,
                       size_t bytes, bool write, uintptr_t pc) {
  const size_t from = address - base;
  if (write && !t.in_atomic) {
    set_bits(a.initialized, from, from + bytes);
    return;
  }
  if (write) return;  // an atomic's store follows its load, which was checked
  size_t missing = bytes;
  for (size_t i = 0; i < bytes && missing == bytes; ++i)
    if (!bit(a.initialized, from + i)) missing = i;
  if (missing == bytes) return;
  set_bits(a.initialized, from, from + bytes);  // each byte reported once
  if (!L.reported_sites.insert(pc).second) return;
  const std::string here = pc_token(pc);
  char text[256];
  std::snprintf(text, sizeof text,
                "uninitialised global read of %zu bytes at 0x%" PRIxPTR
                " (byte %zu of an allocation of %zu bytes at 0x%" PRIxPTR
                ") at %s: byte %zu of it was never written by cudaMemset, cudaMemcpy or a kernel",
                bytes, address, from, a.bytes, base, here.c_str(), missing);
  add_report(Check::Memcheck, &t, address, text, here);
}

// Returns true when the address is device memory (valid or not).
bool check_global(LaunchState& L, const SimThread& t, uintptr_t address, size_t bytes, bool write, uintptr_t pc) {
  std::lock_guard<std::mutex> lock(memory_mutex);
  auto it = allocations.upper_bound(address + kRedzone);
  if (it == allocations.begin()) return false;
  --it;
  const uintptr_t base = it->first;
  Allocation& a = it->second;
  if (address + bytes + kRedzone <= base || address >= base + a.bytes + kRedzone) return false;
  const bool inside = address >= base && address + bytes <= base + a.bytes;
  if (a.live && inside) {
    if (options().checks) {
      check_initialized(L, t, a, base, address, bytes, write, pc);
      check_global_race(L, t, address, bytes, write, pc);
    }
    return true;
  }
  if (options().checks) {
    char text[200];
    if (!a.live)
      std::snprintf(text, sizeof text, "%s of %zu bytes at 0x%" PRIxPTR " in a freed allocation of %zu bytes",
                    write ? "write" : "read", bytes, address, a.bytes);
    else if (address < base)
      std::snprintf(
          text, sizeof text,
          "%s of %zu bytes at 0x%" PRIxPTR " is %zu bytes before an allocation of %zu bytes at 0x%" PRIxPTR,
          write ? "write" : "read", bytes, address, static_cast<size_t>(base - address), a.bytes, base);
    else
      std::snprintf(text, sizeof text,
                    "%s of %zu bytes at 0x%" PRIxPTR
                    " starts %zu bytes past the end of an allocation of %zu bytes at 0x%" PRIxPTR,
                    write ? "write" : "read", bytes, address,
                    static_cast<size_t>(address >= base + a.bytes ? address - (base + a.bytes) : 0), a.bytes,
                    base);
    const std::string here = pc_token(pc);
    add_report(Check::Memcheck, &t, address, std::string("out-of-bounds global ") + text + " at " + here, here);
  }
  return true;
}

// The live allocation holding `p`, or null.
Allocation* allocation_of(uintptr_t p, uintptr_t* base) {
  auto it = allocations.upper_bound(p);
  if (it == allocations.begin()) return nullptr;
  --it;
  if (!it->second.live || p >= it->first + it->second.bytes) return nullptr;
  *base = it->first;
  return &it->second;
}

}  // namespace

// ---- public ---------------------------------------------------------------------------
const char* check_name(Check check) {
  switch (check) {
    case Check::Racecheck:
      return "racecheck";
    case Check::Synccheck:
      return "synccheck";
    case Check::Memcheck:
      return "memcheck";
    case Check::Config:
      return "launch";
  }
  return "?";
}

Options& options() {
  static Options o = [] {
    Options d;
    if (const char* s = std::getenv("NLAMMR_CUDA_SIM_SEED")) d.seed = std::strtoull(s, nullptr, 10);
    d.metrics = env_flag("NLAMMR_CUDA_SIM_METRICS", false);
    d.checks = env_flag("NLAMMR_CUDA_SIM_CHECKS", true);
    return d;
  }();
  return o;
}

const ThreadCoords& coords() { return current->coords; }
bool in_kernel() { return current != nullptr; }

void syncthreads(const char* file, int line) {
  SimThread& t = *current;
  t.state = State::AtBarrier;
  t.site = Site{file, line};
  yield_to_scheduler();
}

void syncwarp(unsigned mask, const char* file, int line) {
  join_collective(mask, nullptr, 0, false, Site{file, line}, "__syncwarp");
}

void shuffle(unsigned mask, const void* value, void* result, size_t bytes, Shuffle kind, int arg, int width,
             const char* file, int line) {
  if (bytes > 16) throw std::logic_error("cudasim: shuffled value larger than 16 bytes");
  const Site site{file, line};
  const uint64_t gen = join_collective(mask, value, bytes, false, site, "__shfl_*_sync");
  SimThread& t = *current;
  WarpCollective& w = launch_state->warps[static_cast<size_t>(t.warp)];
  const int lane = t.lane, segment = lane & ~(width - 1);
  int src = lane;
  switch (kind) {
    case Shuffle::Index:
      src = segment + (arg & (width - 1));
      break;
    case Shuffle::Up:
      src = lane - arg >= segment ? lane - arg : lane;
      break;
    case Shuffle::Down:
      src = lane + arg < segment + width ? lane + arg : lane;
      break;
    case Shuffle::Xor:
      src = lane ^ arg;
      if (src >= segment + width || src < segment) src = lane;
      break;
  }
  if (src < 0 || src >= kWarp) src = lane;
  if (options().checks && !(w.arrived_of[gen & 1] & (1u << src)))
    add_report(Check::Synccheck, &t, 0,
               "__shfl_*_sync at " + site_str(site) + " reads lane " + std::to_string(src) +
                   ", which did not take part (not in the mask or exited)");
  std::memcpy(result, w.slots[gen & 1][src], bytes);
}

unsigned ballot(unsigned mask, bool predicate, const char* file, int line) {
  const uint64_t gen = join_collective(mask, nullptr, 0, predicate, Site{file, line}, "__ballot_sync");
  return launch_state->warps[static_cast<size_t>(current->warp)].ballots[gen & 1];
}

unsigned active_mask() { return present_lanes(current->warp); }
unsigned mask_of_present(unsigned mask) { return mask & present_lanes(current->warp); }

unsigned char* dynamic_shared() { return launch_state->dynamic; }

bool launch(const char* kernel, dim3 grid, dim3 block, size_t dynamic_shared_bytes, KernelBody body,
            void* closure) {
  std::lock_guard<std::mutex> lock(launch_mutex);
  LaunchState L;
  L.kernel = kernel;
  L.grid = grid;
  L.block = block;
  L.body = body;
  L.closure = closure;
  launch_state = &L;
  struct Reset {
    ~Reset() { launch_state = nullptr; }
  } reset;
  failure_text.clear();
  const uint64_t threads = uint64_t{block.x} * block.y * block.z;
  const uint64_t blocks = uint64_t{grid.x} * grid.y * grid.z;
  if (threads == 0 || threads > kMaxThreads || block.z > 64 || blocks == 0 || grid.y > 65535 ||
      grid.z > 65535 || dynamic_shared_bytes > kMaxDynamicShared) {
    add_report(Check::Config, nullptr, 0,
               "invalid configuration: grid " + coord_str(uint3{grid.x, grid.y, grid.z}) + ", block " +
                   coord_str(uint3{block.x, block.y, block.z}) + ", " + std::to_string(dynamic_shared_bytes) +
                   " bytes of dynamic shared memory");
    return false;
  }
  if (!stacks) {
    void* p = mmap(nullptr, kStackBytes * kMaxThreads, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("cudasim: cannot map fiber stacks");
    stacks = static_cast<unsigned char*>(p);
  }
  std::vector<unsigned char> dynamic(dynamic_shared_bytes + 16);
  L.dynamic = dynamic.data();
  L.dynamic_bytes = dynamic_shared_bytes;
  L.threads.resize(threads);
  for (uint64_t i = 0; i < threads; ++i) {
    SimThread& t = L.threads[i];
    t.linear = static_cast<int>(i);
    t.warp = static_cast<int>(i / kWarp);
    t.lane = static_cast<int>(i % kWarp);
    t.coords.thread = uint3{static_cast<unsigned>(i % block.x), static_cast<unsigned>(i / block.x % block.y),
                            static_cast<unsigned>(i / (uint64_t{block.x} * block.y))};
    t.coords.block_dim = block;
    t.coords.grid_dim = grid;
  }
  L.warps.resize((threads + kWarp - 1) / kWarp);
  L.requests.resize(L.warps.size());
  L.metrics.kernel = kernel;
  L.metrics.blocks = blocks;
  L.metrics.threads = blocks * threads;
  const size_t first_report = report_list.size();
  const uint64_t launch_seed = options().seed * 0x9e3779b97f4a7c15ull + (++launch_counter);
  for (uint64_t b = 0; b < blocks; ++b) {
    uint64_t s = launch_seed ^ (b * 0xd1b54a32d192ed03ull);
    const uint3 idx{static_cast<unsigned>(b % grid.x), static_cast<unsigned>(b / grid.x % grid.y),
                    static_cast<unsigned>(b / (uint64_t{grid.x} * grid.y))};
    L.block_linear = static_cast<uint32_t>(b);
    run_block(idx, splitmix(s));
  }
  if (options().metrics) {
    L.metrics.global_bytes_unique = L.global_bytes.size();
    metrics_list.push_back(L.metrics);
  }
  for (size_t i = first_report; i < report_list.size(); ++i) {
    report_list[i].message = resolve_sources(report_list[i].message);
    report_list[i].source = resolve_sources(report_list[i].source);
  }
  failure_text = resolve_sources(failure_text);
  if (L.suppressed && !report_list.empty())
    report_list.back().message += " (" + std::to_string(L.suppressed) + " more reports in this launch)";
  return L.reports_this_launch == 0;
}

void on_access(uintptr_t address, size_t bytes, bool write, uintptr_t pc) {
  SimThread* t = current;
  if (!t || bytes == 0) return;
  LaunchState& L = *launch_state;
  const uintptr_t dyn = reinterpret_cast<uintptr_t>(L.dynamic);
  bool shared = false, global = false;
  if (L.dynamic_bytes && address >= dyn && address < dyn + L.dynamic_bytes + 16) {
    shared = true;
    if (options().checks) check_shared(L, *t, address - dyn, bytes, write, true, pc);
  } else if (is_static_shared(address)) {
    shared = true;
    if (options().checks) check_shared(L, *t, address, bytes, write, false, pc);
  } else {
    global = check_global(L, *t, address, bytes, write, pc);
  }
  if (!options().metrics || (!shared && !global)) return;
  const uint32_t occurrence = t->occurrences[pc]++;
  Request& r = L.requests[static_cast<size_t>(t->warp)][RequestKey{pc, occurrence}];
  r.shared = shared;
  if (shared) {
    for (uintptr_t w = address / 4; w <= (address + bytes - 1) / 4; ++w) r.units.push_back(w);
  } else {
    for (uintptr_t s = address / 32; s <= (address + bytes - 1) / 32; ++s) r.units.push_back(s);
    L.metrics.global_bytes_requested += bytes;
    for (size_t i = 0; i < bytes; ++i) L.global_bytes.insert(address + i);
  }
}

void* device_malloc(size_t bytes) {
  const size_t total = bytes + 2 * kRedzone;
  auto* raw = static_cast<unsigned char*>(std::aligned_alloc(256, (total + 255) / 256 * 256));
  if (!raw) return nullptr;
  std::memset(raw, 0xfb, total);  // recognisable garbage, as cudaMalloc'd memory holds
  const uintptr_t base = reinterpret_cast<uintptr_t>(raw) + kRedzone;
  std::lock_guard<std::mutex> lock(memory_mutex);
  allocations[base] = Allocation{bytes, true, std::vector<uint64_t>((bytes + 63) / 64, 0)};
  return reinterpret_cast<void*>(base);
}

void mark_initialized(const void* ptr, size_t bytes) {
  const uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  std::lock_guard<std::mutex> lock(memory_mutex);
  uintptr_t base = 0;
  if (Allocation* a = allocation_of(p, &base))
    set_bits(a->initialized, p - base, std::min<size_t>(p - base + bytes, a->bytes));
}

void copy_initialization(void* dst, const void* src, size_t bytes) {
  const uintptr_t d = reinterpret_cast<uintptr_t>(dst), s = reinterpret_cast<uintptr_t>(src);
  std::lock_guard<std::mutex> lock(memory_mutex);
  uintptr_t dbase = 0, sbase = 0;
  Allocation* da = allocation_of(d, &dbase);
  if (!da) return;
  const size_t n = std::min<size_t>(bytes, da->bytes - (d - dbase));
  Allocation* sa = allocation_of(s, &sbase);
  if (!sa) {
    set_bits(da->initialized, d - dbase, d - dbase + n);
    return;
  }
  std::vector<bool> state(n);  // read first: source and destination may overlap
  for (size_t i = 0; i < n; ++i) state[i] = s - sbase + i >= sa->bytes || bit(sa->initialized, s - sbase + i);
  for (size_t i = 0; i < n; ++i) {
    const size_t di = d - dbase + i;
    const bool set = state[i];
    uint64_t& word = da->initialized[di / 64];
    const uint64_t m = uint64_t{1} << (di % 64);
    word = set ? word | m : word & ~m;
  }
}

size_t uninitialized_bytes(const void* ptr, size_t bytes) {
  const uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  std::lock_guard<std::mutex> lock(memory_mutex);
  uintptr_t base = 0;
  const Allocation* a = allocation_of(p, &base);
  if (!a) return 0;
  size_t missing = 0;
  for (size_t i = p - base; i < std::min<size_t>(p - base + bytes, a->bytes); ++i) missing += !bit(a->initialized, i);
  return missing;
}

void begin_atomic() {
  if (current) current->in_atomic = true;
}
void end_atomic() {
  if (current) current->in_atomic = false;
}

bool device_free(void* ptr) {
  std::lock_guard<std::mutex> lock(memory_mutex);
  auto it = allocations.find(reinterpret_cast<uintptr_t>(ptr));
  if (it == allocations.end() || !it->second.live) return false;
  it->second.live = false;
  quarantine.push_back(it->first);
  if (quarantine.size() > kQuarantine) {
    const uintptr_t old = quarantine.front();
    quarantine.erase(quarantine.begin());
    allocations.erase(old);
    std::free(reinterpret_cast<void*>(old - kRedzone));
  }
  return true;
}

const std::vector<Report>& reports() { return report_list; }
void clear_reports() {
  report_list.clear();
  failure_text.clear();
}
const std::string& last_failure() { return failure_text; }
const std::vector<LaunchMetrics>& launch_metrics() { return metrics_list; }
void clear_launch_metrics() { metrics_list.clear(); }

}  // namespace cudasim
