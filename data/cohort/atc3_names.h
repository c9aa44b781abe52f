// English names of the WHO ATC (Anatomical Therapeutic Chemical) level-3
// classes, the medication classes the recommender predicts: "N02B" ->
// "Other analgesics and antipyretics". Level 3 is the pharmacological or
// therapeutic subgroup, written as one letter, two digits and one letter.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace nlammr {

// The name of an ATC level-3 class, or nullptr for a code not in the table.
// Lower-case input is accepted ("n02b").
const std::string* atc3_name(const std::string& code);

// Every class in the table, sorted by code.
const std::vector<std::pair<std::string, std::string>>& atc3_table();

// Name of the ATC level-1 anatomical main group ('N' -> "Nervous system"),
// or nullptr.
const char* atc1_name(char group);

}  // namespace nlammr
