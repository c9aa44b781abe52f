// RDKit's legacy ("approximate CIP") atom ranking, the basis of its stereo
// perception: atoms start ranked by atomic number, isotope and atom class;
// each round then extends every atom's key with its neighbours' ranks
// (highest first, each repeated twice the bond order, aromatic counting 3)
// and a 0 per hydrogen, and re-sorts tied atoms, until no tie splits.
// The refinement is O(m log^2 n) for n atoms and m bonds (see
// mol_cip_ranks.cpp), so long chains and deep branches stay fast.
#pragma once

#include <vector>

#include "chem/structure.h"

namespace nlammr::chem {

// Atomic number, deviation from the most common isotope and atom class,
// packed into one integer (isotope-labelled atoms rank above unlabelled ones
// of the same element when heavier or equal to the common isotope): the
// starting point of legacy_cip_ranks.
std::vector<long long> cip_initial_invariants(const Molecule& mol);

// How often a neighbour's rank is repeated in an atom's ranking entry: twice
// the bond order (aromatic = 3), except 1 for a double bond to a three- or
// four-coordinate P (its d-orbital "double bond" is not counted).
int cip_neighbour_weight(const Molecule& mol, int bond, int neighbour);

// Dense ranks refined from `invariants` (one per atom, a higher value a
// higher priority) in rounds, as legacy_cip_ranks does after its start.
std::vector<int> refine_cip_ranks(const Molecule& mol, const std::vector<long long>& invariants);

// Dense ranks, one per atom; a higher rank means a higher priority.
std::vector<int> legacy_cip_ranks(const Molecule& mol);

// Refines `ranks` with the stereo labels found so far (atom CIP codes: R
// above S above none; per incident double bond: Z above E).
void rerank_with_labels(const Molecule& mol, std::vector<int>& ranks);

}  // namespace nlammr::chem
