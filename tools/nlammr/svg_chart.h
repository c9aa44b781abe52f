// Small SVG charts for the run report: a page that opens offline needs no
// chart library, and the few chart kinds it shows are drawn here. Every data
// mark (a line, a point, a bar) carries class="mark", so a browser test can
// check that each chart has data.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nlammr::cli {

struct Series {
  Series() = default;
  Series(std::string name_, std::vector<double> x_, std::vector<double> y_, std::string color_ = "", bool line_ = true,
         bool points_ = false)
      : name(std::move(name_)), x(std::move(x_)), y(std::move(y_)), color(std::move(color_)), line(line_), points(points_) {}
  std::string name;
  std::vector<double> x, y;
  std::string color;       // "" picks from the palette
  bool line = true;        // join the points
  bool points = false;     // draw each point
  bool dashed = false;
  std::vector<std::string> point_titles;  // hover text per point (optional)
};

struct ChartSpec {
  ChartSpec(std::string id_, std::string title_, std::string x_label_, std::string y_label_)
      : id(std::move(id_)), title(std::move(title_)), x_label(std::move(x_label_)), y_label(std::move(y_label_)) {}
  std::string id, title, x_label, y_label;
  int width = 560, height = 300;
  bool log_x = false;
  std::optional<double> marker_x;  // a vertical line (the selected epoch)
  std::string marker_label;
  bool diagonal = false;           // y = x (reliability diagrams)
  std::optional<double> y_min, y_max, x_min, x_max;
};

// Lines and/or points of several series on shared axes, with a legend.
std::string xy_chart(const ChartSpec& spec, const std::vector<Series>& series);

struct BarGroup {
  std::string label;
  std::vector<double> values, errors;  // one per series; errors may be empty
};
struct ReferenceLine {
  double value;
  std::string label;
};

// Grouped bars with optional ± error whiskers, and optional horizontal
// reference lines (the ground-truth DDI rate).
std::string bar_chart(const ChartSpec& spec, const std::vector<std::string>& series_names,
                      const std::vector<BarGroup>& groups, const std::vector<ReferenceLine>& references = {});

std::string html_escape(const std::string& text);
// Compact number for labels: 0.4321, 1.2e-05, 1532.
std::string format_number(double value, int digits = 4);

}  // namespace nlammr::cli
