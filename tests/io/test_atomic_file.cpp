#include <doctest/doctest.h>

#include <sys/stat.h>

#include <stdexcept>
#include <string>

#include "io/atomic_file.h"
#include "tests/io/io_test_support.h"

using namespace nlammr;
using nlammr::testing::contains;
using nlammr::testing::ScratchDir;

namespace {

std::string error_of(void (*action)(const std::string&), const std::string& path) {
  try {
    action(path);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("write_file_atomic writes, replaces, and leaves no temporary file") {
  ScratchDir dir;
  const std::string path = dir.file("state.bin");
  const std::string first("first\0contents", 14);  // embedded NUL: binary-safe
  write_file_atomic(path, first);
  CHECK(read_file(path) == first);

  write_file_atomic(path, "second");
  CHECK(read_file(path) == "second");
  CHECK(dir.listing() == std::vector<std::string>{"state.bin"});

  write_file_atomic(path, "");
  CHECK(read_file(path).empty());
}

TEST_CASE("new files get the permissions the umask allows, not the temp file's") {
  ScratchDir dir;
  const std::string path = dir.file("mode.bin");
  const mode_t mask = ::umask(0);
  ::umask(mask);
  write_file_atomic(path, "x");
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == (0666 & ~mask));
}

TEST_CASE("AtomicFileWriter streams many chunks") {
  ScratchDir dir;
  const std::string path = dir.file("big.bin");
  std::string expected;
  AtomicFileWriter writer(path);
  for (int chunk = 0; chunk < 300; ++chunk) {
    std::string piece(10007, static_cast<char>('a' + chunk % 26));
    writer.write(piece);
    expected += piece;
  }
  CHECK(dir.listing().size() == 1);  // only the temporary file so far
  CHECK(dir.listing()[0] != "big.bin");
  writer.commit();
  CHECK(read_file(path) == expected);
  CHECK(dir.listing() == std::vector<std::string>{"big.bin"});
  CHECK_THROWS_AS(writer.commit(), std::logic_error);
  CHECK_THROWS_AS(writer.write("more"), std::logic_error);
}

TEST_CASE("an uncommitted writer leaves the old file untouched and removes its temporary file") {
  ScratchDir dir;
  const std::string path = dir.file("model.bin");
  write_file_atomic(path, "good checkpoint");
  try {
    AtomicFileWriter writer(path);
    writer.write("half a checkp");
    throw std::runtime_error("producer failed midway");
  } catch (const std::runtime_error& error) {
    CHECK(std::string(error.what()) == "producer failed midway");
  }
  CHECK(read_file(path) == "good checkpoint");
  CHECK(dir.listing() == std::vector<std::string>{"model.bin"});
}

TEST_CASE("write errors name the target and the system's reason") {
  ScratchDir dir;
  const std::string path = dir.file("no/such/dir/out.bin");
  const std::string message = error_of([](const std::string& p) { write_file_atomic(p, "x"); }, path);
  CHECK(contains(message, path));
  CHECK(contains(message, "No such file or directory"));

  // Renaming over a directory fails after the data was written: the
  // temporary file must still be cleaned up.
  const std::string directory_target = dir.file("occupied");
  REQUIRE(::mkdir(directory_target.c_str(), 0755) == 0);
  const std::string rename_message =
      error_of([](const std::string& p) { write_file_atomic(p, "x"); }, directory_target);
  CHECK(contains(rename_message, directory_target));
  CHECK(contains(rename_message, "rename"));
  CHECK(dir.listing() == std::vector<std::string>{"occupied"});
}

TEST_CASE("read_file errors name the file and the reason") {
  ScratchDir dir;
  const std::string missing = dir.file("missing.txt");
  std::string message = error_of([](const std::string& p) { read_file(p); }, missing);
  CHECK(contains(message, missing));
  CHECK(contains(message, "No such file or directory"));

  message = error_of([](const std::string& p) { read_file(p); }, dir.path());
  CHECK(contains(message, dir.path()));
  CHECK(contains(message, "is a directory"));
}
