// RDKit's conjugation and hybridization rules.
//
// Open Babel has neither RDKit's conjugation flag nor its hybridization
// (Open Babel calls a terminal halogen sp, RDKit sp3). RDKit counts, for each
// atom, bonds plus lone pairs ("orbitals"): 2 -> SP, 3 -> SP2, 4 -> SP3
// unless the atom has a conjugated bond and at most three neighbours
// (the N of an amide, the O of an ester: SP2), 5 -> SP3D, 6 -> SP3D2.
#pragma once

#include "chem/structure.h"

namespace nlammr::chem {

// Marks bonds conjugated: aromatic bonds, and pairs of bonds at an atom where
// one is a multiple bond and both neighbours can take part in a pi system.
void perceive_conjugation(Molecule& mol);

// Needs conjugation, valences and radicals.
void assign_hybridization(Molecule& mol);

// Removes '@'/'@@' from atoms that turned out not to be SP3.
void clear_chirality_of_non_sp3_atoms(Molecule& mol);

}  // namespace nlammr::chem
