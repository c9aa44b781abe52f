// The report's HTML: inline CSS, SVG charts drawn by svg_chart.cpp, and one
// small inline script that checks each chart drew data marks (its verdict is
// written into the page, where a headless browser test reads it).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "tools/nlammr/run_report.h"
#include "tools/nlammr/svg_chart.h"

namespace nlammr::cli {

namespace {

const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1180px;padding:18px 24px;color:#222}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.sub{color:#555}.grid2{display:flex;flex-wrap:wrap;gap:10px}.chart-box{margin:0}
svg.chart{background:#fff;border:1px solid #e3e3e3;border-radius:4px}
svg .title{font-size:13px;font-weight:600}svg .tick,svg .legend{font-size:11px;fill:#444}svg .label{font-size:11px;fill:#333}
svg .grid{stroke:#eee}svg .axis{stroke:#888}svg .line{fill:none;stroke-width:1.6}svg .whisker{stroke:#222;stroke-width:1.2;fill:none}
svg .marker{stroke:#555;stroke-dasharray:4 3}svg .reference{stroke:#555;stroke-dasharray:6 4;stroke-width:1.3}
svg .marker-label{font-size:11px;fill:#333}svg .empty{font-size:14px;fill:#a00}
table{border-collapse:collapse;margin:.5em 0;font-size:.92em}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
pre{background:#f7f7f7;border:1px solid #e3e3e3;padding:8px;overflow-x:auto;font-size:.85em;white-space:pre-wrap}
.bar{display:inline-block;height:10px;background:#1f77b4;vertical-align:middle}.warn{color:#b00}
.note{color:#555;font-size:.9em}
)";

// Fills data-render-check on <body>: "ok" when every chart has a data mark,
// else the ids of the empty ones.
const char* kCheckScript = R"(
(function(){var empty=[];var charts=document.querySelectorAll('svg.chart');
for(var i=0;i<charts.length;i++){if(!charts[i].querySelector('.mark'))empty.push(charts[i].id);}
document.body.setAttribute('data-charts',String(charts.length));
document.body.setAttribute('data-render-check',empty.length?'empty: '+empty.join(' '):'ok');})();
)";

std::string fmt(double v, int digits = 4) { return format_number(v, digits); }
std::string esc(const std::string& s) { return html_escape(s); }

// Tables keep a fixed number of decimals, so columns line up.
std::string fixed(double v, int decimals = 4) {
  if (!std::isfinite(v)) return fmt(v);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
std::string td_num(double v, int decimals = 4) { return "<td class=\"num\">" + fixed(v, decimals) + "</td>"; }

// Trailing mean over `window` points: the trend of a noisy per-step curve.
Series running_mean(const Series& s, size_t window, const std::string& name, const std::string& color) {
  Series out(name, {}, {}, color);
  double sum = 0;
  for (size_t i = 0; i < s.y.size(); ++i) {
    sum += s.y[i];
    if (i >= window) sum -= s.y[i - window];
    if (i + 1 >= window) out.x.push_back(s.x[i]), out.y.push_back(sum / static_cast<double>(window));
  }
  return out;
}

const std::string kModelRow = "NLA-MMR (nlammr)";

std::string section_curves(const ReportData& d) {
  std::ostringstream o;
  o << "<h2 id=\"curves\">Learning curves</h2>";
  std::vector<double> epochs;
  std::map<std::string, std::vector<double>> train, val;
  for (const auto& e : d.epochs) {
    epochs.push_back(static_cast<double>(e.at("epoch").get<int64_t>()));
    for (const char* k : {"loss", "bce", "margin", "contrastive", "ddi"}) train[k].push_back(e.at("train").at(k).get<double>());
    for (const char* k : {"jaccard", "f1", "prauc", "ddi_rate", "avg_meds"}) val[k].push_back(e.at("validation").at(k).get<double>());
  }
  const std::string marker = "selected: epoch " + std::to_string(d.selected_epoch);
  o << "<div class=\"grid2\">";
  // Per step, from the TensorBoard files, when the run has them.
  std::map<std::string, Series> steps;
  for (const ScalarEvent& e : d.step_scalars) {
    if (e.tag.rfind("train/", 0) != 0) continue;
    Series& s = steps[e.tag];
    s.name = e.tag.substr(6);
    s.x.push_back(static_cast<double>(e.step));
    s.y.push_back(e.value);
  }
  for (auto& tagged : steps) {
    Series& s = tagged.second;  // a named reference: C++17 lambdas cannot capture structured bindings
    std::vector<size_t> order(s.x.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s.x[a] < s.x[b]; });
    Series sorted = s;
    for (size_t i = 0; i < order.size(); ++i) sorted.x[i] = s.x[order[i]], sorted.y[i] = s.y[order[i]];
    s = sorted;
  }
  if (steps.count("train/loss")) {
    const size_t window = std::clamp<size_t>(steps["train/loss"].y.size() / 60, 1, 100);
    const std::string mean_name = "mean of " + std::to_string(window) + " steps";
    ChartSpec spec{"chart-step-loss", "Training loss per step", "optimizer step", "loss"};
    Series raw = steps["train/loss"];
    raw.name = "each step", raw.color = "#a6c8e4";
    o << xy_chart(spec, {raw, running_mean(raw, window, mean_name, "#08306b")});
    std::vector<Series> terms;
    for (const char* k : {"train/bce", "train/margin", "train/contrastive", "train/ddi"})
      if (steps.count(k)) terms.push_back(running_mean(steps[k], window, steps[k].name, ""));
    ChartSpec tspec{"chart-step-terms", "Loss terms per step (" + mean_name + ")", "optimizer step", "term"};
    o << xy_chart(tspec, terms);
  }
  ChartSpec loss{"chart-epoch-loss", "Training loss and its terms, mean per epoch", "epoch", "loss"};
  loss.marker_x = static_cast<double>(d.selected_epoch), loss.marker_label = marker;
  std::vector<Series> ls;
  for (const char* k : {"loss", "bce", "margin", "contrastive", "ddi"}) ls.push_back({k, epochs, train[k], "", true, true});
  o << xy_chart(loss, ls);
  ChartSpec vspec{"chart-validation", "Validation metrics per epoch", "epoch", "metric"};
  vspec.marker_x = static_cast<double>(d.selected_epoch), vspec.marker_label = marker;
  std::vector<Series> vs;
  for (const char* k : {"jaccard", "f1", "prauc", "ddi_rate"}) vs.push_back({k, epochs, val[k], "", true, true});
  o << xy_chart(vspec, vs);
  ChartSpec mspec{"chart-validation-meds", "Validation #meds per epoch", "epoch", "medications per visit"};
  mspec.marker_x = static_cast<double>(d.selected_epoch), mspec.marker_label = marker;
  o << xy_chart(mspec, {{"#meds", epochs, val["avg_meds"], "", true, true}});
  o << "</div><p class=\"note\">The dashed line marks the epoch of best.safetensors (best validation Jaccard), the "
       "checkpoint every number below comes from."
    << (d.step_scalars.empty() ? " This run has no TensorBoard files, so there are no per-step curves." : "")
    << "</p>";
  return o.str();
}

std::string section_test(const ReportData& d) {
  std::ostringstream o;
  const RunEvaluation& ev = d.evaluation;
  o << "<h2 id=\"test\">Test metrics</h2><p class=\"sub\">" << ev.patients.size() << " test patients; "
    << d.bootstrap.rounds << " bootstrap rounds of " << fmt(d.bootstrap.fraction * 100, 3)
    << "% of the patients (seed " << d.bootstrap.seed << "); mean ± standard deviation over the rounds; "
    << describe_averaging(ev.evaluation) << " averaging; threshold " << fmt(ev.evaluation.threshold) << ".</p>";
  o << "<table><tr><th>method</th><th>Jaccard</th><th>F1</th><th>PRAUC</th><th>precision</th><th>recall</th>"
       "<th>DDI rate</th><th>#meds</th></tr>";
  auto cell = [](double m, double s) { return "<td class=\"num\">" + fixed(m) + " ± " + fixed(s) + "</td>"; };
  for (const EvaluationRow& r : ev.rows) {
    const MetricSummary &m = r.result.mean, &s = r.result.std;
    o << "<tr><td>" << esc(r.name) << "</td>" << cell(m.jaccard, s.jaccard) << cell(m.f1, s.f1) << cell(m.prauc, s.prauc)
      << cell(m.precision, s.precision) << cell(m.recall, s.recall) << cell(m.ddi_rate, s.ddi_rate)
      << cell(m.avg_meds, s.avg_meds) << "</tr>";
  }
  o << "<tr><td>ground truth</td><td></td><td></td><td></td><td></td><td></td>" << td_num(d.truth_ddi_rate)
    << "<td></td></tr></table>";
  std::vector<std::string> names;
  std::vector<BarGroup> groups{{"Jaccard", {}, {}}, {"F1", {}, {}}, {"PRAUC", {}, {}}};
  for (const EvaluationRow& r : ev.rows) {
    names.push_back(r.name);
    const MetricSummary &m = r.result.mean, &s = r.result.std;
    groups[0].values.push_back(m.jaccard), groups[0].errors.push_back(s.jaccard);
    groups[1].values.push_back(m.f1), groups[1].errors.push_back(s.f1);
    groups[2].values.push_back(m.prauc), groups[2].errors.push_back(s.prauc);
  }
  ChartSpec spec{"chart-test-metrics", "Test metrics, NLA-MMR beside the baselines (± bootstrap std)", "", "value"};
  spec.width = 700;
  o << "<div class=\"grid2\">" << bar_chart(spec, names, groups) << "</div>";
  return o.str();
}

std::string section_classes(const ReportData& d) {
  std::ostringstream o;
  o << "<h2 id=\"classes\">Per-class quality and calibration</h2><div class=\"grid2\">";
  Series s{"classes", {}, {}, "#1f77b4", false, true};
  for (const ClassQuality& c : d.classes) {
    const double freq = static_cast<double>(d.train_class_counts[static_cast<size_t>(c.index)]);
    if (freq <= 0) continue;
    s.x.push_back(freq);
    s.y.push_back(c.f1);
    s.point_titles.push_back(d.class_codes[c.index] + " " + d.class_names[c.index] + ": F1 " + fmt(c.f1) + ", " +
                             std::to_string(static_cast<size_t>(freq)) + " training visits, " + std::to_string(c.support) +
                             " test visits");
  }
  ChartSpec spec{"chart-class-f1", "Test F1 per medication class against its frequency", "training visits with the class (log)", "F1"};
  spec.log_x = true, spec.y_min = 0.0, spec.y_max = 1.0;
  o << xy_chart(spec, {s});
  Series rel{"NLA-MMR", {}, {}, "#d62728", true, true};
  for (const ReliabilityBin& b : d.reliability) {
    if (b.count == 0) continue;
    rel.x.push_back(b.mean_probability);
    rel.y.push_back(b.observed_rate);
    rel.point_titles.push_back("[" + fmt(b.lower, 2) + ", " + fmt(b.upper, 2) + "): " + std::to_string(b.count) +
                               " probabilities, mean " + fmt(b.mean_probability) + ", given " + fmt(b.observed_rate));
  }
  ChartSpec rspec{"chart-reliability", "Reliability diagram (10 bins)", "mean predicted probability", "share given"};
  rspec.diagonal = true, rspec.x_min = 0.0, rspec.x_max = 1.0, rspec.y_min = 0.0, rspec.y_max = 1.0;
  o << xy_chart(rspec, {rel}) << "</div>";
  o << "<p class=\"note\">Each point on the left is a class (hover for its name); F1 pools the test visits at the "
       "threshold. Right: every (visit, class) probability binned; points on the dashed diagonal are calibrated. "
       "Expected calibration error "
    << fmt(expected_calibration_error(d.reliability)) << ".</p>";
  std::vector<ClassQuality> worst = d.classes;
  worst.erase(std::remove_if(worst.begin(), worst.end(), [](const ClassQuality& c) { return c.support == 0; }), worst.end());
  std::stable_sort(worst.begin(), worst.end(), [](const ClassQuality& a, const ClassQuality& b) { return a.f1 < b.f1; });
  if (worst.size() > 8) worst.resize(8);
  o << "<table><tr><th colspan=\"6\">Classes the model gets most wrong (lowest test F1 among classes given in the "
       "test split)</th></tr><tr><th>ATC3</th><th>class</th><th>test visits</th><th>recommended</th><th>hits</th><th>F1</th></tr>";
  for (const ClassQuality& c : worst)
    o << "<tr><td>" << esc(d.class_codes[c.index]) << "</td><td>" << esc(d.class_names[c.index]) << "</td><td class=\"num\">"
      << c.support << "</td><td class=\"num\">" << c.predicted << "</td><td class=\"num\">" << c.hits << "</td>" << td_num(c.f1)
      << "</tr>";
  o << "</table>";
  return o.str();
}

std::string section_ddi(const ReportData& d) {
  std::ostringstream o;
  o << "<h2 id=\"ddi\">Drug-drug interactions</h2><div class=\"grid2\">";
  std::vector<std::string> names;
  BarGroup g{"DDI rate", {}, {}};
  for (const EvaluationRow& r : d.evaluation.rows) {
    names.push_back(r.name);
    g.values.push_back(r.result.mean.ddi_rate);
    g.errors.push_back(r.result.std.ddi_rate);
  }
  ChartSpec spec{"chart-ddi", "Predicted DDI rate against the ground truth", "", "DDI rate"};
  o << bar_chart(spec, names, {g}, {{d.truth_ddi_rate, "ground truth"}});
  o << "<div><table><tr><th colspan=\"4\">Interacting pairs the model recommends most often (test visits)</th></tr>"
       "<tr><th>pair</th><th>classes</th><th>recommended in</th><th>given together in</th></tr>";
  for (const InteractingPair& p : d.pairs)
    o << "<tr><td>" << esc(d.class_codes[p.a] + " + " + d.class_codes[p.b]) << "</td><td>"
      << esc(d.class_names[p.a] + " / " + d.class_names[p.b]) << "</td><td class=\"num\">" << p.recommended
      << "</td><td class=\"num\">" << p.given << "</td></tr>";
  if (d.pairs.empty()) o << "<tr><td colspan=\"4\">no known interacting pair is ever recommended together</td></tr>";
  o << "</table></div></div>";
  return o.str();
}

std::string section_explain(const ReportData& d) {
  std::ostringstream o;
  o << "<h2 id=\"explain\">Why this recommendation</h2>";
  if (d.patient_id.empty()) return o.str() + "<p>The test split has no patient.</p>";
  const Recommendation& rec = d.recommendation;
  const Explanation& ex = rec.explanation;
  o << "<p class=\"sub\">Test patient " << esc(d.patient_id) << ", visit " << d.patient_visits << " of "
    << d.patient_visits << " (the earlier visits' medications are its history). Equivalent: <code>nlammr recommend "
    << "--explain</code> with this patient's visits as JSON.</p>";
  o << "<table><tr><th colspan=\"2\">The visit's texts, weighted by the model's attention</th></tr>";
  for (const AttendedItem& p : ex.parts)
    o << "<tr><td class=\"num\">" << fixed(p.weight, 3) << " <span class=\"bar\" style=\"width:" << fmt(p.weight * 120, 3)
      << "px\"></span></td><td><b>" << esc(p.kind) << "</b>: " << esc(p.text.empty() ? "(empty)" : p.text) << "</td></tr>";
  o << "</table><table><tr><th colspan=\"3\">Its codes and symptoms, ranked by the same attention</th></tr>";
  for (const AttendedItem& i : ex.items)
    o << "<tr><td class=\"num\">" << fixed(i.weight, 3) << " <span class=\"bar\" style=\"width:" << fmt(i.weight * 120, 3)
      << "px\"></span></td><td>" << esc(i.kind + (i.code.empty() ? "" : " " + i.code)) << "</td><td>" << esc(i.text)
      << "</td></tr>";
  o << "</table><p>Weight of the history in the patient vector: " << fixed(ex.history_weight, 3);
  if (!rec.history_attention.empty()) {
    o << "; attention over the earlier visits (oldest first):";
    for (double w : rec.history_attention) o << " " << fixed(w, 3);
  }
  o << ".</p><table><tr><th>ATC3</th><th>class</th><th>probability</th><th>given</th><th>score</th><th>from texts</th>"
       "<th>from history</th><th>from codes</th><th>DDI warnings</th></tr>";
  for (const ClassExplanation& c : ex.classes) {
    const bool given = std::find(d.patient_truth.begin(), d.patient_truth.end(), c.code) != d.patient_truth.end();
    std::string warnings;
    for (const std::string& w : c.interacts_with) warnings += (warnings.empty() ? "interacts with " : ", ") + w;
    o << "<tr><td>" << esc(c.code) << "</td><td>" << esc(c.name) << "</td>" << td_num(c.probability, 3) << "<td>"
      << (given ? "yes" : "no") << "</td>" << td_num(c.score, 3) << td_num(c.text_share, 3) << td_num(c.history_share, 3)
      << td_num(c.codes_share, 3) << "<td class=\"warn\">" << esc(warnings) << "</td></tr>";
  }
  if (ex.classes.empty()) o << "<tr><td colspan=\"9\">no class reaches the threshold</td></tr>";
  const bool codes_mode = d.run_json.contains("model_config") &&
                          d.run_json["model_config"].value("visit_text", std::string()) == "codes";
  o << "</table><p class=\"note\">The model reads the visit's whole text and attends over its symptom, diagnosis and "
       "procedure texts: those three weights are the model's own. The ranking of single codes scores each code's "
       "title (and each symptom) with the same attention as if it were an item of its own; "
    << (codes_mode ? "this run reads visits as codes (visit_text \"codes\"), so these are the very vectors the model "
                     "averages into each part, but the weights are not ones the model used. "
                   : "the model reads each part as one joined text, never a code alone, so these are not weights the "
                     "model used. ")
    << "A class's score (logit) splits exactly into the parts of the patient vector.</p>";
  return o.str();
}

std::string section_run(const ReportData& d) {
  std::ostringstream o;
  o << "<h2 id=\"cohort\">Cohort</h2><table>";
  for (const auto& [k, v] : d.cohort_stats.items())
    o << "<tr><th>" << esc(k) << "</th><td class=\"num\">" << (v.is_number_float() ? fmt(v.get<double>(), 3) : esc(v.is_string() ? v.get<std::string>() : v.dump())) << "</td></tr>";
  o << "</table>";
  const nlohmann::json& r = d.run_json;
  o << "<h2 id=\"provenance\">How this run was made</h2><table>";
  o << "<tr><th>command</th><td><code>" << esc(r.value("command", std::string("(not recorded: the run predates it)")))
    << "</code></td></tr>";
  o << "<tr><th>commit</th><td><code>" << esc(r.value("commit", std::string("(not recorded)"))) << "</code></td></tr>";
  o << "<tr><th>working directory</th><td><code>" << esc(r.value("working_dir", std::string("(not recorded)")))
    << "</code></td></tr>";
  o << "<tr><th>seed</th><td>" << (r.contains("train_config") && r["train_config"].contains("seed") ? r["train_config"]["seed"].dump() : "?")
    << "</td></tr><tr><th>data</th><td><code>" << esc(r.value("data_dir", std::string())) << "</code></td></tr>";
  o << "<tr><th>selected checkpoint</th><td>best.safetensors, epoch " << d.selected_epoch << " of " << d.epochs.size()
    << " run</td></tr></table>";
  o << "<p>Configuration (run.json):</p><pre>" << esc(r.dump(2)) << "</pre>";
  return o.str();
}

}  // namespace

std::string render_report(const ReportData& d) {
  std::ostringstream o;
  o << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>nlammr report: " << esc(d.run_dir)
    << "</title><style>" << kStyle << "</style></head><body>";
  const MetricSummary* model = nullptr;
  for (const EvaluationRow& r : d.evaluation.rows)
    if (r.name == kModelRow) model = &r.result.mean;
  o << "<h1>NLA-MMR run report</h1><p class=\"sub\">" << esc(d.run_dir) << " — " << d.epochs.size()
    << " epochs, selected epoch " << d.selected_epoch;
  if (model) o << "; test Jaccard " << fmt(model->jaccard) << ", DDI rate " << fmt(model->ddi_rate);
  o << "</p><p class=\"note\">Sections: <a href=\"#curves\">learning curves</a> · <a href=\"#test\">test metrics</a> · "
       "<a href=\"#classes\">per class</a> · <a href=\"#ddi\">interactions</a> · <a href=\"#explain\">why this "
       "recommendation</a> · <a href=\"#cohort\">cohort</a> · <a href=\"#provenance\">how it was made</a></p>";
  o << section_curves(d) << section_test(d) << section_classes(d) << section_ddi(d) << section_explain(d) << section_run(d);
  o << "<script>" << kCheckScript << "</script></body></html>\n";
  return o.str();
}

}  // namespace nlammr::cli
