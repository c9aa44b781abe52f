// The run report and the explained recommendation, end to end on a tiny
// cohort with the tiny BERT checkpoint: recommend --explain (text and JSON),
// report (its sections and charts, its errors on a bad run folder), and the
// page rendered by headless Chromium where it is installed.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "data/cohort/cohort.h"
#include "io/tensorboard_events.h"
#include "tests/cli/cli_support.h"
#include "tests/nlammr/nlammr_test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::run_nlammr;
using nlammr::testing::ScratchDir;

namespace {

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Each <svg class="chart" ...>...</svg> of the page with the number of data
// marks inside it.
std::vector<std::pair<std::string, size_t>> charts_with_marks(const std::string& html) {
  std::vector<std::pair<std::string, size_t>> out;
  for (size_t at = html.find("<svg class=\"chart\""); at != std::string::npos; at = html.find("<svg class=\"chart\"", at + 1)) {
    const size_t end = html.find("</svg>", at);
    const size_t id = html.find("id=\"", at) + 4;
    const std::string body = html.substr(at, end - at);
    out.emplace_back(html.substr(id, html.find('"', id) - id), count_of(body, "class=\"mark"));
  }
  return out;
}

// A trained tiny run, made once for the test cases of this file.
struct TinyRun {
  ScratchDir tmp{"cli_report"};
  std::string data = tmp.path() + "/cohort", run = tmp.path() + "/run", cache = tmp.path() + "/cache";
  int status = -1;
  std::string output;
  TinyRun() {
    write_cohort(nlammr::testing::tiny_training_cohort(), data);
    auto train = run_nlammr("train --data " + data + " --out " + run + " --model " + testing::fixture_path("bert/tiny") +
                                " --cache " + cache + " --epochs 2 --batch-size 4 --latent-dim 16 --gnn-dim 8 --gnn-layers 2 --threads 1",
                            tmp);
    status = train.status, output = train.output;
  }
};

TinyRun& tiny_run() {
  static TinyRun run;
  return run;
}

}  // namespace

TEST_CASE("train records the command and commit, and writes TensorBoard files") {
  TinyRun& t = tiny_run();
  INFO(t.output);
  REQUIRE(t.status == 0);
  const nlohmann::json info = nlohmann::json::parse(read_file(t.run + "/run.json"));
  CHECK(info.at("command").get<std::string>().find("train --data") != std::string::npos);
  CHECK_FALSE(info.at("commit").get<std::string>().empty());
  const auto files = tensorboard_event_files(t.run + "/tensorboard");
  REQUIRE(files.size() == 1);
  size_t validation = 0;
  for (const ScalarEvent& e : read_scalar_events(files[0])) validation += e.tag == "validation/jaccard";
  CHECK(validation == 2);
}

TEST_CASE("recommend --explain gives attention-ranked inputs and score shares") {
  TinyRun& t = tiny_run();
  REQUIRE(t.status == 0);
  auto rec = run_nlammr("recommend --run " + t.run + " --cache " + t.cache +
                            " --diagnoses 4019,4280 --text \"short of breath\" --history-meds " +
                            read_cohort(t.data).medications.code(0) + " --threshold 0.2 --explain --json",
                        t.tmp);
  INFO(rec.output);
  REQUIRE(rec.status == 0);
  const nlohmann::json j = nlohmann::json::parse(rec.output.substr(rec.output.find('{')));
  const nlohmann::json& ex = j.at("explanation");
  REQUIRE(ex.at("text_attention").size() == 3);
  double sum = 0;
  for (const auto& p : ex["text_attention"]) sum += p.at("weight").get<double>();
  CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
  // The two diagnoses and the symptom text, most attended first, weights summing to 1.
  const nlohmann::json& inputs = ex.at("ranked_inputs");
  REQUIRE(inputs.size() == 3);
  sum = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    sum += inputs[i].at("weight").get<double>();
    if (i) CHECK(inputs[i]["weight"].get<double>() <= inputs[i - 1]["weight"].get<double>());
  }
  CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
  size_t diagnoses = 0;
  for (const auto& i : inputs) diagnoses += i.at("kind") == "diagnosis";
  CHECK(diagnoses == 2);
  const double history = ex.at("history_weight").get<double>();
  CHECK(history > 0.0);
  CHECK(history < 1.0);
  // Each recommended class: its probability is the sigmoid of the sum of its shares.
  REQUIRE(ex.at("classes").size() == j.at("recommended").size());
  for (const auto& c : ex["classes"]) {
    const double score = c.at("score_from_texts").get<double>() + c.at("score_from_history").get<double>() +
                         c.at("score_from_codes").get<double>();
    CHECK(c.at("score").get<double>() == doctest::Approx(score));
    CHECK(1.0 / (1.0 + std::exp(-score)) == doctest::Approx(c.at("probability").get<double>()).epsilon(1e-4));
  }

  auto text = run_nlammr("recommend --run " + t.run + " --cache " + t.cache + " --diagnoses 4019 --explain", t.tmp);
  INFO(text.output);
  REQUIRE(text.status == 0);
  CHECK(text.output.find("why: the visit's texts") != std::string::npos);
  CHECK(text.output.find("ranked by the same attention") != std::string::npos);
}

