#pragma once
// Routes on the network-on-chip: which links a packet crosses between two cores, and what each costs.
//  tree  (4-ary, PAICORE): a packet climbs from the source core to the lowest cluster holding both cores
//        and descends; level l links (l = 1 leaf) cost noc.hops[l - 1]. Cores (x, y) and (x', y') meet at
//        level bit_length(max(x ^ x', y ^ y')), so hops = 2 x that level (notes/chips.md 1.1, derived).
//  mesh / torus: dimension-order routing between tiles, x first then y (a torus takes the shorter way round);
//        cores of one tile talk through the tile's crossbar (within_tile cost, not a hop).
#include <cstdint>
#include <string>
#include <vector>

#include "spikekit/chips/chip.hpp"

namespace spikekit::chips::detail {

struct hop {
    std::uint32_t link = 0;
    double latency = 0, energy = 0;
    bool is_hop = true; // false: a tile's internal crossbar
};

class noc_model {
  public:
    explicit noc_model(const chip_spec& c);
    void route(std::uint32_t a, std::uint32_t b, std::vector<hop>& out) const;
    std::uint32_t hops(std::uint32_t a, std::uint32_t b) const;
    std::uint32_t links() const { return n_links_; }
    std::uint32_t tile_of(std::uint32_t core) const;
    std::string link_name(std::uint32_t link) const;
    std::uint32_t width() const { return w_; }

  private:
    const chip_spec* c_;
    std::uint32_t w_, h_, n_links_ = 0;
    std::vector<std::uint32_t> level_base_; // tree: first link id of each level
};

} // namespace spikekit::chips::detail
