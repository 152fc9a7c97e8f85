#pragma once
// A picture of a chip run: every core a square coloured by its load (busy time over the busiest core's),
// and on mesh and torus chips every tile-to-tile link a bar on the tile's edge coloured by its packets over
// the busiest link's. Plain RGB pixels: the command line encodes them (PNG).
#include <cstdint>
#include <vector>

#include "spikekit/chips/chip.hpp"
#include "spikekit/chips/run.hpp"

namespace spikekit::chips {

struct raster {
    std::uint32_t width = 0, height = 0;
    std::vector<std::uint8_t> rgb; // row-major, 3 bytes per pixel, y = 0 at the top (the grid's highest row)
};

raster heat_map(const chip_spec& chip, const chip_report& r);

} // namespace spikekit::chips
