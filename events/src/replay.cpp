#include "spikekit/events/replay.hpp"

#include "spikekit/core/error.hpp"
#include "spikekit/events/camera_replay.hpp"
#include "spikekit/events/digits.hpp"
#include "spikekit/events/ecg.hpp"

namespace spikekit::events {
namespace {
// The pixels of a rates_from input's images, one per neuron it drives.
void resolve_image_rates(const network_description& d, input& in, const std::string& where) {
    auto& s = *in.rates_from;
    const digit_set images =
        s.shuffle ? shuffled(load_digit_images(s.file), s.shuffle) : load_digit_images(s.file);
    if (std::uint64_t{s.first} + s.count > images.size())
        throw input_error(d.source_file, where + ".count",
                          "images " + std::to_string(s.first) + " .. " +
                              std::to_string(std::uint64_t{s.first} + s.count - 1) + " asked for, but " +
                              s.file + " holds " + std::to_string(images.size()));
    const population* p = d.find_population(in.target);
    const std::size_t n = in.neurons.all ? (p ? p->size : 0) : in.neurons.ids.size();
    if (n != digit_pixels)
        throw input_error(d.source_file, where,
                          "the images have " + std::to_string(digit_pixels) +
                              " pixels, but the input drives " + std::to_string(n) +
                              " neurons (one per pixel)");
    s.pixels.assign(images.image(s.first), images.image(s.first) + std::size_t{s.count} * digit_pixels);
}
} // namespace

void resolve_replays(network_description& d) {
    for (std::size_t k = 0; k < d.inputs.size(); ++k)
        if (d.inputs[k].rates_from)
            resolve_image_rates(d, d.inputs[k], "inputs[" + std::to_string(k) + "].rates_from");
    for (std::size_t k = 0; k < d.populations.size(); ++k) {
        auto& p = d.populations[k];
        if (!p.replay) continue;
        const std::string where = "populations[" + std::to_string(k) + "].replay";
        const auto& r = *p.replay;
        if (r.kind == "events")
            p.spike_times = camera_replay_spike_times(r.file, r.options, p.size, where);
        else if (r.kind == "ecg")
            p.spike_times = ecg_replay_spike_times(r.file, r.options, p.size, where);
        else
            throw input_error(d.source_file, where + ".kind", "unknown replay kind '" + r.kind + "' (expected events or ecg)");
    }
}

} // namespace spikekit::events
