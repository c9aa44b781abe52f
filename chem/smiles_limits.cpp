#include "chem/smiles_limits.h"

#include <stdexcept>

namespace nlammr::chem {
namespace {

bool is_atom_letter(char c) {
  switch (c) {
    // Organic subset (Cl and Br count once, by their capital letter) and the
    // aromatic lower-case forms.
    case 'B': case 'C': case 'N': case 'O': case 'P': case 'S': case 'F': case 'I':
    case 'b': case 'c': case 'n': case 'o': case 'p': case 's':
    case '*':
      return true;
    default:
      return false;
  }
}

[[noreturn]] void too_large(const std::string& what, size_t value, size_t limit) {
  throw std::runtime_error("SMILES too large: " + what + " " + std::to_string(value) + " exceeds the limit of " +
                           std::to_string(limit) + " (see docs/reliability.md)");
}

}  // namespace

size_t count_written_atoms(const std::string& smiles) {
  size_t atoms = 0;
  bool in_bracket = false;
  for (char c : smiles) {
    if (in_bracket) {
      in_bracket = c != ']';
    } else if (c == '[') {
      in_bracket = true;
      ++atoms;
    } else if (is_atom_letter(c)) {
      ++atoms;
    }
  }
  return atoms;
}

size_t branch_depth(const std::string& smiles) {
  size_t depth = 0, deepest = 0;
  bool in_bracket = false;
  for (char c : smiles) {
    if (in_bracket) {
      in_bracket = c != ']';
    } else if (c == '[') {
      in_bracket = true;
    } else if (c == '(') {
      if (++depth > deepest) deepest = depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

void check_smiles_limits(const std::string& smiles) {
  // The length first, so that the scans below never run over a huge string.
  if (smiles.size() > SmilesLimits::kMaxLength) too_large("length", smiles.size(), SmilesLimits::kMaxLength);
  const size_t atoms = count_written_atoms(smiles);
  if (atoms > SmilesLimits::kMaxAtoms) too_large("atom count", atoms, SmilesLimits::kMaxAtoms);
  const size_t depth = branch_depth(smiles);
  if (depth > SmilesLimits::kMaxBranchDepth) too_large("branch depth", depth, SmilesLimits::kMaxBranchDepth);
}

}  // namespace nlammr::chem
