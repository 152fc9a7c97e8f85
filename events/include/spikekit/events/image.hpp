#pragma once
// Pictures of event streams a person can look at: an accumulated frame written as PNG or SVG.
#include <cstdint>
#include <string>
#include <vector>

#include "spikekit/events/transforms.hpp"

namespace spikekit::events {

struct rgb_image {
    std::uint32_t width = 0, height = 0;
    std::vector<std::uint8_t> rgb; // row-major, 3 bytes per pixel
};

// Frame `frame` of `bins` in the colours of Prophesee's viewer: dark background (30, 37, 52), ON events
// towards (216, 223, 236), OFF towards (64, 126, 201), each by the square root of its count (not netted, so
// pixels that saw both stay visible); colours saturate at the 99th percentile of the non-zero counts.
rgb_image render(const frame_binner& bins, std::size_t frame = 0);

// The image as an 8-bit RGB PNG (zlib-compressed); bytes of the file.
std::vector<std::uint8_t> encode_png(const rgb_image& img);

// The image as an SVG document (the PNG embedded, scaled without smoothing).
std::string encode_svg(const rgb_image& img);

} // namespace spikekit::events
