#include "spikekit/chips/figures.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace spikekit::chips {
namespace {

constexpr io::colour unused{226, 226, 226}, border{90, 90, 90};

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

// Ticks every `every` cells, labelled with the cell index, centred on the cells.
std::vector<std::pair<double, std::string>> cell_ticks(std::uint32_t n, std::uint32_t every) {
    std::vector<std::pair<double, std::string>> t;
    for (std::uint32_t i = 0; i < n; i += every) t.emplace_back(i + 0.5, std::to_string(i));
    return t;
}

void grid_axes(io::panel& p, const chip_spec& chip) {
    const std::uint32_t w = chip.grid_width, h = chip.grid_height;
    p.equal_aspect = true;
    p.legend = false;
    p.x.min = 0;
    p.x.max = w;
    p.y.min = 0;
    p.y.max = h;
    p.x.label = "core x";
    p.y.label = "core y";
    p.x.ticks = cell_ticks(w, w > 16 ? (w > 32 ? 8 : 4) : 1);
    p.y.ticks = cell_ticks(h, h > 16 ? (h > 32 ? 8 : 4) : 1);
}

// Borders of blocks of bw x bh cells (tiles of a mesh, clusters of a tree).
void block_borders(io::panel& p, std::uint32_t w, std::uint32_t h, std::uint32_t bw, std::uint32_t bh) {
    for (std::uint32_t x = 0; x <= w; x += bw)
        p.line({static_cast<double>(x), static_cast<double>(x)}, {0.0, static_cast<double>(h)}, "", border,
               1);
    for (std::uint32_t y = 0; y <= h; y += bh)
        p.line({0.0, static_cast<double>(w)}, {static_cast<double>(y), static_cast<double>(y)}, "", border,
               1);
}

std::uint32_t tree_cluster_side(const chip_spec& chip) {
    // the side of a level-2 cluster (16 cores of a 4-ary tree: 4 x 4), or the grid when smaller
    return std::min<std::uint32_t>(4, std::min(chip.grid_width, chip.grid_height));
}

} // namespace

