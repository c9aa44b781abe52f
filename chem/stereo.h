// RDKit's legacy stereo perception: which '@'/'@@' marks survive, and the E/Z
// label of double bonds written with '/' and '\'.
//
// Both rest on RDKit's approximate CIP ranking of the atoms (cip_ranks.h).
// A marked atom keeps its mark only if its neighbours all rank differently (or, in rings, if it pairs with
// another marked ring atom, as in cis-1,4-dimethylcyclohexane). A double bond gets E or Z from the directions
// of the highest-ranked neighbour on each side. Labels found in one round refine the ranking for the next,
// until nothing changes.
#pragma once

#include "chem/rings.h"
#include "chem/structure.h"

namespace nlammr::chem {

// Clears chirality marks that do not denote a stereocentre (adjusting the
// hydrogen bookkeeping of such atoms the way RDKit does), and sets CIP codes
// on atoms and E/Z stereo on double bonds.
void perceive_stereo(Molecule& mol, const RingInfo& rings);

}  // namespace nlammr::chem
