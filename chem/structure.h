// The molecule as the perception rules see it.
//
// Atoms and bonds keep the order RDKit gives them when it reads a SMILES, and
// every atom lists its bonds in bond order: RDKit's chirality tags are defined
// relative to that order, and OGB's edge list follows it.
#pragma once

#include <cstdint>
#include <vector>

namespace nlammr::chem {

enum class BondType : std::uint8_t { kUnspecified, kSingle, kDouble, kTriple, kQuadruple, kAromatic };

// Direction marks '/' and '\' of a SMILES, relative to the bond's begin atom.
enum class BondDir : std::uint8_t { kNone, kEndUpRight, kEndDownRight };

enum class ChiralTag : std::uint8_t { kUnspecified, kTetrahedralCW, kTetrahedralCCW };

enum class BondStereo : std::uint8_t { kNone, kZ, kE };

enum class Hybridization : std::uint8_t { kUnspecified, kS, kSP, kSP2, kSP3, kSP3D, kSP3D2 };

// 'R', 'S' or 0: the label the stereo perception gives a true stereocentre.
using CipCode = char;

struct Atom {
  int smiles_index = -1;    // position among the SMILES atoms, for messages
  int atomic_num = 0;
  int formal_charge = 0;
  int isotope = 0;          // 0: natural abundance
  int map_number = -1;      // SMILES atom class [C:1], -1 if none
  bool written_aromatic = false;  // lowercase symbol in the SMILES
  bool no_implicit = false;       // bracket atom: its hydrogen count is explicit
  int explicit_hs = 0;      // hydrogens not represented as atoms
  int explicit_valence = -1;
  int implicit_hs = 0;      // computed; ignored when no_implicit
  int radical_electrons = 0;
  bool aromatic = false;
  ChiralTag chiral_tag = ChiralTag::kUnspecified;
  Hybridization hybridization = Hybridization::kUnspecified;
  CipCode cip_code = 0;

  int total_hs() const { return explicit_hs + (no_implicit ? 0 : implicit_hs); }
};

struct Bond {
  int begin = -1;
  int end = -1;
  BondType type = BondType::kUnspecified;
  bool aromatic = false;
  bool conjugated = false;
  BondDir dir = BondDir::kNone;
  BondStereo stereo = BondStereo::kNone;
  // For a bond written aromatic: its order in Open Babel's Kekule structure.
  BondType kekule_type = BondType::kUnspecified;

  int other(int atom) const { return atom == begin ? end : begin; }
};

// Bond order as a number: 1.5 for aromatic, 0 for unspecified.
double bond_valence(BondType type);
// Twice the bond order, an integer (aromatic = 3).
int twice_bond_order(BondType type);

class Molecule {
 public:
  // Atoms are edited in place; they are added with add_atom only.
  std::vector<Atom> atoms;

  int add_atom(const Atom& atom);
  int num_atoms() const { return static_cast<int>(atoms.size()); }
  int num_bonds() const { return static_cast<int>(bonds_.size()); }
  const std::vector<Bond>& bonds() const { return bonds_; }
  Bond& bond(int index) { return bonds_[index]; }
  const Bond& bond(int index) const { return bonds_[index]; }

  // Appends a bond; returns its index.
  int add_bond(const Bond& bond);
  // Bond indices at an atom, in increasing order.
  const std::vector<int>& atom_bonds(int atom) const { return atom_bonds_[atom]; }
  int degree(int atom) const { return static_cast<int>(atom_bonds_[atom].size()); }
  int total_degree(int atom) const { return degree(atom) + atoms[atom].total_hs(); }
  int bond_between(int a, int b) const;  // -1 if none
  // Removes an atom and its bonds; later atoms and bonds move down by one.
  void remove_atom(int atom);

 private:
  std::vector<Bond> bonds_;
  std::vector<std::vector<int>> atom_bonds_;

  void rebuild_adjacency();
};

// Number of transpositions (mod 2) that turn `from` into `to`, two orderings
// of the same items: 0 for an even permutation, 1 for an odd one.
int permutation_parity(const std::vector<int>& from, const std::vector<int>& to);

}  // namespace nlammr::chem
