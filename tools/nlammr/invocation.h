// How this program was started and from which code, for the records a run
// keeps (run.json) and the report shows.
#pragma once

#include <string>

namespace nlammr::cli {

// Called once by main with its arguments.
void set_invocation(int argc, char** argv);
// The command line, each argument quoted for a POSIX shell where needed.
const std::string& invocation();
// `git describe --always --dirty` of the source tree at build time.
const char* build_commit();

}  // namespace nlammr::cli
