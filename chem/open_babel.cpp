#include "chem/open_babel.h"

#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

// Open Babel's headers use std::binary_function, deprecated in C++17.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <openbabel/atom.h>
#include <openbabel/bond.h>
#include <openbabel/mol.h>
#include <openbabel/obconversion.h>
#include <openbabel/oberror.h>
#include <openbabel/obiter.h>
#pragma GCC diagnostic pop

#include "chem/valence.h"

namespace nlammr::chem {
namespace {

std::mutex open_babel_mutex;

// Open Babel's messages of warning level or worse, joined.
std::string open_babel_messages() {
  std::string out;
  for (auto level : {OpenBabel::obError, OpenBabel::obWarning}) {
    for (const std::string& message : OpenBabel::obErrorLog.GetMessagesOfLevel(level)) {
      std::string text = message;
      // Messages come framed by "====" lines and "*** Open Babel Warning in ...".
      std::istringstream lines(text);
      std::string line;
      while (std::getline(lines, line)) {
        const auto start = line.find_first_not_of(" \t");
        if (start == std::string::npos || line[start] == '=' || line[start] == '*') continue;
        if (!out.empty()) out += "; ";
        out += line.substr(start);
      }
    }
  }
  return out;
}

int expected_order(BondType type) {
  switch (type) {
    case BondType::kSingle: return 1;
    case BondType::kDouble: return 2;
    case BondType::kTriple: return 3;
    case BondType::kQuadruple: return 4;
    default: return 0;
  }
}

[[noreturn]] void disagree(const std::string& what) {
  throw std::runtime_error("Open Babel reads it differently (" + what + ")");
}

}  // namespace

std::vector<int> read_with_open_babel(const std::string& smiles, Molecule& mol) {
  std::lock_guard<std::mutex> lock(open_babel_mutex);
  std::ostringstream swallowed;
  OpenBabel::obErrorLog.SetOutputStream(&swallowed);
  OpenBabel::obErrorLog.SetOutputLevel(OpenBabel::obError);
  OpenBabel::obErrorLog.StartLogging();
  OpenBabel::obErrorLog.ClearLog();

  OpenBabel::OBConversion conversion;
  if (!conversion.SetInFormat("smi")) throw std::runtime_error("Open Babel has no SMILES reader installed");
  OpenBabel::OBMol ob;
  const bool read = conversion.ReadString(&ob, smiles);
  const std::string messages = open_babel_messages();
  OpenBabel::obErrorLog.ClearLog();
  if (!read)
    throw std::runtime_error("Open Babel cannot read it" + (messages.empty() ? "" : ": " + messages));
  if (messages.find("kekulize") != std::string::npos) {
    throw std::runtime_error("the aromatic system cannot be kekulized (" + messages + ")");
  }

  if (static_cast<int>(ob.NumAtoms()) != mol.num_atoms()) {
    disagree(std::to_string(ob.NumAtoms()) + " atoms instead of " + std::to_string(mol.num_atoms()));
  }
  std::vector<int> hydrogens(mol.num_atoms(), 0);
  for (int a = 0; a < mol.num_atoms(); ++a) {
    const Atom& atom = mol.atoms[a];
    OpenBabel::OBAtom* ob_atom = ob.GetAtom(a + 1);
    if (static_cast<int>(ob_atom->GetAtomicNum()) != atom.atomic_num ||
        ob_atom->GetFormalCharge() != atom.formal_charge ||
        static_cast<int>(ob_atom->GetIsotope()) != atom.isotope) {
      disagree(describe_atom(mol, a));
    }
    const int implicit = ob_atom->GetImplicitHCount();
    if (atom.no_implicit && implicit != atom.explicit_hs) disagree("hydrogens of " + describe_atom(mol, a));
    int attached = 0;
    FOR_NBORS_OF_ATOM(nbr, ob_atom) attached += nbr->GetAtomicNum() == 1 ? 1 : 0;
    hydrogens[a] = implicit + attached;
  }

  if (static_cast<int>(ob.NumBonds()) != mol.num_bonds()) {
    disagree(std::to_string(ob.NumBonds()) + " bonds instead of " + std::to_string(mol.num_bonds()));
  }
  for (int b = 0; b < mol.num_bonds(); ++b) {
    Bond& bond = mol.bond(b);
    OpenBabel::OBBond* ob_bond = ob.GetBond(bond.begin + 1, bond.end + 1);
    if (ob_bond == nullptr) {
      disagree("no bond between " + describe_atom(mol, bond.begin) + " and " + describe_atom(mol, bond.end));
    }
    const int order = static_cast<int>(ob_bond->GetBondOrder());
    if (bond.type == BondType::kAromatic) {
      if (order != 1 && order != 2) disagree("Kekule order " + std::to_string(order));
      bond.kekule_type = order == 2 ? BondType::kDouble : BondType::kSingle;
    } else if (order != expected_order(bond.type)) {
      disagree("order of the bond between " + describe_atom(mol, bond.begin) + " and " +
               describe_atom(mol, bond.end));
    }
  }
  return hydrogens;
}

}  // namespace nlammr::chem
