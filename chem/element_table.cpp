#include "chem/element_table.h"

#include <stdexcept>
#include <string>

namespace nlammr::chem {
namespace {

// One row per atomic number 0..118 (0 is the "*" wildcard): symbol, number of
// outer-shell electrons, mass number of the most common isotope, and the
// valence states allowed by RDKit's valence model (-1: "any", used for metals
// and for the open upper end of some alkali and alkaline-earth lists). The
// numbers are those of RDKit's periodic table, which is the model the OGB
// features were computed with.
const ElementData kElements[] = {
    {"*", 0, 0, {-1}},  // 0
    {"H", 1, 1, {1}},  // 1
    {"He", 2, 4, {0}},  // 2
    {"Li", 1, 7, {1, -1}},  // 3
    {"Be", 2, 9, {2}},  // 4
    {"B", 3, 11, {3}},  // 5
    {"C", 4, 12, {4}},  // 6
    {"N", 5, 14, {3}},  // 7
    {"O", 6, 16, {2}},  // 8
    {"F", 7, 19, {1}},  // 9
    {"Ne", 8, 20, {0}},  // 10
    {"Na", 1, 23, {1, -1}},  // 11
    {"Mg", 2, 24, {2, -1}},  // 12
    {"Al", 3, 27, {3}},  // 13
    {"Si", 4, 28, {4}},  // 14
    {"P", 5, 31, {3, 5}},  // 15
    {"S", 6, 32, {2, 4, 6}},  // 16
    {"Cl", 7, 35, {1}},  // 17
    {"Ar", 8, 40, {0}},  // 18
    {"K", 1, 39, {1, -1}},  // 19
    {"Ca", 2, 40, {2, -1}},  // 20
    {"Sc", 3, 45, {-1}},  // 21
    {"Ti", 4, 48, {-1}},  // 22
    {"V", 5, 51, {-1}},  // 23
    {"Cr", 6, 52, {-1}},  // 24
    {"Mn", 7, 55, {-1}},  // 25
    {"Fe", 8, 56, {-1}},  // 26
    {"Co", 9, 59, {-1}},  // 27
    {"Ni", 10, 58, {-1}},  // 28
    {"Cu", 11, 63, {-1}},  // 29
    {"Zn", 2, 64, {-1}},  // 30
    {"Ga", 3, 69, {3}},  // 31
    {"Ge", 4, 74, {4}},  // 32
    {"As", 5, 75, {3, 5}},  // 33
    {"Se", 6, 80, {2, 4, 6}},  // 34
    {"Br", 7, 79, {1}},  // 35
    {"Kr", 8, 84, {0}},  // 36
    {"Rb", 1, 85, {1, -1}},  // 37
    {"Sr", 2, 88, {2, -1}},  // 38
    {"Y", 3, 89, {-1}},  // 39
    {"Zr", 4, 90, {-1}},  // 40
    {"Nb", 5, 93, {-1}},  // 41
    {"Mo", 6, 98, {-1}},  // 42
    {"Tc", 7, 97, {-1}},  // 43
    {"Ru", 8, 102, {-1}},  // 44
    {"Rh", 9, 103, {-1}},  // 45
    {"Pd", 10, 106, {-1}},  // 46
    {"Ag", 11, 107, {-1}},  // 47
    {"Cd", 2, 114, {-1}},  // 48
    {"In", 3, 115, {3}},  // 49
    {"Sn", 4, 120, {2, 4}},  // 50
    {"Sb", 5, 121, {3, 5}},  // 51
    {"Te", 6, 130, {2, 4, 6}},  // 52
    {"I", 7, 127, {1, 3, 5}},  // 53
    {"Xe", 8, 132, {0, 2, 4, 6}},  // 54
    {"Cs", 1, 133, {1}},  // 55
    {"Ba", 2, 138, {2, -1}},  // 56
    {"La", 3, 139, {-1}},  // 57
    {"Ce", 4, 140, {-1}},  // 58
    {"Pr", 3, 141, {-1}},  // 59
    {"Nd", 4, 142, {-1}},  // 60
    {"Pm", 5, 145, {-1}},  // 61
    {"Sm", 6, 152, {-1}},  // 62
    {"Eu", 7, 153, {-1}},  // 63
    {"Gd", 8, 158, {-1}},  // 64
    {"Tb", 9, 159, {-1}},  // 65
    {"Dy", 10, 164, {-1}},  // 66
    {"Ho", 11, 165, {-1}},  // 67
    {"Er", 12, 166, {-1}},  // 68
    {"Tm", 13, 169, {-1}},  // 69
    {"Yb", 14, 174, {-1}},  // 70
    {"Lu", 15, 175, {-1}},  // 71
    {"Hf", 4, 180, {-1}},  // 72
    {"Ta", 5, 181, {-1}},  // 73
    {"W", 6, 184, {-1}},  // 74
    {"Re", 7, 187, {-1}},  // 75
    {"Os", 8, 192, {-1}},  // 76
    {"Ir", 9, 193, {-1}},  // 77
    {"Pt", 10, 195, {-1}},  // 78
    {"Au", 11, 197, {-1}},  // 79
    {"Hg", 2, 202, {-1}},  // 80
    {"Tl", 3, 205, {-1}},  // 81
    {"Pb", 4, 208, {2, 4}},  // 82
    {"Bi", 5, 209, {3, 5}},  // 83
    {"Po", 6, 209, {2, 4, 6}},  // 84
    {"At", 7, 210, {1, 3, 5}},  // 85
    {"Rn", 8, 222, {0}},  // 86
    {"Fr", 1, 223, {1}},  // 87
    {"Ra", 2, 226, {2, -1}},  // 88
    {"Ac", 3, 227, {-1}},  // 89
    {"Th", 4, 232, {-1}},  // 90
    {"Pa", 3, 231, {-1}},  // 91
    {"U", 4, 238, {-1}},  // 92
    {"Np", 5, 236, {-1}},  // 93
    {"Pu", 6, 238, {-1}},  // 94
    {"Am", 7, 241, {-1}},  // 95
    {"Cm", 8, 243, {-1}},  // 96
    {"Bk", 9, 247, {-1}},  // 97
    {"Cf", 10, 249, {-1}},  // 98
    {"Es", 11, 252, {-1}},  // 99
    {"Fm", 12, 257, {-1}},  // 100
    {"Md", 13, 258, {-1}},  // 101
    {"No", 14, 259, {-1}},  // 102
    {"Lr", 15, 262, {-1}},  // 103
    {"Rf", 2, 267, {-1}},  // 104
    {"Db", 2, 268, {-1}},  // 105
    {"Sg", 2, 271, {-1}},  // 106
    {"Bh", 2, 270, {-1}},  // 107
    {"Hs", 2, 269, {-1}},  // 108
    {"Mt", 2, 278, {-1}},  // 109
    {"Ds", 2, 281, {-1}},  // 110
    {"Rg", 2, 281, {-1}},  // 111
    {"Cn", 2, 285, {-1}},  // 112
    {"Nh", 2, 284, {-1}},  // 113
    {"Fl", 2, 289, {-1}},  // 114
    {"Mc", 2, 288, {-1}},  // 115
    {"Lv", 2, 293, {-1}},  // 116
    {"Ts", 2, 292, {-1}},  // 117
    {"Og", 2, 294, {-1}},  // 118
};

constexpr int kNumElements = sizeof(kElements) / sizeof(kElements[0]);
static_assert(kNumElements == kMaxAtomicNumber + 1, "one row per atomic number");

}  // namespace

const ElementData& element_data(int atomic_num) {
  if (atomic_num < 0 || atomic_num > kMaxAtomicNumber) {
    throw std::runtime_error("atomic number " + std::to_string(atomic_num) + " is out of range");
  }
  return kElements[atomic_num];
}

int atomic_number_of(const std::string& symbol) {
  for (int z = 1; z <= kMaxAtomicNumber; ++z) {
    if (symbol == kElements[z].symbol) return z;
  }
  return -1;
}

bool more_electronegative(int atomic_num_a, int atomic_num_b) {
  // RDKit ranks electronegativity by outer-shell electrons, then by the
  // smaller atomic number (the element higher up in its group).
  const int outer_a = element_data(atomic_num_a).outer_electrons;
  const int outer_b = element_data(atomic_num_b).outer_electrons;
  if (outer_a != outer_b) return outer_a > outer_b;
  return atomic_num_a < atomic_num_b;
}

bool is_early_element(int atomic_num) {
  static const int kEarly[] = {3,  4,  5,  11, 12, 13, 19, 20, 21, 22, 30, 31, 32, 37, 38, 39, 40, 41, 48,
                               49, 50, 51, 55, 56, 57, 58, 59, 60, 61, 72, 73, 80, 81, 82, 83, 87, 88, 89,
                               90, 91, 92, 93};
  if (atomic_num >= 104 && atomic_num <= kMaxAtomicNumber) return true;
  for (int z : kEarly) {
    if (z == atomic_num) return true;
  }
  return false;
}

}  // namespace nlammr::chem
