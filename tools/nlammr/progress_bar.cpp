#include "tools/nlammr/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace nlammr::cli {

ProgressBar::ProgressBar(std::string label, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      enabled_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_),
      last_log_(start_) {}

double ProgressBar::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressBar::update(int64_t done, int64_t total, const std::string& note) {
  const auto now = std::chrono::steady_clock::now();
  if (!enabled_) {
    if (done < total && now - last_log_ >= std::chrono::seconds(30)) {
      last_log_ = now;
      const double seconds = elapsed_seconds();
      const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
      std::fprintf(stderr, "%s: %lld/%lld %s (%.1f/s, about %.0fs left) %s\n", label_.c_str(),
                   static_cast<long long>(done), static_cast<long long>(total), unit_.c_str(), rate,
                   rate > 0 ? static_cast<double>(total - done) / rate : 0.0, note.c_str());
    }
    return;
  }
  if (done < total && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(done, total, note);
}

void ProgressBar::restart(std::string label) {
  finish();
  label_ = std::move(label);
  start_ = last_draw_ = last_log_ = std::chrono::steady_clock::now();
}

void ProgressBar::draw(int64_t done, int64_t total, const std::string& note) {
  constexpr int kWidth = 30;
  const int filled = total > 0 ? static_cast<int>(kWidth * done / total) : kWidth;
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '-');
  const double seconds = elapsed_seconds();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
  std::fprintf(stderr, "\r%s [%s] %lld/%lld  %.1f %s/s  ETA %.0fs  %s\x1b[K", label_.c_str(), bar.c_str(),
               static_cast<long long>(done), static_cast<long long>(total), rate, unit_.c_str(), eta,
               note.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace nlammr::cli
