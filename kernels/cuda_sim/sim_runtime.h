// The simulator's execution model, as seen by the CUDA headers it stands in
// for (kernels/cuda_sim/include): thread and block coordinates of the running
// simulated thread, barriers, warp collectives, launches, device memory and
// the reports of the checks. Everything here runs on the host.
//
// A launch runs the grid's blocks one after another. The threads of a block
// are fibers (one stack each) on the launching host thread; a fiber runs
// until it reaches __syncthreads, a warp collective or its end, and the
// scheduler then picks the next fiber in a seeded random order, so code that
// depends on the order of threads between barriers shows it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

struct uint3 {
  unsigned x = 0, y = 0, z = 0;
};
struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator uint3() const { return uint3{x, y, z}; }
};

namespace cudasim {

// ---- the running thread --------------------------------------------------------------
struct ThreadCoords {
  uint3 thread;  // threadIdx
  uint3 block;   // blockIdx
  dim3 block_dim, grid_dim;
};
// Coordinates of the simulated thread running on this host thread.
const ThreadCoords& coords();

// __syncthreads, __syncwarp and the warp collectives. `site` is the source
// file and line, for reports. Each lane passes `bytes` of its own value and
// receives the value of lane `source_of(lane)` (or its own when the source is
// outside the width segment).
void syncthreads(const char* file, int line);
void syncwarp(unsigned mask, const char* file, int line);
enum class Shuffle { Index, Up, Down, Xor };
void shuffle(unsigned mask, const void* value, void* result, size_t bytes, Shuffle kind, int arg, int width,
             const char* file, int line);
// Ballot over a predicate; any/all are derived from it.
unsigned ballot(unsigned mask, bool predicate, const char* file, int line);
unsigned active_mask();

// ---- launches ------------------------------------------------------------------------
using KernelBody = void (*)(void* closure);
// Runs body(closure) on every thread of the grid. Returns false (and keeps the
// report) when a check failed or the configuration is invalid.
bool launch(const char* kernel, dim3 grid, dim3 block, size_t dynamic_shared_bytes, KernelBody body,
            void* closure);
// The dynamic shared memory of the running block (extern __shared__).
unsigned char* dynamic_shared();

template <typename... Params>
struct LaunchClosure {
  void (*kernel)(Params...);
  std::tuple<Params...> args;
  static void run(void* self) {
    auto* c = static_cast<LaunchClosure*>(self);
    std::apply(c->kernel, c->args);
  }
};

// ---- memory ----------------------------------------------------------------------------
// Device memory is host memory with guard zones around each allocation, so
// that memcheck can tell an out-of-bounds access from a valid one.
void* device_malloc(size_t bytes);
// Returns false for a pointer that device_malloc did not hand out.
bool device_free(void* ptr);

// ---- checks and reports ---------------------------------------------------------------
enum class Check { Racecheck, Synccheck, Memcheck, Config };
struct Report {
  Check check;
  std::string kernel;
  uint3 block, thread;
  uintptr_t address = 0;  // offset in shared memory (racecheck) or address (memcheck); 0 if none
  std::string source;     // "file:line (function)" of the reported access; empty if none
  std::string message;    // the whole report, one line
};
// Every report since the last clear (kept up to a limit).
const std::vector<Report>& reports();
void clear_reports();
// The most recent failure as text (what cudaGetErrorString shows for it).
const std::string& last_failure();
const char* check_name(Check check);

// Options, also read from the environment on first use:
//   NLAMMR_CUDA_SIM_SEED    seed of the thread order (default 1)
//   NLAMMR_CUDA_SIM_METRICS 1: collect memory-access metrics for every launch
struct Options {
  uint64_t seed = 1;
  bool checks = true;    // racecheck, synccheck, memcheck
  bool metrics = false;  // per-launch access metrics
};
Options& options();
// True when the kernel files were compiled with access instrumentation
// (racecheck, memcheck and the access metrics depend on it).
bool accesses_instrumented();

// ---- memory-access metrics -----------------------------------------------------------
struct LaunchMetrics {
  std::string kernel;
  uint64_t blocks = 0, threads = 0;
  uint64_t global_requests = 0, global_sectors = 0;     // warp-level requests and 32-byte sectors
  uint64_t global_bytes_requested = 0;                  // sum of access sizes
  uint64_t global_bytes_unique = 0;                     // distinct bytes touched (the minimum to move)
  uint64_t shared_requests = 0, shared_wavefronts = 0;  // wavefronts - requests = bank conflicts
  uint64_t barriers = 0;                                // __syncthreads passed, summed over threads
};
// Metrics of launches since the last clear, in launch order.
const std::vector<LaunchMetrics>& launch_metrics();
void clear_launch_metrics();

// Called by the access hooks (sim_access.cpp). `pc` is the return address of
// the hook's call, in the kernel's code.
void on_access(uintptr_t address, size_t bytes, bool write, uintptr_t pc);
bool in_kernel();

// atomicAdd and friends (include/cuda_runtime.h) run their load and store
// inside an AtomicScope: racecheck then treats them as one atomic access.
void begin_atomic();
void end_atomic();
struct AtomicScope {
  AtomicScope() { begin_atomic(); }
  ~AtomicScope() { end_atomic(); }
  AtomicScope(const AtomicScope&) = delete;
  AtomicScope& operator=(const AtomicScope&) = delete;
};

// ---- device-memory initialisation (memcheck's uninitialised reads) ------------------
// cudaMalloc'd bytes start uninitialised; cudaMemset, cudaMemcpy into device
// memory and kernel stores initialise them. Host code of the simulator that
// writes device memory directly (the cuBLAS and CUB stand-ins) marks what it
// wrote. No effect on memory that device_malloc did not hand out.
void mark_initialized(const void* ptr, size_t bytes);
// dst gets the initialisation state of src (a device-to-device copy); bytes
// of src outside device memory count as initialised.
void copy_initialization(void* dst, const void* src, size_t bytes);
// How many of the `bytes` bytes at ptr (in one device allocation) are not
// initialised; 0 for memory device_malloc did not hand out.
size_t uninitialized_bytes(const void* ptr, size_t bytes);

// ---- source locations (sim_symbolize.cpp) --------------------------------------------
// "file:line (function)" of the access whose hook returned to `return_address`,
// from the binary's line tables; the function and offset, or the bare address,
// when they cannot be read.
std::string source_of(uintptr_t return_address);
// True when source_of can give file and line (the build found libdw).
bool source_lines_available();

}  // namespace cudasim
