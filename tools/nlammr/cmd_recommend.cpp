// nlammr recommend: ranked medication classes for one patient.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/autograd.h"
#include "io/input_file.h"
#include "models/nlammr/inference/recommender.h"
#include "models/nlammr/inputs/visit_texts.h"
#include "tools/nlammr/commands.h"
#include "tools/nlammr/option_checks.h"
#include "tools/nlammr/run_support.h"

namespace nlammr::cli {

namespace {

struct RecommendArgs {
  std::string run_dir, checkpoint = "best", input;
  std::string diagnoses, procedures, text;
  std::vector<std::string> symptoms, history_meds;
  double threshold = 0.5;
  int top = 20;
  bool json = false, explain = false;
  EncoderArgs encoder;
};

std::vector<std::string> split_codes(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string code; std::getline(in, code, ',');) {
    code.erase(0, code.find_first_not_of(" \t"));
    code.erase(code.find_last_not_of(" \t") + 1);
    if (!code.empty()) out.push_back(code);
  }
  return out;
}

PatientQuery query_from(const RecommendArgs& a) {
  const bool has_flags = !a.diagnoses.empty() || !a.procedures.empty() || !a.text.empty() || !a.symptoms.empty();
  if (!a.input.empty() || !has_flags) {
    std::string source = a.input.empty() || a.input == "-" ? "<stdin>" : a.input;
    if (source == "<stdin>" && ::isatty(STDIN_FILENO))
      throw std::runtime_error("no patient given: pass --diagnoses/--procedures/--text, or a JSON file with --input "
                               "(or on standard input)");
    std::stringstream buffer;
    if (source == "<stdin>") {
      buffer << std::cin.rdbuf();
    } else {
      buffer << read_input_file(source);
    }
    return parse_patient_query_text(buffer.str(), source);
  }
  PatientQuery q;
  for (const std::string& meds : a.history_meds) {
    QueryVisit past;
    past.medications = split_codes(meds);
    q.visits.push_back(past);
  }
  QueryVisit current;
  current.diagnoses = split_codes(a.diagnoses);
  current.procedures = split_codes(a.procedures);
  current.symptoms = a.symptoms;
  if (!a.text.empty()) current.symptoms.push_back(a.text);
  q.visits.push_back(current);
  return q;
}

void print_recommendation(const Recommendation& rec, int top, double threshold) {
  for (const std::string& u : rec.unknown_codes) std::printf("warning: unknown %s (not in the cohort's dictionaries; ignored)\n", u.c_str());
  std::printf("visit text: %s\n\n", rec.current_text.empty() ? "(empty)" : rec.current_text.c_str());
  std::printf("%-4s %-6s %-11s %s\n", "rank", "ATC3", "probability", "class");
  for (int i = 0; i < std::min<int>(top, static_cast<int>(rec.ranked.size())); ++i) {
    const RecommendedClass& c = rec.ranked[i];
    std::printf("%-4d %-6s %-11.4f %s%s\n", i + 1, c.code.c_str(), c.probability, c.name.c_str(),
                c.recommended ? "" : "   (below threshold)");
  }
  std::printf("\nrecommended (probability >= %.2f):", threshold);
  int n = 0;
  for (const RecommendedClass& c : rec.ranked)
    if (c.recommended) std::printf(" %s", c.code.c_str()), ++n;
  std::printf("%s  [%d classes]\n", n ? "" : " none", n);
  if (rec.interactions.empty()) {
    std::printf("no known interactions among the recommended classes\n");
  } else {
    for (const auto& [a, b] : rec.interactions) std::printf("DDI warning: %s and %s are known to interact\n", a.c_str(), b.c_str());
  }
  if (!rec.history_attention.empty()) {
    std::printf("history attention over earlier visits (oldest first):");
    for (double w : rec.history_attention) std::printf(" %.3f", w);
    std::printf("\n");
  }
}

void print_explanation(const Explanation& ex) {
  std::printf("\nwhy: the visit's texts, weighted by the model's attention\n");
  for (const AttendedItem& part : ex.parts)
    std::printf("  %.3f  %-10s %s\n", part.weight, part.kind.c_str(), part.text.empty() ? "(empty)" : part.text.c_str());
  if (!ex.items.empty()) {
    std::printf("the visit's codes and symptoms, ranked by the same attention\n");
    for (const AttendedItem& item : ex.items)
      std::printf("  %.3f  %-9s %-8s %s\n", item.weight, item.kind.c_str(), item.code.c_str(), item.text.c_str());
  }
  std::printf("weight of the history in the patient vector: %.3f\n", ex.history_weight);
  if (ex.classes.empty()) return;
  std::printf("recommended classes: score = from texts + from history + from codes\n");
  for (const ClassExplanation& c : ex.classes) {
    std::printf("  %-6s p=%.3f  %+.3f = %+.3f %+.3f %+.3f  %s\n", c.code.c_str(), c.probability, c.score, c.text_share,
                c.history_share, c.codes_share, c.name.c_str());
    for (const std::string& other : c.interacts_with)
      std::printf("         DDI warning: interacts with %s, also recommended\n", other.c_str());
  }
}

void run_recommend(const RecommendArgs& a) {
  const PatientQuery query = query_from(a);
  LoadedRun run = load_run(a.run_dir, a.checkpoint, a.encoder);
  Tensor class_text;
  {
    NoGradGuard no_grad;
    class_text = run.data().text->classes();
  }
  Recommendation rec =
      recommend(*run.model, run.data().cohort, run.data().molecules, class_text, run.encode, query, a.threshold,
                a.explain);
  if (a.json) {
    std::printf("%s\n", rec.to_json().dump(2).c_str());
  } else {
    print_recommendation(rec, a.top, a.threshold);
    if (rec.explained) print_explanation(rec.explanation);
  }
}

}  // namespace

