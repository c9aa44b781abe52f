#include "io/tensorboard_events.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "io/tensorboard_event.pb.h"
#include "io/tfrecord.h"

namespace nlammr {

namespace fs = std::filesystem;

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

tensorboard::Event parse_event(const std::string& record, const std::string& path, size_t index) {
  tensorboard::Event event;
  if (!event.ParseFromString(record))
    throw std::runtime_error(path + ": record " + std::to_string(index + 1) + " is not an Event protocol buffer");
  return event;
}

}  // namespace

std::vector<std::string> tensorboard_event_files(const std::string& dir) {
  std::vector<std::string> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename().string().find("tfevents") != std::string::npos)
      files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<ScalarEvent> read_scalar_events(const std::string& path, bool allow_truncated_tail) {
  const TfRecordReadResult read = read_tfrecords(path, allow_truncated_tail);
  std::vector<ScalarEvent> out;
  for (size_t i = 0; i < read.records.size(); ++i) {
    const tensorboard::Event event = parse_event(read.records[i], path, i);
    if (!event.has_summary()) continue;
    for (const auto& v : event.summary().value()) {
      // Values of other kinds (images, histograms, written by other tools
      // into the same folder) are not scalars: left out, as TensorBoard's
      // scalar view leaves them out.
      if (v.value_case() == tensorboard::SummaryValue::kSimpleValue)
        out.push_back({v.tag(), event.step(), event.wall_time(), v.simple_value()});
    }
  }
  return out;
}

std::string read_event_file_version(const std::string& path) {
  const TfRecordReadResult read = read_tfrecords(path, true);
  if (read.records.empty()) throw std::runtime_error(path + ": no records");
  return parse_event(read.records.front(), path, 0).file_version();
}

TensorBoardWriter::TensorBoardWriter(const std::string& dir) {
  fs::create_directories(dir);
  // Steps already recorded, so a resumed run does not write them twice.
  for (const std::string& file : tensorboard_event_files(dir))
    for (const ScalarEvent& e : read_scalar_events(file, true)) {
      auto [it, inserted] = last_step_.emplace(e.tag, e.step);
      if (!inserted) it->second = std::max(it->second, e.step);
    }
  char host[256] = "localhost";
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  host[sizeof host - 1] = '\0';
  // Seconds in the name as TensorBoard's writers do; the pid and a counter
  // keep two writers started in the same second apart.
  const long long seconds = static_cast<long long>(now_seconds());
  for (int n = 0;; ++n) {
    path_ = (fs::path(dir) / ("events.out.tfevents." + std::to_string(seconds) + "." + host + "." +
                              std::to_string(::getpid()) + "." + std::to_string(n)))
                .string();
    if (!fs::exists(path_)) break;
  }
  file_ = std::fopen(path_.c_str(), "wb");
  if (!file_) throw std::runtime_error(path_ + ": cannot create the TensorBoard event file");
  tensorboard::Event header;
  header.set_wall_time(now_seconds());
  header.set_file_version("brain.Event:2");
  write_event(header.SerializeAsString());
}

TensorBoardWriter::~TensorBoardWriter() {
  if (file_) std::fclose(file_);
}

void TensorBoardWriter::add_scalars(int64_t step, const std::vector<std::pair<std::string, double>>& values) {
  tensorboard::Event event;
  event.set_wall_time(now_seconds());
  event.set_step(step);
  for (const auto& [tag, value] : values) {
    auto it = last_step_.find(tag);
    if (it != last_step_.end() && step <= it->second) continue;
    last_step_[tag] = step;
    tensorboard::SummaryValue* v = event.mutable_summary()->add_value();
    v->set_tag(tag);
    v->set_simple_value(static_cast<float>(value));
  }
  if (event.has_summary()) write_event(event.SerializeAsString());
}

void TensorBoardWriter::write_event(const std::string& serialized) {
  const std::string record = tfrecord_frame(serialized);
  // Flushed at once, so a TensorBoard watching the folder sees each step.
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size() || std::fflush(file_) != 0)
    throw std::runtime_error(path_ + ": cannot write the TensorBoard event file");
}

}  // namespace nlammr
