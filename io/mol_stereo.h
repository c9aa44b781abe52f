// RDKit's legacy stereo perception: which '@'/'@@' marks survive, and the E/Z
// label of double bonds written with '/' and '\'.
//
// Both rest on an approximate CIP ranking of the atoms (RDKit's iterated
// ranking: atomic number and isotope first, then neighbours' ranks weighted by
// bond order, hydrogens last). A marked atom keeps its mark only if its
// neighbours all rank differently (or, in rings, if it pairs with another
// marked ring atom, as in cis-1,4-dimethylcyclohexane). A double bond gets
// E or Z from the directions of the highest-ranked neighbour on each side.
// Labels found in one round refine the ranking for the next, until nothing
// changes.
#pragma once

#include <vector>

#include "io/mol_rings.h"
#include "io/mol_structure.h"

namespace nlammr::chem {

// RDKit's legacy CIP ranks: dense ranks, higher means higher priority.
std::vector<int> legacy_cip_ranks(const Molecule& mol);

// Clears chirality marks that do not denote a stereocentre (adjusting the
// hydrogen bookkeeping of such atoms the way RDKit does), and sets CIP codes
// on atoms and E/Z stereo on double bonds.
void perceive_stereo(Molecule& mol, const RingInfo& rings);

}  // namespace nlammr::chem
