// RDKit's default aromaticity model.
//
// A ring is a candidate when each of its atoms can give electrons to (or
// accept them from) a pi system; a candidate ring, or a fused system of up to
// six candidate rings sharing single bonds, is aromatic when its electron
// count can satisfy Hueckel's 4n+2 rule. Exocyclic double bonds to more
// electronegative atoms take an electron away (the C of a 2-pyridone gives
// none), atoms outside the first two rows (except Se, Te) are excluded, and
// in fused systems only the outer bonds of a combination are marked.
#pragma once

#include "chem/rings.h"
#include "chem/structure.h"

namespace nlammr::chem {

// Electrons an atom has available for a pi system (RDKit's count): -1 when
// it cannot take part (univalent elements, more than three neighbours).
int count_atom_electrons(const Molecule& mol, int atom);

// Sets atom and bond aromatic flags and turns aromatic bonds' type to
// kAromatic. Expects a Kekule structure with valences computed.
void perceive_aromaticity(Molecule& mol, const RingInfo& rings);

}  // namespace nlammr::chem
