// Drug-drug interactions from TWOSIDES (drug-DDI.csv: columns "STITCH 1",
// "STITCH 2", "Polypharmacy Side Effect", "Side Effect Name"; drugs are
// PubChem CIDs), selected and mapped to ATC3 classes as the SafeDrug
// preprocessing does:
//
//  1. count the rows of each side effect (id, name);
//  2. sort the side effects by count, descending, and keep K of them. The
//     reference's code says "top-k" but takes the LAST K rows of that order,
//     i.e. the K LEAST frequent side effects; that is the default here. Ties
//     are broken by (id, name), the order pandas' groupby gives before the
//     sort;
//  3. keep the rows whose side-effect NAME is among the kept ones, and their
//     distinct (CID 1, CID 2) pairs;
//  4. map each CID to the ATC3 classes (first four characters of its ATC
//     codes in drug-atc.csv) that are in the medication vocabulary; every
//     class of CID 1 interacts with every different class of CID 2.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "data/cohort/cohort.h"
#include "data/mimic/prepare_report.h"

namespace nlammr {

enum class SideEffectSelection { kLeastFrequent, kMostFrequent };

struct DdiSelection {
  size_t top_k = 40;
  SideEffectSelection which = SideEffectSelection::kLeastFrequent;
};

// Distinct interacting CID pairs after side-effect selection (steps 1-3).
std::vector<std::pair<std::string, std::string>> read_twosides_pairs(const std::string& path,
                                                                     const DdiSelection& selection,
                                                                     PrepareReport& report);

// Step 4: the ATC3 interaction matrix over the medication vocabulary.
DdiMatrix ddi_from_cid_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                             const std::unordered_map<std::string, std::vector<std::string>>& cid_to_atc,
                             const Vocabulary& medications, PrepareReport& report);

}  // namespace nlammr
