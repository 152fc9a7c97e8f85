#pragma once
// The one PNG writer of spikekit: 8-bit RGB pixels to a PNG file (signature, IHDR, one IDAT of zlib data,
// IEND; PNG specification, W3C 2003, sections 5 and 11). Figures (figure.hpp), event-camera frames and chip
// heat maps all go through it.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace spikekit::io {

// Plain pixels: row-major, 3 bytes (R, G, B) per pixel, y = 0 at the top.
struct image {
    std::uint32_t width = 0, height = 0;
    std::vector<std::uint8_t> rgb;
};

// The bytes of a PNG file holding `img` (truecolour, 8 bits, filter None, zlib level 6). Throws
// runtime_error when rgb.size() != 3 * width * height or zlib fails.
std::vector<std::uint8_t> encode_png(const image& img);

// encode_png written to `path` atomically (atomic_file.hpp).
void write_png(const std::string& path, const image& img);

// RFC 4648 base64 with padding (for data: URIs, e.g. a PNG embedded in an SVG).
std::string base64(std::span<const std::uint8_t> bytes);

} // namespace spikekit::io
