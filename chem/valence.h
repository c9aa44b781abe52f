// RDKit's valence model on our molecule: hypervalent-group clean-up, explicit
// and implicit valence (hence the implicit hydrogen count), valence checks and
// radical electrons.
#pragma once

#include <string>

#include "chem/structure.h"

namespace nlammr::chem {

// True if the atom or one of its bonds is flagged aromatic.
bool is_aromatic_atom(const Molecule& mol, int atom);

// "atom 3 (N)": atoms are named by their position in the SMILES, from 1.
std::string describe_atom(const Molecule& mol, int atom);

// Rewrites neutral hypervalent groups as charge-separated ones, as RDKit's
// clean-up does before checking valences: CN(=O)=O -> C[N+](=O)[O-],
// C-N=N#N -> C-N=[N+]=[N-], C=P(=O)X -> C=[P+]([O-])X, and
// X(=O)(=O)(=O)O -> [X+3]([O-])([O-])([O-])O for Cl, Br, I.
void clean_up_hypervalent_groups(Molecule& mol);

// Explicit valence (bond orders plus hydrogens not in the graph) and implicit
// hydrogens of every atom. With `strict`, a valence above what the element
// allows throws std::runtime_error naming the atom.
void compute_valences(Molecule& mol, bool strict);
int explicit_valence(const Molecule& mol, int atom, bool strict);
int implicit_valence(const Molecule& mol, int atom, int explicit_valence, bool strict);

// Radical electrons of bracket atoms whose valence is not filled ([Ca]: 2).
void assign_radicals(Molecule& mol);

}  // namespace nlammr::chem
