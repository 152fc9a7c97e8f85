// Figures: the series a panel holds, its ranges and ticks, and the layout of panels, axes, legends and
// colour bars in pixels, drawn through one canvas interface onto PNG or SVG (figure_canvas.hpp).
#include "spikekit/io/figure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

#include "figure_canvas.hpp"
#include "spikekit/io/atomic_file.hpp"
#include "spikekit/io/error.hpp"

namespace spikekit::io {
namespace {

// Okabe & Ito (2008) colours: blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow
// (darkened for white paper), black.
constexpr colour okabe_ito[8] = {{0, 114, 178},   {213, 94, 0},   {0, 158, 115},  {230, 159, 0},
                                 {204, 121, 167}, {86, 180, 233}, {190, 170, 30}, {60, 60, 60}};
// viridis sampled at t = 0, 1/8, ..., 1 (matplotlib's _cm_listed.py, CC0).
constexpr double viridis[9][3] = {{68, 1, 84},    {71, 44, 122},  {59, 81, 139},
                                  {44, 113, 142}, {33, 144, 141}, {39, 173, 129},
                                  {92, 200, 99},  {170, 220, 50}, {253, 231, 37}};

} // namespace

colour category_colour(std::size_t i) {
    return okabe_ito[i % 8];
}

colour colour_map(double t) {
    t = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0.0;
    const double pos = t * 8;
    const auto i = std::min<std::size_t>(7, static_cast<std::size_t>(pos));
    const double f = pos - static_cast<double>(i);
    auto mix = [&](int k) {
        return static_cast<std::uint8_t>(
            std::lround(viridis[i][k] + f * (viridis[i + 1][k] - viridis[i][k])));
    };
    return {mix(0), mix(1), mix(2)};
}

// ---- panel --------------------------------------------------------------------------------------------

colour panel::next(std::optional<colour> c) {
    return c ? *c : category_colour(palette_++);
}

void panel::line(std::vector<double> xs, std::vector<double> ys, std::string label, std::optional<colour> c,
                 double width) {
    series_.push_back({kind::line, std::move(xs), std::move(ys), std::move(label), next(c), width});
}

void panel::step(std::vector<double> xs, std::vector<double> ys, std::string label, std::optional<colour> c,
                 double width) {
    series_.push_back({kind::step, std::move(xs), std::move(ys), std::move(label), next(c), width});
}

void panel::points(std::vector<double> xs, std::vector<double> ys, std::string label, std::optional<colour> c,
                   double radius) {
    series_.push_back({kind::points, std::move(xs), std::move(ys), std::move(label), next(c), radius});
}

void panel::bars(std::vector<double> xs, std::vector<double> ys, double width, std::string label,
                 std::optional<colour> c) {
    series_.push_back({kind::bars, std::move(xs), std::move(ys), std::move(label), next(c), width});
}

std::vector<double> panel::histogram(const std::vector<double>& values, std::size_t bins, double lo,
                                     double hi, std::string label, std::optional<colour> c) {
    bins = std::max<std::size_t>(bins, 1);
    const double w = hi > lo ? (hi - lo) / static_cast<double>(bins) : 1.0;
    std::vector<double> counts(bins, 0.0), centres(bins);
    for (std::size_t b = 0; b < bins; ++b) centres[b] = lo + (static_cast<double>(b) + 0.5) * w;
    for (double v : values) {
        if (!(v >= lo && v <= hi)) continue;
        counts[std::min(bins - 1, static_cast<std::size_t>((v - lo) / w))] += 1;
    }
    bars(std::move(centres), counts, w, std::move(label), c);
    return counts;
}

void panel::heat_map(std::vector<double> values, std::size_t rows, std::size_t cols, double x0, double x1,
                     double y0, double y1, std::string bar_label, std::optional<double> vmin,
                     std::optional<double> vmax) {
    if (values.size() != rows * cols)
        throw runtime_error("heat map: " + std::to_string(values.size()) + " values for " +
                            std::to_string(rows) + " x " + std::to_string(cols));
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : values)
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!(lo <= hi)) lo = 0, hi = 1;
    colour_bar(std::move(bar_label), vmin.value_or(lo), vmax.value_or(hi));
    series_.push_back({kind::heat_map, {x0, x1, y0, y1}, std::move(values), {}, black, 0, rows, cols});
}

void panel::rect(double x0, double y0, double x1, double y1, colour fill) {
    series_.push_back({kind::rect, {x0, x1}, {y0, y1}, {}, fill});
}

void panel::text(double tx, double ty, std::string s, colour c, anchor a) {
    series_.push_back({kind::text, {tx}, {ty}, std::move(s), c, 0, 0, 0, a});
}

void panel::colour_bar(std::string label, double lo, double hi) {
    scale_ = bar_scale{std::move(label), lo, hi > lo ? hi : lo + 1};
}

// ---- figure -------------------------------------------------------------------------------------------

figure::figure(std::uint32_t width, std::uint32_t height, std::size_t columns)
    : width_(std::max<std::uint32_t>(width, 64)), height_(std::max<std::uint32_t>(height, 64)),
      columns_(std::max<std::size_t>(columns, 1)) {}

panel& figure::add_panel() {
    return panels_.emplace_back();
}

image figure::render() const {
    detail::raster_canvas c(width_, height_);
    detail::draw(*this, c, width_, height_, columns_);
    return c.result();
}

std::string figure::svg() const {
    detail::svg_canvas c(width_, height_);
    detail::draw(*this, c, width_, height_, columns_);
    return c.result();
}

void figure::write(const std::string& path) const {
    const auto dot = path.rfind('.');
    std::string ext = dot == std::string::npos ? "" : path.substr(dot);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (ext == ".png") return write_png(path, render());
    if (ext != ".svg")
        throw input_error(path, "", "a figure is written as .png or .svg; found \"" + ext + "\"");
    const std::string doc = svg();
    write_atomically(path, [&](const std::string& tmp) {
        std::ofstream f(tmp, std::ios::binary);
        f << doc;
        if (!f.flush()) throw runtime_error(path + ": cannot write the SVG");
    });
}

} // namespace spikekit::io
