// Strings to dense 32-bit ids, so that tables of millions of rows hold small
// integers instead of repeated strings (drug names, NDCs, codes, CIDs).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace nlammr {

class StringPool {
 public:
  uint32_t id(const std::string& s) {
    auto [it, inserted] = ids_.emplace(s, static_cast<uint32_t>(strings_.size()));
    if (inserted) strings_.push_back(s);
    return it->second;
  }
  // The id of s, or -1 when it was never added.
  int64_t find(const std::string& s) const {
    auto it = ids_.find(s);
    return it == ids_.end() ? -1 : static_cast<int64_t>(it->second);
  }
  const std::string& str(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> strings_;
};

}  // namespace nlammr
