// The two drawing surfaces of figures: a supersampled raster (PNG) and an SVG document.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "figure_canvas.hpp"

namespace spikekit::io::detail {
namespace {

long lround_l(double v) {
    return static_cast<long>(std::lround(v));
}

// Left edge of text `s` anchored at x.
double left_of(double x, double width, anchor a) {
    return a == anchor::left ? x : a == anchor::centre ? x - width / 2 : x - width;
}

std::string hex(colour c) {
    char b[8];
    std::snprintf(b, sizeof b, "#%02x%02x%02x", c.r, c.g, c.b);
    return b;
}

std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", v);
    std::string s = b;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

std::string escape(const std::string& s) {
    std::string out;
    for (char ch : s) {
        if (ch == '&')
            out += "&amp;";
        else if (ch == '<')
            out += "&lt;";
        else if (ch == '>')
            out += "&gt;";
        else if (ch == '"')
            out += "&quot;";
        else
            out += ch;
    }
    return out;
}

} // namespace

// ---- raster -------------------------------------------------------------------------------------------

raster_canvas::raster_canvas(std::uint32_t width, std::uint32_t height, int ss)
    : w_(width * static_cast<std::uint32_t>(ss)), h_(height * static_cast<std::uint32_t>(ss)), ss_(ss),
      cx1_(static_cast<long>(w_)), cy1_(static_cast<long>(h_)), px_(std::size_t{3} * w_ * h_, 255) {}

void raster_canvas::clip(double x, double y, double w, double h) {
    cx0_ = std::max(0L, lround_l(x * ss_));
    cy0_ = std::max(0L, lround_l(y * ss_));
    cx1_ = std::min(static_cast<long>(w_), lround_l((x + w) * ss_));
    cy1_ = std::min(static_cast<long>(h_), lround_l((y + h) * ss_));
}

void raster_canvas::unclip() {
    cx0_ = cy0_ = 0;
    cx1_ = static_cast<long>(w_);
    cy1_ = static_cast<long>(h_);
}

void raster_canvas::put(long x, long y, colour c) {
    if (x < cx0_ || y < cy0_ || x >= cx1_ || y >= cy1_) return;
    std::uint8_t* p = &px_[3 * (static_cast<std::size_t>(y) * w_ + static_cast<std::size_t>(x))];
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
}

void raster_canvas::rect(double x, double y, double w, double h, colour fill) {
    const long x0 = std::max(cx0_, lround_l(x * ss_)), x1 = std::min(cx1_, lround_l((x + w) * ss_));
    const long y0 = std::max(cy0_, lround_l(y * ss_)), y1 = std::min(cy1_, lround_l((y + h) * ss_));
    for (long yy = y0; yy < y1; ++yy)
        for (long xx = x0; xx < x1; ++xx) put(xx, yy, fill);
}

void raster_canvas::frame(double x, double y, double w, double h, colour stroke, double width) {
    const double d = width / 2;
    rect(x - d, y - d, w + width, width, stroke);
    rect(x - d, y + h - d, w + width, width, stroke);
    rect(x - d, y - d, width, h + width, stroke);
    rect(x + w - d, y - d, width, h + width, stroke);
}

void raster_canvas::disc(double cx, double cy, double r, colour c) {
    const long x0 = std::max(cx0_, lround_l(cx - r - 1)), x1 = std::min(cx1_, lround_l(cx + r + 1));
    const long y0 = std::max(cy0_, lround_l(cy - r - 1)), y1 = std::min(cy1_, lround_l(cy + r + 1));
    for (long y = y0; y < y1; ++y)
        for (long x = x0; x < x1; ++x) {
            const double dx = static_cast<double>(x) + 0.5 - cx, dy = static_cast<double>(y) + 0.5 - cy;
            if (dx * dx + dy * dy <= r * r) put(x, y, c);
        }
}

// Every pixel whose centre lies within width/2 of the segment (round caps, so polylines join cleanly).
void raster_canvas::segment(point a, point b, double width, colour c) {
    const double r = std::max(width / 2, 0.5);
    const long x0 = std::max(cx0_, lround_l(std::min(a.x, b.x) - r - 1));
    const long x1 = std::min(cx1_, lround_l(std::max(a.x, b.x) + r + 1));
    const long y0 = std::max(cy0_, lround_l(std::min(a.y, b.y) - r - 1));
    const long y1 = std::min(cy1_, lround_l(std::max(a.y, b.y) + r + 1));
    const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    for (long y = y0; y < y1; ++y)
        for (long x = x0; x < x1; ++x) {
            const double px = static_cast<double>(x) + 0.5 - a.x, py = static_cast<double>(y) + 0.5 - a.y;
            const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
            const double ex = px - t * dx, ey = py - t * dy;
            if (ex * ex + ey * ey <= r * r) put(x, y, c);
        }
}

void raster_canvas::polyline(const std::vector<point>& pts, colour c, double width) {
    const double s = ss_;
    if (pts.size() == 1) disc(pts[0].x * s, pts[0].y * s, width * s / 2, c);
    for (std::size_t i = 1; i < pts.size(); ++i)
        segment({pts[i - 1].x * s, pts[i - 1].y * s}, {pts[i].x * s, pts[i].y * s}, width * s, c);
}

void raster_canvas::dots(const std::vector<point>& pts, colour c, double radius) {
    for (const auto& p : pts) disc(p.x * ss_, p.y * ss_, radius * ss_, c);
}

// Glyphs on whole output pixels, so every font pixel is a sharp scale x scale block after downsampling.
void raster_canvas::text(double x, double y, const std::string& s, double scale, colour c, anchor a,
                         bool rotated) {
    const auto cps = decode_utf8(s);
    const double width = text_width(s, scale);
    const long f = std::max(1L, lround_l(scale)) * ss_; // a font pixel in canvas pixels
    const long along0 = lround_l(rotated ? left_of(-y, width, a) : left_of(x, width, a)) * ss_;
    const long across0 = lround_l((rotated ? x : y) - 3.5 * scale) * ss_;
    for (std::size_t i = 0; i < cps.size(); ++i) {
        const std::uint8_t* g = glyph(cps[i]);
        if (!g) g = glyph(U'?');
        for (long row = 0; row < 9; ++row)
            for (long col = 0; col < 5; ++col) {
                if (!(g[row] & (16 >> col))) continue;
                const long u = along0 + (static_cast<long>(i) * 6 + col) * f, v = across0 + row * f;
                for (long a2 = 0; a2 < f; ++a2)
                    for (long b2 = 0; b2 < f; ++b2) {
                        if (rotated)
                            put(v + b2, -(u + a2) - 1, c);
                        else
                            put(u + a2, v + b2, c);
                    }
            }
    }
}

void raster_canvas::picture(double x, double y, double w, double h, const image& img) {
    if (img.width == 0 || img.height == 0) return;
    const long x0 = lround_l(x * ss_), x1 = lround_l((x + w) * ss_);
    const long y0 = lround_l(y * ss_), y1 = lround_l((y + h) * ss_);
    for (long yy = std::max(y0, cy0_); yy < std::min(y1, cy1_); ++yy)
        for (long xx = std::max(x0, cx0_); xx < std::min(x1, cx1_); ++xx) {
            const auto sx = static_cast<std::size_t>((xx - x0) * img.width / std::max(1L, x1 - x0));
            const auto sy = static_cast<std::size_t>((yy - y0) * img.height / std::max(1L, y1 - y0));
            const std::uint8_t* p = &img.rgb[3 * (sy * img.width + sx)];
            put(xx, yy, {p[0], p[1], p[2]});
        }
}

image raster_canvas::result() const {
    image out;
    const auto ss = static_cast<std::uint32_t>(ss_);
    out.width = w_ / ss;
    out.height = h_ / ss;
    out.rgb.assign(std::size_t{3} * out.width * out.height, 0);
    for (std::uint32_t y = 0; y < out.height; ++y)
        for (std::uint32_t x = 0; x < out.width; ++x)
            for (std::uint32_t k = 0; k < 3; ++k) {
                unsigned sum = 0;
                for (std::uint32_t dy = 0; dy < ss; ++dy)
                    for (std::uint32_t dx = 0; dx < ss; ++dx)
                        sum += px_[3 * ((std::size_t{y} * ss + dy) * w_ + std::size_t{x} * ss + dx) + k];
                out.rgb[3 * (std::size_t{y} * out.width + x) + k] =
                    static_cast<std::uint8_t>((sum + ss * ss / 2) / (ss * ss));
            }
    return out;
}

// ---- SVG ----------------------------------------------------------------------------------------------

svg_canvas::svg_canvas(std::uint32_t width, std::uint32_t height) {
    const std::string w = std::to_string(width), h = std::to_string(height);
    out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
           w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h + "\">\n";
}

void svg_canvas::clip(double x, double y, double w, double h) {
    if (clipped_) unclip();
    const std::string id = "c" + std::to_string(clips_++);
    out_ += "<clipPath id=\"" + id + "\"><rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) +
            "\" height=\"" + num(h) + "\"/></clipPath>\n<g clip-path=\"url(#" + id + ")\">\n";
    clipped_ = true;
}

void svg_canvas::unclip() {
    if (clipped_) out_ += "</g>\n";
    clipped_ = false;
}

void svg_canvas::rect(double x, double y, double w, double h, colour fill) {
    out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
            "\" fill=\"" + hex(fill) + "\"/>\n";
}

void svg_canvas::frame(double x, double y, double w, double h, colour stroke, double width) {
    out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
            "\" fill=\"none\" stroke=\"" + hex(stroke) + "\" stroke-width=\"" + num(width) + "\"/>\n";
}

void svg_canvas::polyline(const std::vector<point>& pts, colour c, double width) {
    out_ += "<polyline fill=\"none\" stroke=\"" + hex(c) + "\" stroke-width=\"" + num(width) +
            "\" stroke-linejoin=\"round\" stroke-linecap=\"round\" points=\"";
    for (std::size_t i = 0; i < pts.size(); ++i) out_ += (i ? " " : "") + num(pts[i].x) + "," + num(pts[i].y);
    out_ += "\"/>\n";
}

void svg_canvas::dots(const std::vector<point>& pts, colour c, double radius) {
    out_ += "<g fill=\"" + hex(c) + "\">\n";
    for (const auto& p : pts)
        out_ += "<circle cx=\"" + num(p.x) + "\" cy=\"" + num(p.y) + "\" r=\"" + num(radius) + "\"/>\n";
    out_ += "</g>\n";
}

// Monospace text whose advance (0.6 em) matches the bitmap font's 6 pixels per character at 10 px per scale.
void svg_canvas::text(double x, double y, const std::string& s, double scale, colour c, anchor a,
                      bool rotated) {
    const char* anchors[] = {"start", "middle", "end"};
    out_ += "<text font-family=\"DejaVu Sans Mono, monospace\" font-size=\"" + num(10 * scale) +
            "\" text-anchor=\"" + anchors[static_cast<int>(a)] + "\" fill=\"" + hex(c) + "\"";
    if (rotated)
        out_ += " transform=\"translate(" + num(x) + "," + num(y) + ") rotate(-90)\" x=\"0\" y=\"" +
                num(3.5 * scale) + "\">";
    else
        out_ += " x=\"" + num(x) + "\" y=\"" + num(y + 3.5 * scale) + "\">";
    out_ += escape(s) + "</text>\n";
}

void svg_canvas::picture(double x, double y, double w, double h, const image& img) {
    out_ +=
        "<image x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
        "\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64," +
        base64(encode_png(img)) + "\"/>\n";
}

std::string svg_canvas::result() const {
    return out_ + (clipped_ ? "</g>\n" : "") + "</svg>\n";
}

} // namespace spikekit::io::detail
