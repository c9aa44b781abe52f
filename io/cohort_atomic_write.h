// Writes a file so that readers never see it half written: the bytes go to a
// temporary file beside it, which is then renamed over the target (rename is
// atomic on POSIX file systems).
//
// Used by the cohort writer; a project-wide helper with the same purpose may
// replace it.
#pragma once

#include <string>

namespace nlammr {

void cohort_write_file_atomic(const std::string& path, const std::string& bytes);

}  // namespace nlammr
