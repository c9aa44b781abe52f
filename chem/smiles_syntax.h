// SMILES syntax, read the way RDKit's parser builds its molecule.
//
// Open Babel parses the chemistry of a SMILES (see from_smiles.h) but does
// not keep what the OGB features depend on besides: which bonds were ring
// closures and with which digit (RDKit adds ring-closure bonds after all
// others, ordered by digit, and that order is OGB's edge order), the textual
// neighbour order around each '@'/'@@' atom, the '/' '\' marks and where each
// dot-separated component starts. This reader recovers exactly that. It is
// strict where Open Babel is lenient (unbalanced parentheses, doubled bond
// symbols, unclosed rings): such strings are rejected, as RDKit rejects them.
#pragma once

#include <string>

#include "chem/structure.h"

namespace nlammr::chem {

// Builds the molecule as RDKit's SMILES parser leaves it, before
// sanitization: atoms in SMILES order with element, charge, isotope, atom
// class, bracket hydrogen count and the chirality tag relative to RDKit's bond
// order; bonds in RDKit's order with their type (aromatic when written between
// two aromatic atoms without a symbol) and '/' '\' direction.
// Throws std::runtime_error("<problem> at position <n>") on invalid syntax
// and on syntax nlammr does not support (wildcards '*', dative bonds, atom
// lists, non-tetrahedral chirality classes).
Molecule read_smiles_syntax(const std::string& smiles);

}  // namespace nlammr::chem
