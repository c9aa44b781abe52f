// TensorBoard event files of scalars: one file per writer in a folder that
// `tensorboard --logdir` reads, each a TFRecord file (tfrecord.h) of Event
// protocol buffers (tensorboard_event.proto).
//
// Resuming: a new writer opens a new file beside the earlier ones and skips,
// for each tag, every step at or below the last step the folder already has
// for it. A resumed training run recomputes the steps after its last
// checkpoint bit for bit, so the values it would write again are the ones
// already there; skipping them keeps one point per step, where TensorBoard
// would otherwise show the repeated steps as a second, overlapping line.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace nlammr {

struct ScalarEvent {
  std::string tag;
  int64_t step = 0;
  double wall_time = 0;
  float value = 0;
};

class TensorBoardWriter {
 public:
  // Creates `dir` when needed and opens events.out.tfevents.<time>.<host>.<pid>
  // in it (the name TensorBoard looks for).
  explicit TensorBoardWriter(const std::string& dir);
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  // One event with these values at `step`; tags whose step is already in
  // the folder are left out (see above). Written through to the file.
  void add_scalars(int64_t step, const std::vector<std::pair<std::string, double>>& values);
  void add_scalar(const std::string& tag, int64_t step, double value) { add_scalars(step, {{tag, value}}); }

  const std::string& path() const { return path_; }

 private:
  void write_event(const std::string& serialized);
  std::string path_;
  std::FILE* file_ = nullptr;
  std::map<std::string, int64_t> last_step_;  // per tag, from earlier files and this one
};

// The event files of a folder, oldest name first.
std::vector<std::string> tensorboard_event_files(const std::string& dir);

// Every scalar of one event file, in file order (values that are not simple
// scalars are skipped); CRC and protobuf errors name the file. A truncated last record is tolerated when allow_truncated_tail.
std::vector<ScalarEvent> read_scalar_events(const std::string& path, bool allow_truncated_tail = false);

// The file_version string of the file's first record ("brain.Event:2").
std::string read_event_file_version(const std::string& path);

}  // namespace nlammr
