// From a SMILES string to a molecule perceived the way RDKit perceives it
// (Chem.MolFromSmiles with its default sanitization, hydrogen removal and
// stereo assignment), on top of Open Babel's reading of the string.
#pragma once

#include <string>

#include "chem/rings.h"
#include "chem/structure.h"

namespace nlammr::chem {

struct PerceivedMolecule {
  Molecule mol;
  RingInfo rings;
};

// Throws std::runtime_error with the problem (not the string; callers add it)
// for strings RDKit would reject (syntax, valence, kekulization) and for the
// few constructs nlammr does not support (see read_smiles_syntax).
PerceivedMolecule perceive_smiles(const std::string& smiles);

}  // namespace nlammr::chem
