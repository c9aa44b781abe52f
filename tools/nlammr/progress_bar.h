// A one-line progress bar with throughput, time left and a note on stderr:
//
//   encode [##########----------]  1200/2400  412.5 texts/s  ETA 3s
//   epoch 3/30 [#####---------] 120/491  85.2 steps/s  ETA 4s  loss 0.3312
//
// redrawn in place (at most ten times a second) when stderr is a terminal;
// when it is a file or a pipe, one plain line every 30 seconds instead, so
// long jobs still show progress in logs without flooding them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace nlammr::cli {

class ProgressBar {
 public:
  ProgressBar(std::string label, std::string unit);
  // `note` is printed after the bar (a running loss, say).
  void update(int64_t done, int64_t total, const std::string& note = "");
  // Starts over (a new epoch) with a new label.
  void restart(std::string label);
  // Ends the line the bar is drawn on (if any).
  void finish();
  double elapsed_seconds() const;

 private:
  void draw(int64_t done, int64_t total, const std::string& note);

  std::string label_, unit_;
  bool enabled_;
  bool drawn_ = false;
  // Declared in initialisation order: last_log_ starts as a copy of start_.
  std::chrono::steady_clock::time_point start_, last_draw_, last_log_;
};

}  // namespace nlammr::cli
