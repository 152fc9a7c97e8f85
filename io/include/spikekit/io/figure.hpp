#pragma once
// Figures without Python: one or more panels of axes (nice ticks, tick labels, axis labels with units, a
// title, a legend) holding lines, points (scatter and spike rasters), bars (histograms), steps, heat maps
// with a colour bar, rectangles and text; written as PNG (built-in bitmap font, anti-aliased by 2x2
// supersampling) or SVG (text as <text>), atomically.
//
//     io::figure fig(900, 500);
//     auto& p = fig.add_panel();
//     p.title = "exc";  p.x.label = "time (ms)";  p.y.label = "neuron";
//     p.points(times, ids, "exc");              // colour: next of the categorical palette
//     p.line({0, 1000}, {400, 400}, "", io::grey);
//     fig.write("raster.png");                  // or .svg
//
// Coordinates are data units; y grows upwards. Panels are laid out row by row on a grid of `columns`
// columns; a row is as tall as its tallest panel's `height` weight. Axes of panels in one column line up.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spikekit/io/png.hpp"

namespace spikekit::io {

struct colour {
    std::uint8_t r = 0, g = 0, b = 0;
    friend bool operator==(const colour&, const colour&) = default;
};
inline constexpr colour black{0, 0, 0}, white{255, 255, 255}, grey{140, 140, 140};

// The categorical palette (one colour per population; repeats after 8): Okabe & Ito (2008), "Color
// Universal Design", colour-blind safe, reordered so that the first colours differ most.
colour category_colour(std::size_t i);
// The continuous colour map for t in [0, 1] (clamped): a viridis-like ramp from dark blue through teal to
// yellow, interpolated between stops sampled from matplotlib's viridis (van der Walt & Smith, CC0).
colour colour_map(double t);

struct axis {
    std::string label;              // with the unit, "time (ms)"
    std::optional<double> min, max; // fixed limits; otherwise from the data
    // Explicit ticks (value, label), e.g. categories; otherwise 4-8 "nice" ticks (1, 2, 5 x 10^k).
    std::vector<std::pair<double, std::string>> ticks;
    bool hidden = false; // no ticks, no tick labels, no label
};

enum class anchor { left, centre, right };

class panel {
  public:
    std::string title;
    axis x, y;
    bool legend = true;        // a legend right of the axes, for series that have a label
    bool equal_aspect = false; // one unit of x as long as one unit of y (chip grids)
    double height = 1;         // relative height of this panel's row

    // Series. An empty label keeps a series out of the legend; no colour takes the next palette colour.
    void line(std::vector<double> xs, std::vector<double> ys, std::string label = {},
              std::optional<colour> c = {}, double width = 1.5);
    // A staircase: ys[i] holds from xs[i] to xs[i + 1] (the last value to the last x).
    void step(std::vector<double> xs, std::vector<double> ys, std::string label = {},
              std::optional<colour> c = {}, double width = 1.5);
    // Filled dots of `radius` pixels (a spike raster: x = time, y = neuron).
    void points(std::vector<double> xs, std::vector<double> ys, std::string label = {},
                std::optional<colour> c = {}, double radius = 1.5);
    // Bars centred on xs, `width` data units wide, from 0 to ys.
    void bars(std::vector<double> xs, std::vector<double> ys, double width, std::string label = {},
              std::optional<colour> c = {});
    // A histogram of `values` in `bins` equal bins over [lo, hi] (values outside are ignored); the y axis
    // counts values per bin. Returns the counts.
    std::vector<double> histogram(const std::vector<double>& values, std::size_t bins, double lo, double hi,
                                  std::string label = {}, std::optional<colour> c = {});
    // A grid of rows x cols values (row-major, row 0 at y0) over [x0, x1] x [y0, y1], coloured by
    // colour_map between vmin and vmax (default: the values' range), with a colour bar titled bar_label.
    void heat_map(std::vector<double> values, std::size_t rows, std::size_t cols, double x0, double x1,
                  double y0, double y1, std::string bar_label, std::optional<double> vmin = {},
                  std::optional<double> vmax = {});
    // A filled rectangle [x0, x1] x [y0, y1] (a core of a chip, a link bar).
    void rect(double x0, double y0, double x1, double y1, colour fill);
    // Text at (tx, ty) (data units), vertically centred.
    void text(double tx, double ty, std::string s, colour c = black, anchor a = anchor::left);
    // A colour bar without a heat map (rectangles coloured with colour_map(value between lo and hi)).
    void colour_bar(std::string label, double lo, double hi);

    // What was added (read by the renderer).
    enum class kind { line, step, points, bars, heat_map, rect, text };
    struct series {
        kind k;
        std::vector<double> xs, ys; // heat map: values in ys, xs = {x0, x1, y0, y1}
        std::string label;
        colour c;
        double size = 1.5; // line width, dot radius, bar width
        std::size_t rows = 0, cols = 0;
        anchor a = anchor::left;
    };
    struct bar_scale {
        std::string label;
        double lo = 0, hi = 1;
    };
    const std::vector<series>& all() const { return series_; }
    const std::optional<bar_scale>& scale() const { return scale_; }

  private:
    colour next(std::optional<colour> c);
    std::vector<series> series_;
    std::optional<bar_scale> scale_;
    std::size_t palette_ = 0;
};

class figure {
  public:
    // Size in pixels (PNG) or user units (SVG).
    explicit figure(std::uint32_t width = 960, std::uint32_t height = 540, std::size_t columns = 1);
    std::string title;

    panel& add_panel(); // references stay valid as panels are added
    const std::deque<panel>& panels() const { return panels_; }

    image render() const;    // the pixels
    std::string svg() const; // an SVG document
    // PNG or SVG by the extension of `path` (.png, .svg), written atomically. Any other extension is an
    // input_error naming the path and the two known ones.
    void write(const std::string& path) const;

  private:
    std::uint32_t width_, height_;
    std::size_t columns_;
    std::deque<panel> panels_;
};

} // namespace spikekit::io
