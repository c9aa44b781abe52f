#include "data/mimic/twosides_ddi.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <unordered_set>

#include "io/csv_reader.h"
#include "io/string_pool.h"

namespace nlammr {

namespace {

struct TwosidesRow {
  uint32_t cid1, cid2, effect;
};

}  // namespace

std::vector<std::pair<std::string, std::string>> read_twosides_pairs(const std::string& path,
                                                                     const DdiSelection& selection,
                                                                     PrepareReport& report) {
  CsvTable table(path);
  const int c1 = table.header.require("STITCH 1");
  const int c2 = table.header.require("STITCH 2");
  const int effect_id_col = table.header.require("Polypharmacy Side Effect");
  const int effect_name_col = table.header.require("Side Effect Name");

  StringPool cids;
  StringPool effects;  // "id<TAB>name"
  std::vector<std::string> effect_names;  // by effect id
  std::vector<std::string> effect_ids;
  std::vector<size_t> effect_rows;
  std::vector<TwosidesRow> rows;
  std::vector<std::string> f;
  while (table.reader.next(f)) {
    report.count("twosides.rows");
    if (f.size() != table.header.size() || f[c1].empty() || f[c2].empty() || f[effect_name_col].empty()) {
      report.count("twosides.bad_rows");
      report.example("twosides.bad_rows", path + ":" + std::to_string(table.reader.record_line()));
      continue;
    }
    const uint32_t effect = effects.id(f[effect_id_col] + "\t" + f[effect_name_col]);
    if (effect == effect_rows.size()) {
      effect_rows.push_back(0);
      effect_ids.push_back(f[effect_id_col]);
      effect_names.push_back(f[effect_name_col]);
    }
    ++effect_rows[effect];
    rows.push_back({cids.id(f[c1]), cids.id(f[c2]), effect});
  }
  report.set("twosides.side_effects", effect_rows.size());

  // Side effects ordered by (id, name), then stably by count, descending.
  std::vector<uint32_t> order(effect_rows.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::tie(effect_ids[a], effect_names[a]) < std::tie(effect_ids[b], effect_names[b]);
  });
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return effect_rows[a] > effect_rows[b]; });
  const size_t k = std::min(selection.top_k, order.size());
  const size_t first = selection.which == SideEffectSelection::kLeastFrequent ? order.size() - k : 0;
  std::set<std::string> kept_names;
  for (size_t i = first; i < first + k; ++i) {
    kept_names.insert(effect_names[order[i]]);
    report.example("twosides.kept_side_effects",
                   effect_names[order[i]] + " (" + std::to_string(effect_rows[order[i]]) + " rows)");
  }
  report.set("twosides.kept_side_effects", kept_names.size());
  std::vector<bool> effect_kept(effect_rows.size());
  for (uint32_t e = 0; e < effect_rows.size(); ++e) effect_kept[e] = kept_names.count(effect_names[e]) > 0;

  std::vector<std::pair<std::string, std::string>> pairs;
  std::unordered_set<uint64_t> seen;
  for (const TwosidesRow& row : rows) {
    if (!effect_kept[row.effect]) continue;
    report.count("twosides.rows_kept");
    const uint64_t key = (static_cast<uint64_t>(row.cid1) << 32) | row.cid2;
    if (seen.insert(key).second) pairs.emplace_back(cids.str(row.cid1), cids.str(row.cid2));
  }
  report.set("twosides.cid_pairs", pairs.size());
  return pairs;
}

DdiMatrix ddi_from_cid_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                             const std::unordered_map<std::string, std::vector<std::string>>& cid_to_atc,
                             const Vocabulary& medications, PrepareReport& report) {
  // CID -> the ATC3 classes of the vocabulary it belongs to.
  std::unordered_map<std::string, std::set<int>> classes_of;
  for (const auto& [cid, atcs] : cid_to_atc) {
    for (const auto& atc : atcs) {
      if (atc.size() < 4) continue;
      const int m = medications.find(atc.substr(0, 4));
      if (m >= 0) classes_of[cid].insert(m);
    }
  }
  DdiMatrix ddi(medications.size());
  size_t unmapped = 0;
  for (const auto& [a, b] : pairs) {
    auto ia = classes_of.find(a);
    auto ib = classes_of.find(b);
    if (ia == classes_of.end() || ib == classes_of.end()) {
      ++unmapped;
      continue;
    }
    for (int x : ia->second) {
      for (int y : ib->second) {
        if (x != y) ddi.add(x, y);
      }
    }
  }
  report.set("ddi.cid_pairs_without_class_in_vocabulary", unmapped);
  report.set("ddi.class_pairs", ddi.pairs().size());
  return ddi;
}

}  // namespace nlammr
