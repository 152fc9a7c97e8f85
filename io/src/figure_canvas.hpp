#pragma once
// The drawing surface under figure.cpp: the layout is computed once in pixels and drawn through this
// interface onto either a raster (PNG) or an SVG document, so both outputs show the same picture.
#include <string>
#include <vector>

#include "spikekit/io/figure.hpp"

namespace spikekit::io::detail {

struct point {
    double x, y;
};

// Text metrics of the built-in font at `scale` (1 = a 5x7 glyph in a 6 x 11 pixel cell).
double text_width(const std::string& s, double scale);
inline double text_height(double scale) {
    return 7 * scale;
}

// The glyph of a code point: 9 rows (7 above the baseline, 2 below) of 5 bits, bit 4 the leftmost column;
// nullptr when the font has none (drawn as '?').
const std::uint8_t* glyph(char32_t c);
// UTF-8 to code points (bad bytes become '?').
std::u32string decode_utf8(const std::string& s);

class canvas {
  public:
    virtual ~canvas() = default;
    virtual void clip(double x, double y, double w, double h) = 0; // until unclip()
    virtual void unclip() = 0;
    virtual void rect(double x, double y, double w, double h, colour fill) = 0;
    virtual void frame(double x, double y, double w, double h, colour stroke, double width) = 0;
    virtual void polyline(const std::vector<point>& pts, colour c, double width) = 0;
    virtual void dots(const std::vector<point>& pts, colour c, double radius) = 0;
    // Text vertically centred on y; rotated = read bottom to top (a y-axis label), anchored on x as given.
    virtual void text(double x, double y, const std::string& s, double scale, colour c, anchor a,
                      bool rotated = false) = 0;
    // `img` stretched over the rectangle without smoothing.
    virtual void picture(double x, double y, double w, double h, const image& img) = 0;
};

// A raster canvas drawing at `ss` times the final resolution; result() averages ss x ss blocks.
class raster_canvas final : public canvas {
  public:
    raster_canvas(std::uint32_t width, std::uint32_t height, int ss = 2);
    void clip(double x, double y, double w, double h) override;
    void unclip() override;
    void rect(double x, double y, double w, double h, colour fill) override;
    void frame(double x, double y, double w, double h, colour stroke, double width) override;
    void polyline(const std::vector<point>& pts, colour c, double width) override;
    void dots(const std::vector<point>& pts, colour c, double radius) override;
    void text(double x, double y, const std::string& s, double scale, colour c, anchor a,
              bool rotated) override;
    void picture(double x, double y, double w, double h, const image& img) override;
    image result() const;

  private:
    void put(long x, long y, colour c);
    void disc(double cx, double cy, double r, colour c); // in supersampled pixels
    void segment(point a, point b, double width, colour c);
    std::uint32_t w_, h_; // supersampled size
    int ss_;
    long cx0_ = 0, cy0_ = 0, cx1_, cy1_; // clip, supersampled, half-open
    std::vector<std::uint8_t> px_;
};

class svg_canvas final : public canvas {
  public:
    svg_canvas(std::uint32_t width, std::uint32_t height);
    void clip(double x, double y, double w, double h) override;
    void unclip() override;
    void rect(double x, double y, double w, double h, colour fill) override;
    void frame(double x, double y, double w, double h, colour stroke, double width) override;
    void polyline(const std::vector<point>& pts, colour c, double width) override;
    void dots(const std::vector<point>& pts, colour c, double radius) override;
    void text(double x, double y, const std::string& s, double scale, colour c, anchor a,
              bool rotated) override;
    void picture(double x, double y, double w, double h, const image& img) override;
    std::string result() const;

  private:
    std::string out_;
    int clips_ = 0;
    bool clipped_ = false;
};

// Lays out and draws `fig` (width x height pixels, panels on `columns` columns) onto `c` (figure_layout.cpp).
void draw(const figure& fig, canvas& c, std::uint32_t width, std::uint32_t height, std::size_t columns);

} // namespace spikekit::io::detail
