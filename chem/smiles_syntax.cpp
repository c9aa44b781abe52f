#include "chem/smiles_syntax.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chem/element_table.h"

namespace nlammr::chem {
namespace {

// A ring-closure digit as written next to an atom, waiting for its partner.
struct RingMark {
  int atom = -1;
  char symbol = 0;    // bond symbol written before the digit, 0 if none
  int bond = -1;      // the closure bond, once both ends are known
};

bool sets_bond_order(char symbol) {
  return symbol == '-' || symbol == '=' || symbol == '#' || symbol == '$' || symbol == ':';
}

BondDir direction_of(char symbol) {
  if (symbol == '/') return BondDir::kEndUpRight;
  if (symbol == '\\') return BondDir::kEndDownRight;
  return BondDir::kNone;
}

BondDir opposite(BondDir dir) {
  if (dir == BondDir::kEndUpRight) return BondDir::kEndDownRight;
  if (dir == BondDir::kEndDownRight) return BondDir::kEndUpRight;
  return BondDir::kNone;
}

ChiralTag inverted(ChiralTag tag) {
  if (tag == ChiralTag::kTetrahedralCW) return ChiralTag::kTetrahedralCCW;
  if (tag == ChiralTag::kTetrahedralCCW) return ChiralTag::kTetrahedralCW;
  return tag;
}

class SmilesSyntaxReader {
 public:
  explicit SmilesSyntaxReader(const std::string& text) : text_(text) {}

  Molecule read() {
    if (text_.empty()) fail("empty SMILES");
    add_atom_here(/*starts_component=*/true);
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '(') {
        ++pos_;
        branch_points_.push_back(active_);
        const char symbol = read_bond_symbol();
        if (!at_atom()) fail("a branch must start with an atom");
        add_chained_atom(symbol);
      } else if (c == ')') {
        if (branch_points_.empty()) fail("')' without a matching '('");
        active_ = branch_points_.back();
        branch_points_.pop_back();
        ++pos_;
      } else if (c == '.') {
        ++pos_;
        if (!at_atom()) fail("'.' must be followed by an atom");
        add_atom_here(/*starts_component=*/true);
      } else if (at_ring_number()) {
        add_ring_mark(0);
      } else if (at_atom()) {
        add_chained_atom(0);
      } else {
        const char symbol = read_bond_symbol();
        if (symbol == 0) fail(std::string("unexpected character '") + c + "'");
        if (at_ring_number()) {
          add_ring_mark(symbol);
        } else if (at_atom()) {
          add_chained_atom(symbol);
        } else {
          fail("a bond symbol must be followed by an atom or a ring-closure digit");
        }
      }
    }
    if (!branch_points_.empty()) fail("'(' without a matching ')'");
    close_rings();
    adjust_chirality_to_bond_order();
    return std::move(mol_);
  }

 private:
  const std::string& text_;
  size_t pos_ = 0;
  Molecule mol_;
  int active_ = -1;                       // atom the next bond starts from
  std::vector<int> branch_points_;
  std::vector<bool> starts_component_;
  std::map<int, std::vector<int>> marks_by_digit_;  // digit -> indices into marks_
  std::vector<RingMark> marks_;
  std::vector<std::vector<int>> marks_of_atom_;     // textual order of closures per atom

  [[noreturn]] void fail(const std::string& problem) const {
    throw std::runtime_error(problem + " at position " + std::to_string(pos_ + 1));
  }

  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  bool at_atom() const {
    const char c = peek();
    return c == '[' || std::string("BCNOPSFIbcnops").find(c) != std::string::npos ||
           (c != '\0' && (c == '*' || c == 'H'));
  }

  bool at_ring_number() const { return std::isdigit(static_cast<unsigned char>(peek())) || peek() == '%'; }

  // Reads one bond symbol if there is one; returns 0 otherwise.
  char read_bond_symbol() {
    const char c = peek();
    if (c == '-' && peek(1) == '>') fail("dative bonds ('->') are not supported");
    if (c == '<' && peek(1) == '-') fail("dative bonds ('<-') are not supported");
    if (c == '~') fail("query bonds ('~') are not valid in a SMILES");
    if (c == '-' || c == '=' || c == '#' || c == '$' || c == ':' || c == '/') {
      ++pos_;
      return c;
    }
    if (c == '\\') {
      // RDKit also reads a doubled backslash (an escaping artefact) as one.
      pos_ += peek(1) == '\\' ? 2 : 1;
      return '\\';
    }
    return 0;
  }

