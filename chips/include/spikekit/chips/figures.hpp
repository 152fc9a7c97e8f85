#pragma once
// Pictures of a chip run, drawn with the figure library (spikekit/io/figure.hpp).
//
// chip_figure: the chip laid out as its grid, two panels. "Core load": every core a square coloured by its
// busy time over the busiest core's (colour bar), unused cores light grey, tile or cluster borders drawn.
// "Link traffic": on mesh and torus chips every tile-to-tile link a bar on the border between the two tiles
// (east and west links the upper and lower half of a vertical border, north and south the left and right
// half of a horizontal one) and every tile filled by the packets through its crossbar; on tree chips every
// core's level-1 link (up + down packets); one colour bar in packets. The title names the chip, the network
// and the run.
//
// latency_figure: the latency of every time step (us) against the step, with its mean and maximum as
// horizontal lines (legend with their values).
#include <string>

#include "spikekit/chips/chip.hpp"
#include "spikekit/chips/run.hpp"
#include "spikekit/io/figure.hpp"

namespace spikekit::chips {

io::figure chip_figure(const chip_spec& chip, const chip_report& r, const std::string& network);
io::figure latency_figure(const chip_report& r, const std::string& network);

} // namespace spikekit::chips
