// A one-line progress bar with throughput on stderr:
//
//   encode [##########----------]  1200/2400  412.5 texts/s
//
// redrawn in place (at most ten times a second) when stderr is a terminal;
// when it is a file or a pipe nothing is drawn, so logs stay readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace nlammr::cli {

class ProgressBar {
 public:
  ProgressBar(std::string label, std::string unit);
  void update(int64_t done, int64_t total);
  // Ends the line the bar is drawn on (if any).
  void finish();
  double elapsed_seconds() const;

 private:
  void draw(int64_t done, int64_t total);

  std::string label_, unit_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace nlammr::cli
