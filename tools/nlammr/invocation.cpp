#include "tools/nlammr/invocation.h"

namespace nlammr::cli {

namespace {

std::string& stored() {
  static std::string command;
  return command;
}

std::string shell_quoted(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") ==
                          std::string::npos)
    return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

void set_invocation(int argc, char** argv) {
  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + shell_quoted(argv[i]);
  stored() = command;
}

const std::string& invocation() { return stored(); }

}  // namespace nlammr::cli
