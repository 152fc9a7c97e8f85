#include "spikekit/chips/heat_map.hpp"

#include <algorithm>
#include <cmath>

namespace spikekit::chips {
namespace {

// Dark slate for idle, through orange to pale yellow at the maximum.
void colour(double f, std::uint8_t* px) {
    f = std::clamp(f, 0.0, 1.0);
    const double stops[3][3] = {{30, 37, 52}, {222, 110, 40}, {250, 240, 170}};
    const double t = f < 0.5 ? f * 2 : (f - 0.5) * 2;
    const auto& a = stops[f < 0.5 ? 0 : 1];
    const auto& b = stops[f < 0.5 ? 1 : 2];
    for (int k = 0; k < 3; ++k) px[k] = static_cast<std::uint8_t>(std::lround(a[k] + (b[k] - a[k]) * t));
}

} // namespace

raster heat_map(const chip_spec& chip, const chip_report& r) {
    const std::uint32_t cell = std::clamp<std::uint32_t>(768 / std::max(chip.grid_width, 1u), 4, 24);
    raster img;
    img.width = chip.grid_width * cell;
    img.height = chip.grid_height * cell;
    img.rgb.assign(std::uint64_t{img.width} * img.height * 3, 0);
    auto fill = [&](std::uint32_t x0, std::uint32_t y0, std::uint32_t w, std::uint32_t h, double f) {
        for (std::uint32_t y = y0; y < y0 + h && y < img.height; ++y)
            for (std::uint32_t x = x0; x < x0 + w && x < img.width; ++x)
                colour(f, &img.rgb[(std::uint64_t{y} * img.width + x) * 3]);
    };
    auto top = [&](std::uint32_t gy) {
        return (chip.grid_height - 1 - gy) * cell;
    }; // grid row 0 at the bottom
    fill(0, 0, img.width, img.height, 0.0);
    double busiest = 0;
    for (const auto& c : r.cores) busiest = std::max(busiest, c.busy_s);
    for (const auto& c : r.cores) // one pixel of gap between cores
        fill((c.core % chip.grid_width) * cell + 1, top(c.core / chip.grid_width) + 1, cell - 2, cell - 2,
             busiest > 0 ? 0.15 + 0.85 * c.busy_s / busiest : 0.15);
    if (chip.noc.topology == noc_spec::kind::tree || r.link_packets.empty()) return img;
    // links: east bar on the right edge of a tile, north bar on its top edge (west and south add to them)
    const auto& n = chip.noc;
    const std::uint32_t tiles = n.width * n.height;
    std::uint64_t most = 0;
    for (std::uint32_t l = 0; l < 4 * tiles && l < r.link_packets.size(); ++l)
        most = std::max(most, r.link_packets[l]);
    if (most == 0) return img;
    const std::uint32_t bar = std::max<std::uint32_t>(2, cell / 4), tile_w = n.cores_per_tile * cell;
    for (std::uint32_t t = 0; t < tiles; ++t) {
        const std::uint32_t tx = t % n.width, ty = t / n.width;
        const auto east = r.link_packets[4 * t] + (tx + 1 < n.width ? r.link_packets[4 * (t + 1) + 1] : 0);
        const auto north =
            r.link_packets[4 * t + 2] + (ty + 1 < n.height ? r.link_packets[4 * (t + n.width) + 3] : 0);
        if (east)
            fill((tx + 1) * tile_w - bar / 2, top(ty) + cell / 4, bar, cell / 2,
                 static_cast<double>(east) / static_cast<double>(most));
        if (north && top(ty) >= bar / 2)
            fill(tx * tile_w + tile_w / 4, top(ty) - bar / 2, tile_w / 2, bar,
                 static_cast<double>(north) / static_cast<double>(most));
    }
    return img;
}

} // namespace spikekit::chips
