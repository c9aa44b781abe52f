// Per-element data needed by the molecule perception rules: outer-shell
// electrons, the most common isotope and the valence states of RDKit's model.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

namespace nlammr::chem {

constexpr int kMaxAtomicNumber = 118;

struct ElementData {
  const char* symbol;
  int outer_electrons;
  int common_isotope;
  std::vector<int> valences;  // allowed valence states; -1 means "any"

  // The first listed valence, the one implicit hydrogens fill up to first.
  int default_valence() const { return valences.front(); }
};

// Throws std::runtime_error outside 0..118.
const ElementData& element_data(int atomic_num);

// Atomic number of an element symbol ("Cl" -> 17), -1 if there is none.
int atomic_number_of(const std::string& symbol);

// RDKit's electronegativity order, used by the aromaticity rules.
bool more_electronegative(int atomic_num_a, int atomic_num_b);

// RDKit's "early" elements (mostly left of carbon in their period), whose
// charge counts the other way when deciding if they can take a double bond.
bool is_early_element(int atomic_num);

}  // namespace nlammr::chem