  // "0" or a number without leading zeros, as RDKit's grammar has it.
  int read_number(const char* what) {
    if (!std::isdigit(static_cast<unsigned char>(peek()))) fail(std::string("expected ") + what);
    if (peek() == '0') {
      ++pos_;
      if (std::isdigit(static_cast<unsigned char>(peek()))) fail(std::string("leading zero in ") + what);
      return 0;
    }
    long long value = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      value = value * 10 + (peek() - '0');
      if (value > INT_MAX / 10) fail(std::string(what) + " too large");
      ++pos_;
    }
    return static_cast<int>(value);
  }

  int read_ring_number() {
    if (peek() != '%') {
      const int digit = peek() - '0';
      ++pos_;
      return digit;
    }
    ++pos_;
    if (peek() == '(') {
      ++pos_;
      int value = 0;
      int digits = 0;
      while (std::isdigit(static_cast<unsigned char>(peek())) && digits < 5) {
        value = value * 10 + (peek() - '0');
        ++pos_;
        ++digits;
      }
      if (digits == 0 || peek() != ')') fail("malformed ring number '%(...)'");
      ++pos_;
      return value;
    }
    if (!std::isdigit(static_cast<unsigned char>(peek())) || peek() == '0' ||
        !std::isdigit(static_cast<unsigned char>(peek(1)))) {
      fail("'%' must be followed by two digits (the first not 0)");
    }
    const int value = (peek() - '0') * 10 + (peek(1) - '0');
    pos_ += 2;
    return value;
  }

  void add_chained_atom(char symbol) {
    const int from = active_;
    add_atom_here(/*starts_component=*/false);
    Bond bond;
    bond.begin = from;
    bond.end = active_;
    set_type_from_symbol(bond, symbol);
    bond.aromatic = bond.type == BondType::kAromatic;
    mol_.add_bond(bond);
  }

  // Bond type of a symbol; no symbol, '/' and '\' leave the order to the
  // atoms: aromatic between two aromatic atoms, single otherwise.
  void set_type_from_symbol(Bond& bond, char symbol) const {
    bond.dir = direction_of(symbol);
    switch (symbol) {
      case '-': bond.type = BondType::kSingle; return;
      case '=': bond.type = BondType::kDouble; return;
      case '#': bond.type = BondType::kTriple; return;
      case '$': bond.type = BondType::kQuadruple; return;
      case ':': bond.type = BondType::kAromatic; return;
      default:
        const bool both_aromatic =
            mol_.atoms[bond.begin].written_aromatic && mol_.atoms[bond.end].written_aromatic;
        bond.type = both_aromatic ? BondType::kAromatic : BondType::kSingle;
    }
  }

  void add_ring_mark(char symbol) {
    const int digit = read_ring_number();
    // RDKit inverts '@'/'@@' when a ring-closure digit follows a branch of a
    // chiral atom in these positions, e.g. [C@@](F)1(C)CCO1 (its "ring
    // closure branch status" rule); the degree is the number of bonds made so far.
    const int degree = mol_.degree(active_);
    if (active_ != mol_.num_atoms() - 1 &&
        (degree == 1 || (degree == 2 && active_ != 0) || (degree == 3 && active_ == 0))) {
      Atom& atom = mol_.atoms[active_];
      atom.chiral_tag = inverted(atom.chiral_tag);
    }
    marks_.push_back({active_, symbol, -1});
    marks_by_digit_[digit].push_back(static_cast<int>(marks_.size()) - 1);
    marks_of_atom_[active_].push_back(static_cast<int>(marks_.size()) - 1);
  }

  void add_atom_here(bool starts_component) {
    if (!at_atom()) fail("expected an atom");
    Atom atom = peek() == '[' ? read_bracket_atom() : read_organic_atom();
    atom.smiles_index = mol_.num_atoms();
    atom.aromatic = atom.written_aromatic;
    active_ = mol_.add_atom(atom);
    starts_component_.push_back(starts_component);
    marks_of_atom_.emplace_back();
  }

  Atom read_organic_atom() {
    const char c = peek();
    if (c == '*') fail("wildcard atoms '*' are not supported");
    if (c == 'H') fail("a hydrogen outside brackets must be written [H]");
    Atom atom;
    if (c == 'C' && peek(1) == 'l') {
      atom.atomic_num = 17;
      pos_ += 2;
      return atom;
    }
    if (c == 'B' && peek(1) == 'r') {
      atom.atomic_num = 35;
      pos_ += 2;
      return atom;
    }
    const std::string upper(1, static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    atom.atomic_num = atomic_number_of(upper);
    atom.written_aromatic = std::islower(static_cast<unsigned char>(c)) != 0;
    ++pos_;
    return atom;
  }

  Atom read_bracket_atom() {
    ++pos_;  // '['
    Atom atom;
    atom.no_implicit = true;
    if (std::isdigit(static_cast<unsigned char>(peek()))) atom.isotope = read_number("isotope");
    read_element_symbol(atom);
    if (atom.atomic_num == 1 && peek() == 'H') {
      // [HH] and [HH2]: a hydrogen atom carrying hydrogens, as RDKit allows.
      ++pos_;
      atom.explicit_hs = std::isdigit(static_cast<unsigned char>(peek())) ? read_number("hydrogen count") : 1;
    } else if (atom.atomic_num != 1) {
      read_chirality(atom);
      if (peek() == 'H') {
        ++pos_;
        atom.explicit_hs =
            std::isdigit(static_cast<unsigned char>(peek())) ? read_number("hydrogen count") : 1;
      }
    }
    read_charge(atom);
    if (peek() == ':') {
      ++pos_;
      atom.map_number = read_number("atom class");
    }
    if (peek() != ']') fail("unexpected character in bracket atom");
    ++pos_;
    return atom;
  }

  void read_element_symbol(Atom& atom) {
    const char c = peek();
    if (c == '*') fail("wildcard atoms '*' are not supported");
    if (c == '#') fail("atomic-number atoms such as [#6] are not supported");
    if (std::isupper(static_cast<unsigned char>(c))) {
      const std::string two = text_.substr(pos_, 2);
      if (two.size() == 2 && std::islower(static_cast<unsigned char>(two[1])) &&
          atomic_number_of(two) > 0) {
        atom.atomic_num = atomic_number_of(two);
        pos_ += 2;
        return;
      }
      const int z = atomic_number_of(std::string(1, c));
      if (z < 0) fail("unknown element");
      atom.atomic_num = z;
      ++pos_;
      return;
    }
    // Aromatic symbols allowed inside brackets.
    for (const char* symbol : {"si", "as", "se", "te", "b", "c", "n", "o", "p", "s"}) {
      const std::string lower(symbol);
      if (text_.compare(pos_, lower.size(), lower) == 0) {
        std::string proper = lower;
        proper[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(proper[0])));
        atom.atomic_num = atomic_number_of(proper);
        atom.written_aromatic = true;
        pos_ += lower.size();
        return;
      }
    }
    fail("unknown element");
  }

  void read_chirality(Atom& atom) {
    if (peek() != '@') return;
    ++pos_;
    if (peek() == '@') {
      ++pos_;
      atom.chiral_tag = ChiralTag::kTetrahedralCW;
    } else if ((peek() == 'T' && (peek(1) == 'H' || peek(1) == 'B')) || (peek() == 'A' && peek(1) == 'L') ||
               (peek() == 'S' && peek(1) == 'P') || (peek() == 'O' && peek(1) == 'H')) {
      fail("chirality classes other than '@' and '@@' (such as @TH1, @SP1) are not supported");
    } else {
      atom.chiral_tag = ChiralTag::kTetrahedralCCW;
    }
  }

  void read_charge(Atom& atom) {
    const char sign = peek();
    if (sign != '+' && sign != '-') return;
    ++pos_;
    int magnitude = 1;
    if (peek() == sign) {
      ++pos_;
      magnitude = 2;
    } else if (std::isdigit(static_cast<unsigned char>(peek()))) {
      magnitude = read_number("charge");
    }
    atom.formal_charge = sign == '+' ? magnitude : -magnitude;
  }

  // Pairs the ring-closure marks of each digit (in increasing digit order,
  // which is RDKit's order for adding these bonds) and adds the bonds.
  void close_rings() {
    for (const auto& [digit, marks] : marks_by_digit_) {
      if (marks.size() % 2 != 0) {
        pos_ = text_.size() - 1;
        fail("ring closure " + std::to_string(digit) + " is not closed");
      }
      for (size_t i = 0; i < marks.size(); i += 2) {
        RingMark& first = marks_[marks[i]];
        RingMark& second = marks_[marks[i + 1]];
        if (first.atom == second.atom) {
          throw std::runtime_error("ring closure " + std::to_string(digit) + " bonds an atom to itself");
        }
        if (mol_.bond_between(first.atom, second.atom) >= 0) {
          throw std::runtime_error("ring closure " + std::to_string(digit) +
                                   " duplicates a bond between atoms " + std::to_string(first.atom + 1) +
                                   " and " + std::to_string(second.atom + 1));
        }
        // The first mark's symbol wins if it sets an order; otherwise the
        // bond is the second mark's and runs from the closing atom.
        const bool first_wins = sets_bond_order(first.symbol);
        const RingMark& owner = first_wins ? first : second;
        const RingMark& partner = first_wins ? second : first;
        Bond bond;
        bond.begin = owner.atom;
        bond.end = partner.atom;
        set_type_from_symbol(bond, owner.symbol);
        if (bond.dir == BondDir::kNone) {
          // A direction written at the other end, seen from this bond's begin.
          bond.dir = opposite(direction_of(partner.symbol));
        }
        bond.aromatic = bond.type == BondType::kAromatic;
        const int index = mol_.add_bond(bond);
        first.bond = index;
        second.bond = index;
      }
    }
  }

  // '@' and '@@' describe the neighbours in SMILES order (the preceding atom,
  // ring closures where their digits are written, then branches); RDKit
  // stores them relative to bond order, where ring closures come last.
  void adjust_chirality_to_bond_order() {
    for (int a = 0; a < mol_.num_atoms(); ++a) {
      Atom& atom = mol_.atoms[a];
      if (atom.chiral_tag == ChiralTag::kUnspecified) continue;
      std::vector<int> closures;
      for (int mark : marks_of_atom_[a]) closures.push_back(marks_[mark].bond);
      // Non-closure neighbours sorted by atom index, with this atom placed
      // among them: the ring closures go at that place.
      std::vector<std::pair<int, int>> ordered = {{a, -1}};
      for (int b : mol_.atom_bonds(a)) {
        if (std::find(closures.begin(), closures.end(), b) == closures.end()) {
          ordered.emplace_back(mol_.bond(b).other(a), b);
        }
      }
      std::sort(ordered.begin(), ordered.end());
      std::vector<int> smiles_order;
      for (const auto& [neighbour, b] : ordered) {
        if (b < 0) {
          smiles_order.insert(smiles_order.end(), closures.begin(), closures.end());
        } else {
          smiles_order.push_back(b);
        }
      }
      int swaps = permutation_parity(mol_.atom_bonds(a), smiles_order);
      if (needs_tag_inversion(a, static_cast<int>(closures.size()))) ++swaps;
      if (swaps % 2 != 0) atom.chiral_tag = inverted(atom.chiral_tag);
    }
  }

  // RDKit's correction for three-coordinate centres: an atom starting its
  // component with one bracket hydrogen ([C@H](F)(Cl)Br: the H is then the
  // first neighbour, not the second), and an atom without hydrogen, without
  // multiple bonds and with exactly one ring closure.
  bool needs_tag_inversion(int a, int num_closures) const {
    const Atom& atom = mol_.atoms[a];
    if (mol_.degree(a) != 3) return false;
    if (starts_component_[a] && atom.explicit_hs == 1) return true;
    bool unsaturated = false;
    for (int b : mol_.atom_bonds(a)) unsaturated |= twice_bond_order(mol_.bond(b).type) > 2;
    return atom.explicit_hs != 1 && num_closures == 1 && !unsaturated;
  }
};

}  // namespace

Molecule read_smiles_syntax(const std::string& smiles) { return SmilesSyntaxReader(smiles).read(); }

}  // namespace nlammr::chem
