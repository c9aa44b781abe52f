// RDKit's legacy ("approximate CIP") atom ranking, the basis of its stereo
// perception: atoms start ranked by atomic number, isotope and atom class;
// each round then extends every atom's key with its neighbours' ranks
// (highest first, each repeated twice the bond order, aromatic counting 3)
// and a 0 per hydrogen, and re-sorts tied atoms, until no tie splits.
#pragma once

#include <vector>

#include "chem/structure.h"

namespace nlammr::chem {

// Dense ranks, one per atom; a higher rank means a higher priority.
std::vector<int> legacy_cip_ranks(const Molecule& mol);

// Refines `ranks` with the stereo labels found so far (atom CIP codes: R
// above S above none; per incident double bond: Z above E).
void rerank_with_labels(const Molecule& mol, std::vector<int>& ranks);

}  // namespace nlammr::chem
