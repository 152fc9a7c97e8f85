// The layout of a figure in pixels: data ranges, nice ticks, margins aligned per column, then the axes,
// series, legend and colour bar of every panel, drawn through a canvas (PNG and SVG see the same calls).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <tuple>

#include "figure_canvas.hpp"

namespace spikekit::io::detail {
namespace {

constexpr double scale = 2;          // text: the 5x7 font at 2 pixels per font pixel
constexpr double text_h = 7 * scale; // cap height
constexpr double tick_len = 5, gap = 6, swatch = 20, row_h = 22, bar_w = 14;
constexpr colour ink{40, 40, 40}, grid{232, 232, 232};

using tick_list = std::vector<std::pair<double, std::string>>;
using kind = panel::kind;

struct range {
    double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
    void add(double v) {
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
    bool empty() const { return !(lo <= hi); }
};

// Limits of one axis: fixed ones win; otherwise the data's, padded by 3% where lines or points reach the edge
// (bars keep their base at 0, heat maps and rectangles fill the axes exactly).
std::pair<double, double> limits(const panel& p, const axis& a, bool is_x) {
    range r, padded;
    bool zero_base = false; // bars standing on y = 0
    for (const auto& s : p.all()) {
        const auto& v = is_x ? s.xs : s.ys;
        switch (s.k) {
        case kind::line:
        case kind::step:
        case kind::points:
            for (double d : v) r.add(d), padded.add(d);
            break;
        case kind::bars:
            for (std::size_t i = 0; i < s.xs.size() && i < s.ys.size(); ++i) {
                if (is_x)
                    r.add(s.xs[i] - s.size / 2), r.add(s.xs[i] + s.size / 2);
                else
                    r.add(0), padded.add(s.ys[i]);
            }
            break;
        case kind::heat_map:
            r.add(s.xs[is_x ? 0 : 2]), r.add(s.xs[is_x ? 1 : 3]);
            break;
        case kind::rect:
            for (double d : v) r.add(d);
            break;
        case kind::text:
            break;
        }
    }
    range all = r;
    if (!padded.empty()) all.add(padded.lo), all.add(padded.hi);
    double lo = all.empty() ? 0 : all.lo, hi = all.empty() ? 1 : all.hi;
    if (hi - lo <= 0) lo -= std::max(0.5, std::abs(lo) * 0.1), hi += std::max(0.5, std::abs(hi) * 0.1);
    const double pad = 0.03 * (hi - lo);
    if (!padded.empty() && padded.lo <= lo && !(zero_base && lo == 0)) lo -= pad;
    if (!padded.empty() && padded.hi >= hi) hi += pad;
    lo = a.min.value_or(lo);
    hi = a.max.value_or(hi);
    if (hi <= lo) hi = lo + 1;
    return {lo, hi};
}

std::string tick_text(double v, double step) {
    char b[32];
    if (std::abs(v) >= 1e6 || (std::abs(v) < 1e-3 && v != 0))
        std::snprintf(b, sizeof b, "%g", v);
    else {
        const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
        std::snprintf(b, sizeof b, "%.*f", decimals, v);
    }
    std::string s = b;
    return s.find_first_not_of("-0.") == std::string::npos ? "0" : s;
}

// About `want` ticks at 1, 2 or 5 times a power of ten, inside [lo, hi].
tick_list nice_ticks(double lo, double hi, double want) {
    const double raw = (hi - lo) / want, mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double n = raw / mag, step = (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag;
    tick_list t;
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
        t.emplace_back(std::abs(v) < step * 1e-9 ? 0.0 : v, tick_text(v, step));
    return t;
}

double widest(const tick_list& t) {
    double w = 0;
    for (const auto& [v, s] : t) w = std::max(w, text_width(s, scale));
    return w;
}

// Everything about one panel that the layout needs before drawing.
struct plan {
    const panel* p;
    double x0, x1, y0, y1;
    tick_list xt, yt, bt;
    double left, right, top, bottom, legend_w = 0, bar_total = 0;
};

plan make_plan(const panel& p, double plot_h) {
    plan q{&p, 0, 0, 0, 0, {}, {}, {}, 0, 0, 0, 0};
    std::tie(q.x0, q.x1) = limits(p, p.x, true);
    std::tie(q.y0, q.y1) = limits(p, p.y, false);
    auto inside = [](tick_list t, double lo, double hi) {
        std::erase_if(t, [&](const auto& e) {
            return e.first < lo - 1e-9 * (hi - lo) || e.first > hi + 1e-9 * (hi - lo);
        });
        return t;
    };
    q.xt = inside(p.x.ticks, q.x0, q.x1); // automatic x ticks once the plot's width is known (fit_x_ticks)
    q.yt = inside(p.y.ticks.empty() ? nice_ticks(q.y0, q.y1, std::clamp(plot_h / 45, 2.0, 7.0)) : p.y.ticks,
                  q.y0, q.y1);
    q.left = p.y.hidden ? 16 : tick_len + gap + widest(q.yt) + (p.y.label.empty() ? 0 : gap + 2 + text_h) + 8;
    q.bottom = p.x.hidden ? 16 : tick_len + gap + text_h + (p.x.label.empty() ? 0 : 2 * gap + text_h) + 8;
    q.top = p.title.empty() ? 10 : text_h + 16;
    for (const auto& s : p.all())
        if (!s.label.empty() && s.k != kind::text && p.legend)
            q.legend_w = std::max(q.legend_w, 14 + swatch + gap + text_width(s.label, scale));
    if (p.scale()) {
        q.bt = nice_ticks(p.scale()->lo, p.scale()->hi, std::clamp(plot_h / 45, 2.0, 6.0));
        q.bar_total =
            16 + bar_w + tick_len + 4 + widest(q.bt) + (p.scale()->label.empty() ? 0 : gap + text_h);
    }
    q.right = 14 + q.legend_w + q.bar_total;
    return q;
}

// As many nice x ticks (at most 8) as fit side by side in `width` pixels with room between their labels.
tick_list fit_x_ticks(double lo, double hi, double width) {
    for (double want = 8;; want -= 1) {
        auto t = nice_ticks(lo, hi, want);
        if (want <= 2 || (widest(t) + 3 * gap) * static_cast<double>(t.size()) <= width) return t;
    }
}

struct mapping {
    double px, py, pw, ph; // plot area in pixels
    double x0, x1, y0, y1; // data limits
    double X(double x) const { return px + (x - x0) / (x1 - x0) * pw; }
    double Y(double y) const { return py + ph - (y - y0) / (y1 - y0) * ph; }
};

image heat_image(const panel::series& s, const panel& p) {
    image img{static_cast<std::uint32_t>(s.cols), static_cast<std::uint32_t>(s.rows), {}};
    img.rgb.assign(3 * s.rows * s.cols, 0);
    const double lo = p.scale()->lo, hi = p.scale()->hi;
    for (std::size_t r = 0; r < s.rows; ++r)
        for (std::size_t c = 0; c < s.cols; ++c) {
            const double v = s.ys[r * s.cols + c];
            const colour k = std::isfinite(v) ? colour_map((v - lo) / (hi - lo)) : colour{220, 220, 220};
            std::uint8_t* px = &img.rgb[3 * ((s.rows - 1 - r) * s.cols + c)]; // row 0 at the bottom
            px[0] = k.r, px[1] = k.g, px[2] = k.b;
        }
    return img;
}

// A polyline broken at non-finite values.
void draw_line(canvas& c, const mapping& m, const std::vector<double>& xs, const std::vector<double>& ys,
               colour k, double width) {
    std::vector<point> run;
    for (std::size_t i = 0; i <= xs.size() && i <= ys.size(); ++i) {
        const bool ok = i < xs.size() && i < ys.size() && std::isfinite(xs[i]) && std::isfinite(ys[i]);
        if (ok) run.push_back({m.X(xs[i]), m.Y(ys[i])});
        if ((!ok || i + 1 >= std::min(xs.size(), ys.size())) && !run.empty()) {
            c.polyline(run, k, width);
            run.clear();
        }
        if (!ok && i >= std::min(xs.size(), ys.size())) break;
    }
}

void draw_series(canvas& c, const mapping& m, const panel& p, const panel::series& s) {
    switch (s.k) {
    case kind::line:
        return draw_line(c, m, s.xs, s.ys, s.c, s.size);
    case kind::step: {
        std::vector<double> xs, ys;
        for (std::size_t i = 0; i < s.xs.size() && i < s.ys.size(); ++i) {
            xs.push_back(s.xs[i]), ys.push_back(s.ys[i]);
            if (i + 1 < s.xs.size()) xs.push_back(s.xs[i + 1]), ys.push_back(s.ys[i]);
        }
        return draw_line(c, m, xs, ys, s.c, s.size);
    }
    case kind::points: {
        std::vector<point> pts;
        for (std::size_t i = 0; i < s.xs.size() && i < s.ys.size(); ++i)
            if (std::isfinite(s.xs[i]) && std::isfinite(s.ys[i])) pts.push_back({m.X(s.xs[i]), m.Y(s.ys[i])});
        return c.dots(pts, s.c, s.size);
    }
    case kind::bars:
        for (std::size_t i = 0; i < s.xs.size() && i < s.ys.size(); ++i) {
            double l = m.X(s.xs[i] - s.size / 2), r = m.X(s.xs[i] + s.size / 2);
            if (r - l >= 4) l += 0.5, r -= 0.5; // a hairline between neighbouring bars
            const double top = m.Y(std::max(0.0, s.ys[i])), base = m.Y(std::min(0.0, s.ys[i]));
            c.rect(l, top, r - l, base - top, s.c);
        }
        return;
    case kind::heat_map: {
        const double l = m.X(s.xs[0]), r = m.X(s.xs[1]), t = m.Y(s.xs[3]), b = m.Y(s.xs[2]);
        return c.picture(l, t, r - l, b - t, heat_image(s, p));
    }
    case kind::rect: {
        const double l = m.X(std::min(s.xs[0], s.xs[1])), r = m.X(std::max(s.xs[0], s.xs[1]));
        const double t = m.Y(std::max(s.ys[0], s.ys[1])), b = m.Y(std::min(s.ys[0], s.ys[1]));
        return c.rect(l, t, r - l, b - t, s.c);
    }
    case kind::text:
        return c.text(m.X(s.xs[0]), m.Y(s.ys[0]), s.label, scale, s.c, s.a);
    }
}

void draw_axes(canvas& c, const mapping& m, const plan& q) {
    const panel& p = *q.p;
    c.frame(m.px, m.py, m.pw, m.ph, ink, 1);
    if (!p.x.hidden) {
        for (const auto& [v, s] : q.xt) {
            c.rect(m.X(v) - 0.5, m.py + m.ph, 1, tick_len, ink);
            c.text(m.X(v), m.py + m.ph + tick_len + gap + text_h / 2, s, scale, ink, anchor::centre);
        }
        if (!p.x.label.empty())
            c.text(m.px + m.pw / 2, m.py + m.ph + tick_len + 3 * gap + 1.5 * text_h, p.x.label, scale, ink,
                   anchor::centre);
    }
    if (!p.y.hidden) {
        for (const auto& [v, s] : q.yt) {
            c.rect(m.px - tick_len, m.Y(v) - 0.5, tick_len, 1, ink);
            c.text(m.px - tick_len - gap, m.Y(v), s, scale, ink, anchor::right);
        }
        if (!p.y.label.empty())
            c.text(m.px - q.left + 8 + text_h / 2, m.py + m.ph / 2, p.y.label, scale, ink, anchor::centre,
                   true);
    }
    if (!p.title.empty()) c.text(m.px + m.pw / 2, m.py - 8 - text_h / 2, p.title, scale, ink, anchor::centre);
}

void draw_legend(canvas& c, const mapping& m, const plan& q) {
    double y = m.py + row_h / 2, x = m.px + m.pw + 14;
    for (const auto& s : q.p->all()) {
        if (s.label.empty() || s.k == kind::text || !q.p->legend) continue;
        if (s.k == kind::line || s.k == kind::step)
            c.polyline({{x, y}, {x + swatch, y}}, s.c, std::max(2.0, s.size));
        else if (s.k == kind::points)
            c.dots({{x + swatch / 2, y}}, s.c, std::max(3.5, s.size));
        else
            c.rect(x + 3, y - 7, swatch - 6, 14, s.c);
        c.text(x + swatch + gap, y, s.label, scale, ink, anchor::left);
        y += row_h;
    }
}

void draw_colour_bar(canvas& c, const mapping& m, const plan& q) {
    const auto& b = *q.p->scale();
    const double x = m.px + m.pw + 14 + q.legend_w + 2;
    image ramp{1, 256, std::vector<std::uint8_t>(3 * 256)};
    for (std::size_t i = 0; i < 256; ++i) {
        const colour k = colour_map(1.0 - static_cast<double>(i) / 255.0);
        ramp.rgb[3 * i] = k.r, ramp.rgb[3 * i + 1] = k.g, ramp.rgb[3 * i + 2] = k.b;
    }
    c.picture(x, m.py, bar_w, m.ph, ramp);
    c.frame(x, m.py, bar_w, m.ph, ink, 1);
    for (const auto& [v, s] : q.bt) {
        const double y = m.py + m.ph - (v - b.lo) / (b.hi - b.lo) * m.ph;
        c.rect(x + bar_w, y - 0.5, tick_len, 1, ink);
        c.text(x + bar_w + tick_len + 4, y, s, scale, ink, anchor::left);
    }
    if (!b.label.empty())
        c.text(x + bar_w + tick_len + 4 + widest(q.bt) + gap + text_h / 2, m.py + m.ph / 2, b.label, scale,
               ink, anchor::centre, true);
}

} // namespace

void draw(const figure& fig, canvas& c, std::uint32_t width, std::uint32_t height, std::size_t columns) {
    c.rect(0, 0, width, height, white);
    const double head = fig.title.empty() ? 0 : text_h + 18;
    if (!fig.title.empty()) c.text(width / 2.0, 8 + text_h / 2, fig.title, scale, ink, anchor::centre);
    const auto& panels = fig.panels();
    const std::size_t rows = (panels.size() + columns - 1) / columns;
    std::vector<double> row_weight(rows, 0);
    for (std::size_t i = 0; i < panels.size(); ++i)
        row_weight[i / columns] = std::max(row_weight[i / columns], std::max(panels[i].height, 0.05));
    double total = 0;
    for (double w : row_weight) total += w;
    std::vector<plan> plans;
    std::vector<double> left(columns, 0), right(columns, 0);
    for (std::size_t i = 0; i < panels.size(); ++i) {
        plans.push_back(make_plan(panels[i], (height - head) * row_weight[i / columns] / total - 60));
        left[i % columns] = std::max(left[i % columns], plans.back().left);
        right[i % columns] = std::max(right[i % columns], plans.back().right);
    }
    const double cell_w = static_cast<double>(width) / static_cast<double>(columns);
    double row_top = head;
    for (std::size_t r = 0; r < rows; ++r) {
        const double cell_h = (height - head) * row_weight[r] / total;
        for (std::size_t col = 0; col < columns && r * columns + col < panels.size(); ++col) {
            plan& q = plans[r * columns + col];
            mapping m{
                cell_w * static_cast<double>(col) + left[col], row_top + q.top, 0, 0, q.x0, q.x1, q.y0, q.y1};
            m.pw = std::max(10.0, cell_w - left[col] - right[col]);
            m.ph = std::max(10.0, cell_h - q.top - q.bottom);
            if (q.p->equal_aspect) { // shrink one side so a data unit is as long on both axes
                const double k = std::min(m.pw / (q.x1 - q.x0), m.ph / (q.y1 - q.y0));
                m.px += (m.pw - k * (q.x1 - q.x0)) / 2, m.pw = k * (q.x1 - q.x0);
                m.py += (m.ph - k * (q.y1 - q.y0)) / 2, m.ph = k * (q.y1 - q.y0);
            }
            if (q.p->x.ticks.empty()) q.xt = fit_x_ticks(q.x0, q.x1, m.pw);
            c.rect(m.px, m.py, m.pw, m.ph, white);
            for (const auto& [v, s] : q.xt) c.rect(m.X(v) - 0.5, m.py, 1, m.ph, grid);
            for (const auto& [v, s] : q.yt) c.rect(m.px, m.Y(v) - 0.5, m.pw, 1, grid);
            c.clip(m.px, m.py, m.pw, m.ph);
            for (const auto& s : q.p->all()) draw_series(c, m, *q.p, s);
            c.unclip();
            draw_axes(c, m, q);
            draw_legend(c, m, q);
            if (q.p->scale()) draw_colour_bar(c, m, q);
        }
        row_top += cell_h;
    }
}

} // namespace spikekit::io::detail
