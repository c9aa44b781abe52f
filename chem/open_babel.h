// Open Babel's reading of a SMILES, checked against the syntax reader's.
#pragma once

#include <string>
#include <vector>

#include "chem/structure.h"

namespace nlammr::chem {

// Reads `smiles` with Open Babel and checks that it gives the same atoms
// (element, charge, isotope, bracket hydrogens) and bonds as `mol`, the
// syntax reader's molecule for the same string. Copies Open Babel's Kekule
// orders onto the aromatic bonds of `mol` (Bond::kekule_type) and returns the
// hydrogen count of each atom as Open Babel sees it (implicit hydrogens plus
// hydrogen atoms), indexed like `mol`'s atoms.
//
// Throws std::runtime_error when Open Babel rejects the string, cannot
// kekulize an aromatic system, or disagrees with the syntax reader.
// Open Babel's own messages are captured, never printed. Calls are
// serialized (Open Babel's message log is global).
std::vector<int> read_with_open_babel(const std::string& smiles, Molecule& mol);

}  // namespace nlammr::chem