io::figure chip_figure(const chip_spec& chip, const chip_report& r, const std::string& network) {
    const bool tree = chip.noc.topology == noc_spec::kind::tree;
    const std::uint32_t w = chip.grid_width, h = chip.grid_height;
    // side by side for square grids, one above the other for wide ones
    const bool wide = w >= 2 * h;
    io::figure fig(wide ? 1100 : 1200,
                   wide ? static_cast<std::uint32_t>(std::clamp(300.0 + 900.0 * h / w, 520.0, 900.0)) : 600,
                   wide ? 1 : 2);
    fig.title = chip.name + ": " + network + ", " + std::to_string(r.steps) + " steps, " +
                std::to_string(r.cores_used) + " cores used, " + (r.gals ? "GALS" : "barrier") + " mode";

    auto& load = fig.add_panel();
    grid_axes(load, chip);
    double busiest = 0;
    for (const auto& c : r.cores) busiest = std::max(busiest, c.busy_s);
    load.title = busiest > 0 ? (wide ? "core load: busy time / busiest core's (grey: unused)"
                                     : "core load: busy / busiest (grey: unused)")
                             : "cores used (the chip's latencies are unknown: no load)";
    for (std::uint32_t c = 0; c < w * h; ++c) {
        const double x = c % w, y = c / w;
        load.rect(x + 0.06, y + 0.06, x + 0.94, y + 0.94, unused);
    }
    for (const auto& c : r.cores) {
        const double x = c.core % w, y = c.core / w;
        load.rect(x + 0.06, y + 0.06, x + 0.94, y + 0.94,
                  io::colour_map(busiest > 0 ? c.busy_s / busiest : 0.0));
    }
    load.colour_bar("load", 0, 1);

    auto& links = fig.add_panel();
    grid_axes(links, chip);
    std::uint64_t most = 0;
    for (auto n : r.link_packets) most = std::max(most, n);
    const double top = most > 0 ? static_cast<double>(most) : 1.0;
    auto shade = [&](std::uint64_t n) { return io::colour_map(static_cast<double>(n) / top); };
    if (tree) {
        links.title = "level-1 links: up + down packets";
        for (std::uint32_t c = 0; c < w * h; ++c) {
            const double x = c % w, y = c / w;
            const std::uint64_t n =
                2 * c + 1 < r.link_packets.size() ? r.link_packets[2 * c] + r.link_packets[2 * c + 1] : 0;
            links.rect(x + 0.06, y + 0.06, x + 0.94, y + 0.94, n ? shade(n) : unused);
        }
        const auto side = tree_cluster_side(chip);
        block_borders(load, w, h, side, side);
        block_borders(links, w, h, side, side);
    } else {
        links.title = "links: E/W (upper bar: east), N/S (left bar: north), tile centre: crossbar";
        const auto& n = chip.noc;
        const std::uint32_t tiles = n.width * n.height, cpt = n.cores_per_tile;
        auto packets = [&](std::uint32_t link) {
            return link < r.link_packets.size() ? r.link_packets[link] : 0;
        };
        for (std::uint32_t t = 0; t < tiles; ++t) {
            const double x0 = (t % n.width) * cpt, y0 = t / n.width;
            const auto local = packets(4 * tiles + t);
            links.rect(x0 + 0.6, y0 + 0.32, x0 + cpt - 0.6, y0 + 0.68, local ? shade(local) : unused);
            // east (upper) and west (lower) links: horizontal bars across the border to the next tile in x
            const bool east_in = t % n.width + 1 < n.width; // the last tile's east link wraps on a torus
            const double bx = x0 + cpt;
            if (auto e = packets(4 * t); e)
                links.rect(bx - 0.55, y0 + 0.54, east_in ? bx + 0.55 : bx, y0 + 0.72, shade(e));
            if (east_in)
                if (auto wst = packets(4 * (t + 1) + 1); wst)
                    links.rect(bx - 0.55, y0 + 0.28, bx + 0.55, y0 + 0.46, shade(wst));
            // north (left) and south (right) links: vertical bars across the border to the next row
            const bool north_in = t / n.width + 1 < n.height;
            const double by = y0 + 1, cx = x0 + cpt / 2.0;
            if (auto no = packets(4 * t + 2); no && north_in)
                links.rect(cx - 0.35, by - 0.3, cx - 0.08, by + 0.3, shade(no));
            if (north_in)
                if (auto so = packets(4 * (t + n.width) + 3); so)
                    links.rect(cx + 0.08, by - 0.3, cx + 0.35, by + 0.3, shade(so));
        }
        block_borders(load, w, h, cpt, 1);
    }
    links.colour_bar("packets", 0, top);
    return fig;
}

io::figure latency_figure(const chip_report& r, const std::string& network) {
    io::figure fig(1000, 480);
    fig.title = r.preset + ": " + network + ", latency of each time step (" + (r.gals ? "GALS" : "barrier") +
                " mode)";
    auto& p = fig.add_panel();
    p.x.label = "time step";
    p.y.label = "latency (us)";
    std::vector<double> xs, ys;
    double mean = 0, most = 0;
    for (std::size_t s = 0; s < r.step_latency_s.size(); ++s) {
        xs.push_back(static_cast<double>(s));
        ys.push_back(r.step_latency_s[s] * 1e6);
        mean += ys.back();
        most = std::max(most, ys.back());
    }
    if (!ys.empty()) mean /= static_cast<double>(ys.size());
    const double last = xs.empty() ? 1.0 : std::max(1.0, xs.back());
    p.x.min = 0;
    p.x.max = last;
    p.y.min = 0;
    p.y.max = most > 0 ? most * 1.15 : 1.0;
    p.line(xs, ys, "per step", io::category_colour(0), 1.2);
    p.line({0, last}, {mean, mean}, "mean " + number(mean) + " us", io::category_colour(1), 1.5);
    p.line({0, last}, {most, most}, "max " + number(most) + " us", io::category_colour(2), 1.5);
    return fig;
}

} // namespace spikekit::chips
