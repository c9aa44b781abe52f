// Helpers shared by the test suites.
#pragma once

#include <string>

namespace nlammr::testing {

// Committed fixtures (tests/fixtures/...).
std::string fixture_path(const std::string& relative);

// Real data beside the project (../shared/data/...), absent in a fresh clone.
// Returns "" when the directory is missing; tests then skip with a message.
std::string shared_data_path(const std::string& relative);

}  // namespace nlammr::testing

// Skip the rest of a test case with a visible reason (doctest has no skip()).
#define NLAMMR_SKIP(reason)                               \
  do {                                                    \
    MESSAGE("SKIPPED: " << reason);                       \
    return;                                               \
  } while (0)
