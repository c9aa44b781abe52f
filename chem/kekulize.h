// RDKit's kekulization: which bonds of a ring system written aromatic become
// double. The choice only shows in the features when RDKit's aromaticity model
// then finds the ring non-aromatic (c1cc[as]cc1, c1cc2cccc2c1): its bonds stay
// single and double, and these must be RDKit's single and double bonds.
#pragma once

#include "chem/rings.h"
#include "chem/structure.h"

namespace nlammr::chem {

// Turns the aromatic bonds of each fused ring system into single and double
// bonds by RDKit's depth-first walk in atom order, with its backtracking.
// Returns false (leaving the molecule unchanged) where that walk fails; RDKit
// then retries with canonical atom ranks, which nlammr does not reproduce.
// Aromatic flags are left for the caller to clear.
bool kekulize_like_rdkit(Molecule& mol, const RingInfo& rings);

}  // namespace nlammr::chem
