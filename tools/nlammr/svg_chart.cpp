#include "tools/nlammr/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace nlammr::cli {

namespace {

const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

std::string color_of(const std::string& chosen, size_t index) {
  return chosen.empty() ? kPalette[index % (sizeof kPalette / sizeof *kPalette)] : chosen;
}

// Round numbers for axis ticks: about `count` of them covering [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

struct Frame {
  double left = 62, right = 16, top = 34, bottom = 46;
  double width, height;
  double x0, x1, y0, y1;
  bool log_x;
  double px(double x) const {
    const double a = log_x ? std::log10(x0) : x0, b = log_x ? std::log10(x1) : x1;
    const double v = log_x ? std::log10(x) : x;
    return left + (b > a ? (v - a) / (b - a) : 0.5) * (width - left - right);
  }
  double py(double y) const { return height - bottom - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5) * (height - top - bottom); }
};

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

void open_svg(std::ostringstream& o, const ChartSpec& spec) {
  o << "<figure class=\"chart-box\"><svg class=\"chart\" id=\"" << html_escape(spec.id) << "\" viewBox=\"0 0 "
    << spec.width << " " << spec.height << "\" width=\"" << spec.width << "\" height=\"" << spec.height
    << "\" role=\"img\" aria-label=\"" << html_escape(spec.title) << "\">";
  o << "<text class=\"title\" x=\"" << spec.width / 2 << "\" y=\"18\" text-anchor=\"middle\">" << html_escape(spec.title)
    << "</text>";
}

