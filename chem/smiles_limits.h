// Limits on a SMILES string, checked before any parsing.
//
// Every drug in the MIMIC-III medication table is far inside them (the
// longest SMILES there has 409 characters, 123 atoms and branches nested 13
// deep; see docs/reliability.md), while a string far beyond them is either a
// polymer or hostile input: Open Babel's ring perception recurses once per
// atom, and the rest of the perception is at best n log n in the atoms, so a
// bound on the atoms bounds both the stack and the time.
#pragma once

#include <cstddef>
#include <string>

namespace nlammr::chem {

struct SmilesLimits {
  static constexpr size_t kMaxLength = 10000;     // characters (24x the longest drug)
  static constexpr size_t kMaxAtoms = 2000;       // atoms written, hydrogens included (16x)
  static constexpr size_t kMaxBranchDepth = 100;  // nested '(' (7x)
};

// The atoms a SMILES writes: one per bracket atom, per organic-subset
// element symbol and per wildcard '*'. An upper bound on the atoms of the
// parsed molecule (explicit hydrogens are removed afterwards).
size_t count_written_atoms(const std::string& smiles);

// Deepest nesting of '(' outside brackets.
size_t branch_depth(const std::string& smiles);

// Throws std::runtime_error naming the value and the limit when the string
// is longer, has more atoms or deeper branches than SmilesLimits allows.
void check_smiles_limits(const std::string& smiles);

}  // namespace nlammr::chem
