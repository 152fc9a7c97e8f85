#include "noc.hpp"

#include <algorithm>
#include <bit>

namespace spikekit::chips::detail {
namespace {
double or0(const maybe& m) {
    return m.value_or(0.0);
}
} // namespace

noc_model::noc_model(const chip_spec& c) : c_(&c), w_(c.grid_width), h_(c.grid_height) {
    if (c.noc.topology == noc_spec::kind::tree) {
        // level l (1..levels) has 4^(levels - l + 1) child links, each an up and a down link
        for (std::uint32_t l = 1; l <= c.noc.levels; ++l) {
            level_base_.push_back(n_links_);
            n_links_ += 2u * (w_ >> (l - 1)) * (h_ >> (l - 1));
        }
    } else {
        const std::uint32_t tiles = c.noc.width * c.noc.height;
        n_links_ = 4 * tiles + tiles; // 4 directions per tile, then each tile's crossbar
    }
}

std::uint32_t noc_model::tile_of(std::uint32_t core) const {
    if (c_->noc.topology == noc_spec::kind::tree) return core;
    const std::uint32_t x = core % w_, y = core / w_;
    return y * c_->noc.width + x / c_->noc.cores_per_tile;
}

std::uint32_t noc_model::hops(std::uint32_t a, std::uint32_t b) const {
    if (a == b) return 0;
    const std::uint32_t xa = a % w_, ya = a / w_, xb = b % w_, yb = b / w_;
    if (c_->noc.topology == noc_spec::kind::tree)
        return 2 * static_cast<std::uint32_t>(std::bit_width(std::max(xa ^ xb, ya ^ yb)));
    const auto& n = c_->noc;
    const std::uint32_t ta = xa / n.cores_per_tile, tb = xb / n.cores_per_tile;
    std::uint32_t dx = ta > tb ? ta - tb : tb - ta, dy = ya > yb ? ya - yb : yb - ya;
    if (n.topology == noc_spec::kind::torus) {
        dx = std::min(dx, n.width - dx);
        dy = std::min(dy, n.height - dy);
    }
    return dx + dy;
}

void noc_model::route(std::uint32_t a, std::uint32_t b, std::vector<hop>& out) const {
    if (a == b) return;
    const std::uint32_t xa = a % w_, ya = a / w_, xb = b % w_, yb = b / w_;
    const auto& n = c_->noc;
    if (n.topology == noc_spec::kind::tree) {
        const auto k = static_cast<std::uint32_t>(std::bit_width(std::max(xa ^ xb, ya ^ yb)));
        auto link = [&](std::uint32_t l, std::uint32_t x, std::uint32_t y, std::uint32_t dir) {
            const std::uint32_t cw = w_ >> (l - 1), cx = x >> (l - 1), cy = y >> (l - 1);
            const auto& hc = n.level_hop[l - 1];
            return hop{level_base_[l - 1] + 2 * (cy * cw + cx) + dir, or0(hc.latency_s), or0(hc.energy_j),
                       true};
        };
        for (std::uint32_t l = 1; l <= k; ++l) out.push_back(link(l, xa, ya, 0));
        for (std::uint32_t l = k; l >= 1; --l) out.push_back(link(l, xb, yb, 1));
        return;
    }
    std::uint32_t tx = xa / n.cores_per_tile, ty = ya;
    const std::uint32_t bx = xb / n.cores_per_tile, by = yb;
    if (tx == bx && ty == by) {
        out.push_back({4 * n.width * n.height + ty * n.width + tx, or0(n.within_tile.latency_s),
                       or0(n.within_tile.energy_j), false});
        return;
    }
    // direction 0 east (+x), 1 west, 2 north (+y), 3 south
    auto step = [&](std::uint32_t& pos, std::uint32_t to, std::uint32_t size, std::uint32_t plus,
                    const hop_cost& hc) {
        while (pos != to) {
            bool up = to > pos;
            if (n.topology == noc_spec::kind::torus) {
                const std::uint32_t fwd = (to + size - pos) % size;
                up = fwd <= size - fwd;
            }
            const std::uint32_t tile = ty * n.width + tx;
            out.push_back({4 * tile + (up ? plus : plus + 1), or0(hc.latency_s), or0(hc.energy_j), true});
            pos = up ? (pos + 1) % size : (pos + size - 1) % size;
        }
    };
    step(tx, bx, n.width, 0, n.east_west);
    step(ty, by, n.height, 2, n.north_south);
}

std::string noc_model::link_name(std::uint32_t link) const {
    if (c_->noc.topology == noc_spec::kind::tree) {
        std::uint32_t l = 0;
        while (l + 1 < level_base_.size() && link >= level_base_[l + 1]) ++l;
        const std::uint32_t i = (link - level_base_[l]) / 2, cw = w_ >> l;
        return "L" + std::to_string(l + 1) + " (" + std::to_string(i % cw) + "," + std::to_string(i / cw) +
               ")" + ((link - level_base_[l]) % 2 ? " down" : " up");
    }
    const std::uint32_t tiles = c_->noc.width * c_->noc.height;
    if (link >= 4 * tiles) {
        const std::uint32_t t = link - 4 * tiles;
        return "tile (" + std::to_string(t % c_->noc.width) + "," + std::to_string(t / c_->noc.width) +
               ") local";
    }
    static const char* dirs[] = {"east", "west", "north", "south"};
    const std::uint32_t t = link / 4;
    return "tile (" + std::to_string(t % c_->noc.width) + "," + std::to_string(t / c_->noc.width) + ") " +
           dirs[link % 4];
}

} // namespace spikekit::chips::detail