void axes(std::ostringstream& o, const Frame& f, const ChartSpec& spec, bool numeric_x) {
  const double xa = f.left, xb = f.width - f.right, ya = f.top, yb = f.height - f.bottom;
  for (double t : nice_ticks(f.y0, f.y1, 5)) {
    o << "<line class=\"grid\" x1=\"" << num(xa) << "\" x2=\"" << num(xb) << "\" y1=\"" << num(f.py(t)) << "\" y2=\""
      << num(f.py(t)) << "\"/>";
    o << "<text class=\"tick\" x=\"" << num(xa - 6) << "\" y=\"" << num(f.py(t) + 4) << "\" text-anchor=\"end\">"
      << format_number(t, 3) << "</text>";
  }
  if (numeric_x) {
    std::vector<double> ticks;
    if (f.log_x) {
      for (double t = std::pow(10.0, std::floor(std::log10(f.x0))); t <= f.x1 * 1.0001; t *= 10)
        if (t >= f.x0 * 0.9999) ticks.push_back(t);
    } else {
      ticks = nice_ticks(f.x0, f.x1, 6);
    }
    for (double t : ticks)
      o << "<text class=\"tick\" x=\"" << num(f.px(t)) << "\" y=\"" << num(yb + 16) << "\" text-anchor=\"middle\">"
        << format_number(t, 3) << "</text>";
  }
  o << "<line class=\"axis\" x1=\"" << num(xa) << "\" x2=\"" << num(xb) << "\" y1=\"" << num(yb) << "\" y2=\"" << num(yb)
    << "\"/><line class=\"axis\" x1=\"" << num(xa) << "\" x2=\"" << num(xa) << "\" y1=\"" << num(ya) << "\" y2=\""
    << num(yb) << "\"/>";
  o << "<text class=\"label\" x=\"" << num((xa + xb) / 2) << "\" y=\"" << num(f.height - 8)
    << "\" text-anchor=\"middle\">" << html_escape(spec.x_label) << "</text>";
  o << "<text class=\"label\" transform=\"translate(14," << num((ya + yb) / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
    << html_escape(spec.y_label) << "</text>";
}

void legend(std::ostringstream& o, const Frame& f, const std::vector<std::pair<std::string, std::string>>& entries) {
  double x = f.left + 8;
  const double y = f.top + 10;
  for (const auto& [name, color] : entries) {
    if (name.empty()) continue;
    o << "<rect x=\"" << num(x) << "\" y=\"" << num(y - 8) << "\" width=\"10\" height=\"10\" fill=\"" << color << "\"/>";
    o << "<text class=\"legend\" x=\"" << num(x + 14) << "\" y=\"" << num(y + 1) << "\">" << html_escape(name) << "</text>";
    x += 24 + 6.5 * static_cast<double>(name.size());
  }
}

void no_data(std::ostringstream& o, const ChartSpec& spec) {
  o << "<text class=\"empty\" x=\"" << spec.width / 2 << "\" y=\"" << spec.height / 2
    << "\" text-anchor=\"middle\">no data</text></svg></figure>";
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_number(double v, int digits) {
  if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf");
  char buf[400];  // room for any double in %f, so nothing is cut
  const double a = std::abs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e6)) std::snprintf(buf, sizeof buf, "%.*g", digits - 1, v);
  else if (a >= 1000 || v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  std::string s = buf;
  // Trailing zeros of a fixed-point number say nothing.
  if (s.find('.') != std::string::npos && s.find('e') == std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string xy_chart(const ChartSpec& spec, const std::vector<Series>& series) {
  std::ostringstream o;
  open_svg(o, spec);
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  size_t points = 0;
  for (const Series& s : series)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || (spec.log_x && s.x[i] <= 0)) continue;
      x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]), y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
      ++points;
    }
  if (points == 0) return no_data(o, spec), o.str();
  if (spec.x_min) x0 = *spec.x_min;
  if (spec.x_max) x1 = *spec.x_max;
  if (spec.y_min) y0 = *spec.y_min;
  if (spec.y_max) y1 = *spec.y_max;
  if (!(x1 > x0)) x0 -= 0.5, x1 += 0.5;
  if (!(y1 > y0)) y0 -= 0.5, y1 += 0.5;
  if (!spec.y_min && !spec.y_max) {
    const double pad = (y1 - y0) * 0.05;
    y0 -= pad, y1 += pad;
  }
  Frame f{62, 16, 34, 46, static_cast<double>(spec.width), static_cast<double>(spec.height), x0, x1, y0, y1, spec.log_x};
  axes(o, f, spec, true);
  if (spec.diagonal)
    o << "<line class=\"reference\" x1=\"" << num(f.px(x0)) << "\" y1=\"" << num(f.py(x0)) << "\" x2=\"" << num(f.px(x1))
      << "\" y2=\"" << num(f.py(x1)) << "\"><title>perfect calibration</title></line>";
  if (spec.marker_x && *spec.marker_x >= x0 && *spec.marker_x <= x1) {
    const double x = f.px(*spec.marker_x);
    // The label goes on the side of the line with room for it.
    const bool left = x > f.left + (f.width - f.left - f.right) / 2;
    o << "<line class=\"marker\" x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << num(f.top) << "\" y2=\""
      << num(f.height - f.bottom) << "\"/><text class=\"marker-label\" x=\"" << num(left ? x - 4 : x + 4) << "\" y=\""
      << num(f.top + 26) << "\" text-anchor=\"" << (left ? "end" : "start") << "\">" << html_escape(spec.marker_label)
      << "</text>";
  }
  std::vector<std::pair<std::string, std::string>> entries;
  for (size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    const std::string color = color_of(s.color, k);
    entries.emplace_back(s.name, color);
    std::string path;
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || (spec.log_x && s.x[i] <= 0)) continue;
      path += (path.empty() ? "M" : " L") + num(f.px(s.x[i])) + " " + num(f.py(s.y[i]));
    }
    if (s.line && !path.empty())
      o << "<path class=\"mark line\" d=\"" << path << "\" stroke=\"" << color << "\"" << (s.dashed ? " stroke-dasharray=\"5 4\"" : "")
        << "><title>" << html_escape(s.name) << "</title></path>";
    if (s.points)
      for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
        if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || (spec.log_x && s.x[i] <= 0)) continue;
        o << "<circle class=\"mark point\" cx=\"" << num(f.px(s.x[i])) << "\" cy=\"" << num(f.py(s.y[i]))
          << "\" r=\"3.5\" fill=\"" << color << "\"><title>"
          << html_escape(i < s.point_titles.size() ? s.point_titles[i]
                                                   : s.name + ": " + format_number(s.x[i]) + ", " + format_number(s.y[i]))
          << "</title></circle>";
      }
  }
  legend(o, f, entries);
  o << "</svg></figure>";
  return o.str();
}

