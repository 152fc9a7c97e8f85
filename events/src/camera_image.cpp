// Rendering and a minimal PNG encoder (signature, IHDR, one IDAT of zlib data, IEND; PNG spec, W3C 2003).
#include <algorithm>
#include <cmath>
#include <zlib.h>

#include "spikekit/core/error.hpp"
#include "spikekit/events/image.hpp"

namespace spikekit::events {
namespace {

void put32(std::vector<std::uint8_t>& v, std::uint32_t x) {
    for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<std::uint8_t>(x >> s));
}

void chunk(std::vector<std::uint8_t>& png, const char* type, const std::vector<std::uint8_t>& data) {
    put32(png, static_cast<std::uint32_t>(data.size()));
    const std::size_t start = png.size();
    png.insert(png.end(), type, type + 4);
    png.insert(png.end(), data.begin(), data.end());
    const uLong crc = crc32(0L, png.data() + start, static_cast<uInt>(png.size() - start));
    put32(png, static_cast<std::uint32_t>(crc));
}

std::string base64(const std::vector<std::uint8_t>& in) {
    static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < in.size(); i += 3) {
        const std::uint32_t b = std::uint32_t{in[i]} << 16 |
                                (i + 1 < in.size() ? std::uint32_t{in[i + 1]} << 8 : 0u) |
                                (i + 2 < in.size() ? in[i + 2] : 0u);
        out += abc[b >> 18];
        out += abc[(b >> 12) & 63];
        out += i + 1 < in.size() ? abc[(b >> 6) & 63] : '=';
        out += i + 2 < in.size() ? abc[b & 63] : '=';
    }
    return out;
}

// The colours of Prophesee's Metavision viewer, which users of event cameras know: a dark background, ON
// events light, OFF events blue.
constexpr double background[3] = {30, 37, 52}, on_colour[3] = {216, 223, 236}, off_colour[3] = {64, 126, 201};

// Count at which a pixel's colour saturates: the 99th percentile of the non-zero per-polarity counts, so a
// few hot pixels do not make the rest invisible.
double saturation(const frame_binner& bins, std::size_t frame) {
    const std::size_t n = std::size_t{2} * bins.width() * bins.height();
    const auto first = bins.counts().begin() + static_cast<std::ptrdiff_t>(frame * n);
    std::vector<std::uint32_t> counts(first, first + static_cast<std::ptrdiff_t>(n));
    const auto nonzero_end =
        std::partition(counts.begin(), counts.end(), [](std::uint32_t c) { return c != 0; });
    if (nonzero_end == counts.begin()) return 1.0;
    const auto p99 = counts.begin() + (nonzero_end - counts.begin()) * 99 / 100;
    std::nth_element(counts.begin(), p99, nonzero_end);
    return std::max(1.0, static_cast<double>(*p99));
}

} // namespace

rgb_image render(const frame_binner& bins, std::size_t frame) {
    rgb_image img;
    img.width = bins.width();
    img.height = bins.height();
    img.rgb.assign(std::size_t{3} * img.width * img.height, 0);
    const bool empty = frame >= bins.frames();
    const double scale = empty ? 1.0 : saturation(bins, frame);
    for (unsigned y = 0; y < img.height; ++y)
        for (unsigned x = 0; x < img.width; ++x) {
            // ON and OFF are blended separately (not netted), so a pixel that saw both stays visible.
            // Square root: single events in a busy scene stay visible (a gamma of 0.5).
            const double on = empty ? 0.0 : std::sqrt(std::min(1.0, bins.at(frame, 1, y, x) / scale));
            const double off = empty ? 0.0 : std::sqrt(std::min(1.0, bins.at(frame, 0, y, x) / scale));
            std::uint8_t* px = &img.rgb[3 * (std::size_t{y} * img.width + x)];
            for (int c = 0; c < 3; ++c) {
                const double v = background[c] + on * (on_colour[c] - background[c]) +
                                 off * (off_colour[c] - background[c]);
                px[c] = static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 255.0)));
            }
        }
    return img;
}

std::vector<std::uint8_t> encode_png(const rgb_image& img) {
    std::vector<std::uint8_t> raw;
    raw.reserve((std::size_t{3} * img.width + 1) * img.height);
    for (std::uint32_t y = 0; y < img.height; ++y) {
        raw.push_back(0); // filter type None
        const auto row = img.rgb.begin() + static_cast<std::ptrdiff_t>(std::size_t{3} * img.width * y);
        raw.insert(raw.end(), row, row + static_cast<std::ptrdiff_t>(3 * img.width));
    }
    uLongf zlen = compressBound(static_cast<uLong>(raw.size()));
    std::vector<std::uint8_t> z(zlen);
    if (compress2(z.data(), &zlen, raw.data(), static_cast<uLong>(raw.size()), 6) != Z_OK)
        throw runtime_error("PNG: zlib compression failed");
    z.resize(zlen);
    std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    std::vector<std::uint8_t> ihdr;
    put32(ihdr, img.width);
    put32(ihdr, img.height);
    ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0}); // 8-bit, truecolour, deflate, adaptive filters, no interlace
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", z);
    chunk(png, "IEND", {});
    return png;
}

std::string encode_svg(const rgb_image& img) {
    const std::string w = std::to_string(img.width), h = std::to_string(img.height);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
           w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h + "\">\n  <image width=\"" + w +
           "\" height=\"" + h + "\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64," +
           base64(encode_png(img)) + "\"/>\n</svg>\n";
}

} // namespace spikekit::events
