// Rendering event frames; PNG encoding is io's (spikekit/io/png.hpp).
#include <algorithm>
#include <cmath>

#include "spikekit/core/error.hpp"
#include "spikekit/events/image.hpp"

namespace spikekit::events {
namespace {

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

std::string encode_svg(const rgb_image& img) {
    const std::string w = std::to_string(img.width), h = std::to_string(img.height);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
           w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h + "\">\n  <image width=\"" + w +
           "\" height=\"" + h + "\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64," +
           io::base64(io::encode_png(img)) + "\"/>\n</svg>\n";
}

} // namespace spikekit::events