std::string bar_chart(const ChartSpec& spec, const std::vector<std::string>& names, const std::vector<BarGroup>& groups,
                      const std::vector<ReferenceLine>& references) {
  std::ostringstream o;
  open_svg(o, spec);
  double y1 = 0;
  size_t bars = 0;
  for (const BarGroup& g : groups)
    for (size_t k = 0; k < g.values.size(); ++k)
      if (std::isfinite(g.values[k])) {
        y1 = std::max(y1, g.values[k] + (k < g.errors.size() && std::isfinite(g.errors[k]) ? g.errors[k] : 0.0));
        ++bars;
      }
  for (const ReferenceLine& r : references) y1 = std::max(y1, r.value);
  if (bars == 0) return no_data(o, spec), o.str();
  if (spec.y_max) y1 = *spec.y_max;
  if (!(y1 > 0)) y1 = 1;
  Frame f{62, 16, 34, 46, static_cast<double>(spec.width), static_cast<double>(spec.height), 0, 1, 0, y1 * 1.08, false};
  axes(o, f, spec, false);
  const double plot_w = f.width - f.left - f.right;
  const double group_w = plot_w / static_cast<double>(std::max<size_t>(groups.size(), 1));
  const double bar_w = group_w * 0.8 / static_cast<double>(std::max<size_t>(names.size(), 1));
  for (size_t g = 0; g < groups.size(); ++g) {
    const double gx = f.left + group_w * static_cast<double>(g) + group_w * 0.1;
    o << "<text class=\"tick\" x=\"" << num(gx + group_w * 0.4) << "\" y=\"" << num(f.height - f.bottom + 16)
      << "\" text-anchor=\"middle\">" << html_escape(groups[g].label) << "</text>";
    for (size_t k = 0; k < groups[g].values.size(); ++k) {
      const double v = groups[g].values[k];
      if (!std::isfinite(v)) continue;
      const double x = gx + bar_w * static_cast<double>(k), top = f.py(v), base = f.py(0);
      const double err = k < groups[g].errors.size() && std::isfinite(groups[g].errors[k]) ? groups[g].errors[k] : 0.0;
      const std::string name = k < names.size() ? names[k] : "";
      o << "<rect class=\"mark bar\" x=\"" << num(x) << "\" y=\"" << num(top) << "\" width=\"" << num(bar_w * 0.92)
        << "\" height=\"" << num(std::max(base - top, 0.5)) << "\" fill=\"" << color_of("", k) << "\"><title>"
        << html_escape(groups[g].label + ", " + name + ": " + format_number(v) + (err > 0 ? " ± " + format_number(err) : ""))
        << "</title></rect>";
      if (err > 0) {
        const double cx = x + bar_w * 0.46;
        o << "<path class=\"whisker\" d=\"M" << num(cx) << " " << num(f.py(v - err)) << " L" << num(cx) << " "
          << num(f.py(v + err)) << " M" << num(cx - 3) << " " << num(f.py(v + err)) << " L" << num(cx + 3) << " "
          << num(f.py(v + err)) << " M" << num(cx - 3) << " " << num(f.py(v - err)) << " L" << num(cx + 3) << " "
          << num(f.py(v - err)) << "\"/>";
      }
    }
  }
  for (const ReferenceLine& r : references) {
    const double y = f.py(r.value);
    o << "<line class=\"reference\" x1=\"" << num(f.left) << "\" x2=\"" << num(f.width - f.right) << "\" y1=\"" << num(y)
      << "\" y2=\"" << num(y) << "\"/><text class=\"marker-label\" x=\"" << num(f.width - f.right - 4) << "\" y=\""
      << num(y - 4) << "\" text-anchor=\"end\">" << html_escape(r.label + " " + format_number(r.value)) << "</text>";
  }
  std::vector<std::pair<std::string, std::string>> entries;
  for (size_t k = 0; k < names.size(); ++k) entries.emplace_back(names[k], color_of("", k));
  legend(o, f, entries);
  o << "</svg></figure>";
  return o.str();
}

}  // namespace nlammr::cli
