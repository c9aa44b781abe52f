// Source locations of the simulator's reports: the access hooks pass the
// return address of their call, an instruction in the kernel's code, and this
// file turns it into "file:line (function)" through the DWARF line tables of
// the running binary (elfutils' libdwfl). The kernel files are compiled with
// -g1 (line tables, no variable information) so that the tables exist.
//
// Without libdw (NLAMMR_CUDA_SIM_LIBDW undefined) a location is the function
// and offset dladdr finds, or the bare address; the reports say so.
#include <cxxabi.h>
#include <dlfcn.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>

#include "kernels/cuda_sim/sim_runtime.h"

#ifdef NLAMMR_CUDA_SIM_LIBDW
#include <elfutils/libdwfl.h>
#endif

namespace cudasim {
namespace {

std::string demangled(const char* name) {
  if (!name) return {};
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string out = status == 0 && d ? d : name;
  std::free(d);
  // "ns::(anonymous namespace)::f(int*, float const*)" -> "ns::(anonymous
  // namespace)::f": the parameter list (the last balanced parentheses) makes
  // reports long.
  if (!out.empty() && out.back() == ')') {
    int depth = 0;
    for (size_t i = out.size(); i-- > 0;) {
      depth += out[i] == ')' ? 1 : out[i] == '(' ? -1 : 0;
      if (depth == 0) {
        if (i > 0) out.resize(i);
        break;
      }
    }
  }
  return out;
}

std::string base_name(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

std::string hex(uintptr_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%" PRIxPTR, v);
  return b;
}

#ifdef NLAMMR_CUDA_SIM_LIBDW
// One session over this process's modules, built on first use.
Dwfl* process_dwfl() {
  static Dwfl* dwfl = [] {
    static char* debuginfo_path = nullptr;
    static Dwfl_Callbacks callbacks{};
    callbacks.find_elf = dwfl_linux_proc_find_elf;
    callbacks.find_debuginfo = dwfl_standard_find_debuginfo;
    callbacks.debuginfo_path = &debuginfo_path;
    Dwfl* d = dwfl_begin(&callbacks);
    if (!d) return d;
    if (dwfl_linux_proc_report(d, getpid()) != 0 || dwfl_report_end(d, nullptr, nullptr) != 0) {
      dwfl_end(d);
      return static_cast<Dwfl*>(nullptr);
    }
    return d;
  }();
  return dwfl;
}
#endif

std::string resolve(uintptr_t pc) {
#ifdef NLAMMR_CUDA_SIM_LIBDW
  if (Dwfl* dwfl = process_dwfl()) {
    if (Dwfl_Module* mod = dwfl_addrmodule(dwfl, pc)) {
      const std::string function = demangled(dwfl_module_addrname(mod, pc));
      int line = 0, column = 0;
      Dwarf_Addr line_address = 0;
      Dwarf_Word mtime = 0, length = 0;
      const char* file = nullptr;
      if (Dwfl_Line* l = dwfl_module_getsrc(mod, pc))
        file = dwfl_lineinfo(l, &line_address, &line, &column, &mtime, &length);
      if (file && line > 0)
        return base_name(file) + ":" + std::to_string(line) + (function.empty() ? "" : " (" + function + ")");
      if (!function.empty()) return function + " (no line table)";
    }
  }
#endif
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(pc), &info) && info.dli_sname)
    return demangled(info.dli_sname) + "+" + hex(pc - reinterpret_cast<uintptr_t>(info.dli_saddr));
  if (info.dli_fname && info.dli_fbase)
    return base_name(info.dli_fname) + "+" + hex(pc - reinterpret_cast<uintptr_t>(info.dli_fbase));
  return hex(pc);
}

}  // namespace

std::string source_of(uintptr_t return_address) {
  if (return_address == 0) return "an unknown place";
  static std::mutex mutex;
  static std::unordered_map<uintptr_t, std::string> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(return_address);
  if (it != cache.end()) return it->second;
  // The return address is the instruction after the hook's call; the call
  // itself (one byte earlier) carries the access's line.
  return cache.emplace(return_address, resolve(return_address - 1)).first->second;
}

bool source_lines_available() {
#ifdef NLAMMR_CUDA_SIM_LIBDW
  return true;
#else
  return false;
#endif
}

}  // namespace cudasim
