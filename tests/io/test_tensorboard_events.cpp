// TensorBoard event files: the TFRecord framing and its CRCs, the Event
// messages read back, a resumed writer that skips steps already written,
// and (where the tensorboard Python package is installed in .venv) the files
// listed by TensorBoard's own reader.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "io/atomic_file.h"
#include "io/tensorboard_events.h"
#include "io/tfrecord.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;

namespace {

uint64_t le(const std::string& s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
  return v;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("CRC-32C matches the published check values") {
  // The CRC-32C check value of "123456789" (RFC 3720, appendix B.4).
  CHECK(crc32c("123456789", 9) == 0xE3069283u);
  // 32 zero bytes, also from RFC 3720's examples.
  const std::string zeros(32, '\0');
  CHECK(crc32c(zeros.data(), zeros.size()) == 0x8A9136AAu);
  const uint32_t crc = crc32c("123456789", 9);
  CHECK(masked_crc32c("123456789", 9) == ((crc >> 15) | (crc << 17)) + 0xa282ead8u);
}

TEST_CASE("a TFRecord frame holds the length, its CRC, the data and its CRC") {
  const std::string data = "hello event";
  const std::string frame = tfrecord_frame(data);
  REQUIRE(frame.size() == data.size() + 16);
  CHECK(le(frame, 0, 8) == data.size());
  CHECK(le(frame, 8, 4) == masked_crc32c(frame.data(), 8));
  CHECK(frame.substr(12, data.size()) == data);
  CHECK(le(frame, 12 + data.size(), 4) == masked_crc32c(data.data(), data.size()));
}

TEST_CASE("scalars written are read back with their tags, steps and values") {
  ScratchDir tmp("tensorboard_roundtrip");
  const std::string dir = tmp.path() + "/tb";
  std::string path;
  {
    TensorBoardWriter writer(dir);
    path = writer.path();
    writer.add_scalars(1, {{"train/loss", 0.75}, {"train/grad_norm", 3.5}});
    writer.add_scalar("train/loss", 2, 0.5);
    writer.add_scalar("validation/jaccard", 2, 0.4321);
    writer.add_scalar("train/ddi", 2, 0.0);
  }
  CHECK(std::filesystem::path(path).filename().string().rfind("events.out.tfevents.", 0) == 0);
  CHECK(tensorboard_event_files(dir) == std::vector<std::string>{path});
  CHECK(read_event_file_version(path) == "brain.Event:2");

  // Every record's frame checks out (the reader verifies both CRCs).
  const TfRecordReadResult records = read_tfrecords(path);
  CHECK(records.records.size() == 5);  // file version + four events
  CHECK_FALSE(records.truncated_tail);

  const std::vector<ScalarEvent> events = read_scalar_events(path);
  REQUIRE(events.size() == 5);
  CHECK(events[0].tag == "train/loss");
  CHECK(events[0].step == 1);
  CHECK(events[0].value == 0.75f);
  CHECK(events[1].tag == "train/grad_norm");
  CHECK(events[1].value == 3.5f);
  CHECK(events[2].step == 2);
  CHECK(events[2].value == 0.5f);
  CHECK(events[3].tag == "validation/jaccard");
  CHECK(events[3].value == doctest::Approx(0.4321).epsilon(1e-6));
  CHECK(events[3].wall_time > 1.5e9);  // seconds since 1970, not 0
  CHECK(events[4].tag == "train/ddi");
  CHECK(events[4].value == 0.0f);
}

TEST_CASE("a corrupted or truncated event file is an error naming the file") {
  ScratchDir tmp("tensorboard_corrupt");
  const std::string dir = tmp.path() + "/tb";
  std::string path;
  {
    TensorBoardWriter writer(dir);
    path = writer.path();
    writer.add_scalar("train/loss", 1, 0.25);
  }
  const std::string good = slurp(path);

  std::string flipped = good;
  flipped[flipped.size() - 6] ^= 0x40;  // inside the last record's data
  const std::string bad = tmp.write("flipped.tfevents", flipped);
  CHECK_THROWS_WITH_AS(read_tfrecords(bad), doctest::Contains("data's CRC does not match"), std::runtime_error);
  CHECK_THROWS_WITH_AS(read_tfrecords(bad), doctest::Contains("flipped.tfevents"), std::runtime_error);

  const std::string cut = tmp.write("cut.tfevents", good.substr(0, good.size() - 3));
  CHECK_THROWS_WITH_AS(read_tfrecords(cut), doctest::Contains("ends inside the record"), std::runtime_error);
  const TfRecordReadResult tolerant = read_tfrecords(cut, true);
  CHECK(tolerant.truncated_tail);
  CHECK(tolerant.records.size() == 1);  // the file-version record survives

  const std::string text = tmp.write("text.tfevents", "this is not a TFRecord file at all");
  CHECK_THROWS_WITH_AS(read_tfrecords(text), doctest::Contains("length's CRC does not match"), std::runtime_error);
}

TEST_CASE("a second writer in the folder skips the steps already written") {
  ScratchDir tmp("tensorboard_resume");
  const std::string dir = tmp.path() + "/tb";
  {
    TensorBoardWriter first(dir);
    for (int step = 1; step <= 5; ++step) first.add_scalar("train/loss", step, 1.0 / step);
    first.add_scalar("validation/jaccard", 4, 0.3);
  }
  {
    // As a resumed run does: it restarts from its checkpoint at step 3.
    TensorBoardWriter second(dir);
    for (int step = 3; step <= 7; ++step)
      second.add_scalars(step, {{"train/loss", 1.0 / step}, {"validation/jaccard", 0.1 * step}});
  }
  const std::vector<std::string> files = tensorboard_event_files(dir);
  REQUIRE(files.size() == 2);
  std::multiset<int64_t> loss_steps, jaccard_steps;
  for (const std::string& f : files)
    for (const ScalarEvent& e : read_scalar_events(f)) {
      if (e.tag == "train/loss") loss_steps.insert(e.step);
      if (e.tag == "validation/jaccard") jaccard_steps.insert(e.step);
    }
  CHECK(loss_steps == std::multiset<int64_t>{1, 2, 3, 4, 5, 6, 7});
  CHECK(jaccard_steps == std::multiset<int64_t>{4, 5, 6, 7});
}

TEST_CASE("TensorBoard's own reader lists the scalars") {
  const std::string python = std::string(NLAMMR_SOURCE_DIR) + "/.venv/bin/python";
  if (!std::filesystem::exists(python)) NLAMMR_SKIP("no .venv (scripts/setup.sh --test-tools installs tensorboard)");
  if (std::system((python + " -c 'import tensorboard' > /dev/null 2>&1").c_str()) != 0)
    NLAMMR_SKIP("the tensorboard Python package is not installed in .venv (scripts/setup.sh --test-tools)");
  ScratchDir tmp("tensorboard_python");
  const std::string dir = tmp.path() + "/tb";
  {
    TensorBoardWriter writer(dir);
    for (int step = 1; step <= 3; ++step) writer.add_scalars(step, {{"train/loss", 0.5 * step}, {"train/ddi", 0.01}});
    writer.add_scalar("validation/jaccard", 3, 0.375);
    writer.add_scalar("train/zero", 3, 0.0);  // a default value must still reach the reader
  }
  const std::string script = tmp.write("list.py", R"(import sys
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
acc = EventAccumulator(sys.argv[1])
acc.Reload()
for tag in sorted(acc.Tags()["scalars"]):
    for e in acc.Scalars(tag):
        print(tag, e.step, repr(e.value))
)");
  const std::string out = tmp.path() + "/out.txt";
  REQUIRE(std::system((python + " " + script + " " + dir + " > " + out + " 2>&1").c_str()) == 0);
  const std::string listed = slurp(out);
  INFO(listed);
  CHECK(listed.find("train/ddi 1 0.009999999776482582") != std::string::npos);
  CHECK(listed.find("train/loss 1 0.5") != std::string::npos);
  CHECK(listed.find("train/loss 3 1.5") != std::string::npos);
  CHECK(listed.find("validation/jaccard 3 0.375") != std::string::npos);
  CHECK(listed.find("train/zero 3 0.0") != std::string::npos);
}
