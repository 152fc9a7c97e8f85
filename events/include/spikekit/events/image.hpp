#pragma once
// Pictures of event streams a person can look at: an accumulated frame written as PNG or SVG.
#include <cstdint>
#include <string>
#include <vector>

#include "spikekit/events/transforms.hpp"
#include "spikekit/io/png.hpp"

namespace spikekit::events {

// Row-major, 3 bytes per pixel; io::encode_png / io::write_png (the one PNG writer) turn it into a file.
using rgb_image = io::image;

// Frame `frame` of `bins` in the colours of Prophesee's viewer: dark background (30, 37, 52), ON events
// towards (216, 223, 236), OFF towards (64, 126, 201), each by the square root of its count (not netted, so
// pixels that saw both stay visible); colours saturate at the 99th percentile of the non-zero counts.
rgb_image render(const frame_binner& bins, std::size_t frame = 0);

// The image as an SVG document (the PNG embedded, scaled without smoothing).
std::string encode_svg(const rgb_image& img);

} // namespace spikekit::events