void add_recommend_command(CLI::App& app) {
  auto a = std::make_shared<RecommendArgs>();
  auto* cmd = app.add_subcommand("recommend", "Recommend medication classes for one patient");
  cmd->footer(
      "Examples:\n"
      "  nlammr recommend --run runs/mimic3 --diagnoses 4280,5849,4019 --procedures 3893\n"
      "  nlammr recommend --run runs/mimic3 --diagnoses 4280,5849 --explain\n"
      "  nlammr recommend --run runs/syn --diagnoses 486 --text \"productive cough, hypoxic on room air\" \\\n"
      "                   --history-meds C09A,C10A\n"
      "  echo '{\"visits\": [{\"medications\": [\"C07A\"]}, {\"diagnoses\": [\"42731\"]}]}' | \\\n"
      "      nlammr recommend --run runs/mimic3 --json\n"
      "\nThe JSON form lists visits in time order; the last is the visit to recommend for. Codes the\n"
      "cohort does not know are reported and ignored.");
  cmd->add_option("--run", a->run_dir, "Run directory made by nlammr train")->required();
  cmd->add_option("--checkpoint", a->checkpoint, "best or last")->capture_default_str();
  cmd->add_option("--diagnoses", a->diagnoses, "Comma-separated diagnosis codes of the current visit");
  cmd->add_option("--procedures", a->procedures, "Comma-separated procedure codes of the current visit");
  cmd->add_option("--symptom", a->symptoms, "A symptom text (repeatable)");
  cmd->add_option("--text", a->text, "Free text about the current visit");
  cmd->add_option("--history-meds", a->history_meds,
                  "Medication classes of an earlier visit, comma-separated (repeatable, oldest first)");
  cmd->add_option("--input", a->input, "Patient as JSON (a file, or - for standard input)");
  cmd->add_option("--threshold", a->threshold, "Probability at which a class is recommended")->capture_default_str()->check(within(0, 1));
  cmd->add_option("--top", a->top, "Classes to list")->capture_default_str()->check(within(1, 100000));
  cmd->add_flag("--json", a->json, "Print the result as JSON");
  cmd->add_flag("--explain", a->explain,
                "Say why: attention over the visit's texts and codes, each recommended class's score split into "
                "texts, history and codes, and its DDI warnings");
  cmd->add_option("--cache", a->encoder.cache_dir, "Embedding cache folder");
  cmd->callback([a] { run_recommend(*a); });
}

}  // namespace nlammr::cli