TEST_CASE("report writes one offline page with every section and chart filled") {
  TinyRun& t = tiny_run();
  REQUIRE(t.status == 0);
  const std::string page = t.tmp.path() + "/report.html";
  auto rep = run_nlammr("report --run " + t.run + " --cache " + t.cache + " --bootstrap 3 --out " + page, t.tmp);
  INFO(rep.output);
  REQUIRE(rep.status == 0);
  const std::string html = read_file(page);
  for (const char* id : {"id=\"curves\"", "id=\"test\"", "id=\"classes\"", "id=\"ddi\"", "id=\"explain\"", "id=\"cohort\"",
                         "id=\"provenance\""})
    CHECK(html.find(id) != std::string::npos);
  // Offline: nothing is fetched from anywhere.
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<script src") == std::string::npos);
  const auto charts = charts_with_marks(html);
  CHECK(charts.size() >= 8);
  for (const auto& chart : charts) {
    const auto& id = chart.first;  // INFO captures it: not a structured binding (C++17)
    const auto& marks = chart.second;
    INFO(id);
    CHECK(marks > 0);
  }
  CHECK(html.find("previous visit") != std::string::npos);
  CHECK(html.find("code frequency") != std::string::npos);
  CHECK(html.find("ground truth") != std::string::npos);
  CHECK(html.find("train --data") != std::string::npos);  // the command

  SUBCASE("rendered by headless Chromium") {
    if (std::system("command -v chromium > /dev/null 2>&1") != 0) {
      MESSAGE("SKIPPED: chromium is not installed (scripts/setup.sh --test-tools installs it)");
      return;
    }
    const std::string flags = "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir=" +
                              t.tmp.path() + "/chromium --enable-logging=stderr --v=0 ";
    const std::string dom = t.tmp.path() + "/dom.html", log = t.tmp.path() + "/chromium.log";
    REQUIRE(std::system((flags + "--dump-dom file://" + page + " > " + dom + " 2> " + log).c_str()) == 0);
    const std::string rendered = read_file(dom), messages = read_file(log);
    INFO(messages);
    CHECK(messages.find("Uncaught") == std::string::npos);
    CHECK(messages.find(":CONSOLE") == std::string::npos);
    // The page's own check ran to the end and found data in every chart.
    CHECK(rendered.find("data-render-check=\"ok\"") != std::string::npos);
    CHECK(rendered.find("data-charts=\"" + std::to_string(charts.size()) + "\"") != std::string::npos);
    for (const auto& chart : charts_with_marks(rendered)) {
      const auto& id = chart.first;
      const auto& marks = chart.second;
      INFO(id);
      CHECK(marks > 0);
    }
    const std::string png = t.tmp.path() + "/report.png";
    REQUIRE(std::system((flags + "--window-size=1200,3000 --screenshot=" + png + " file://" + page + " > " + log +
                         " 2>&1").c_str()) == 0);
    const std::string image = read_file(png);
    REQUIRE(image.size() > 10000);
    CHECK(image.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  }
}

TEST_CASE("report names the problem with a missing or malformed run folder") {
  TinyRun& t = tiny_run();
  REQUIRE(t.status == 0);
  auto missing = run_nlammr("report --run " + t.tmp.path() + "/nowhere", t.tmp);
  CHECK(missing.status != 0);
  CHECK(missing.output.find("nowhere: not a run folder") != std::string::npos);

  // A copy of the run whose metrics.jsonl is damaged.
  const std::string broken = t.tmp.path() + "/broken";
  std::filesystem::copy(t.run, broken, std::filesystem::copy_options::recursive);
  {
    std::ofstream out(broken + "/metrics.jsonl", std::ios::app);
    out << "{\"epoch\": 3, \"train\": {}}\n";
  }
  auto bad = run_nlammr("report --run " + broken + " --cache " + t.cache, t.tmp);
  INFO(bad.output);
  CHECK(bad.status != 0);
  CHECK(bad.output.find("metrics.jsonl:3: not a metrics line") != std::string::npos);

  std::filesystem::remove(broken + "/run.json");
  auto no_info = run_nlammr("report --run " + broken, t.tmp);
  CHECK(no_info.status != 0);
  CHECK(no_info.output.find("run.json") != std::string::npos);

  auto no_patient = run_nlammr("report --run " + t.run + " --cache " + t.cache + " --bootstrap 2 --patient nobody --out " +
                                   t.tmp.path() + "/x.html",
                               t.tmp);
  CHECK(no_patient.status != 0);
  CHECK(no_patient.output.find("--patient nobody: no test patient") != std::string::npos);
}
