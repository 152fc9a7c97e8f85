// Replaying an event-camera recording into a spike_source population: the file, cut, as per-neuron spike
// times; the options of a config's replay declared as data and checked once.
#include "spikekit/events/camera_replay.hpp"

#include <array>
#include <cmath>

#include "spikekit/core/error.hpp"

namespace spikekit::events {
namespace {

constexpr std::array<param_info, 7> params = {{
    {"from_ms", "ms", 0.0, 0.0, unbounded, "start of the replayed window, counted from the first event"},
    {"to_ms", "ms", unbounded, 0.0, unbounded, "end of the replayed window (exclusive); default: the end"},
    {"downsample", "1", 1.0, 1.0, 65535.0, "pixels merged per neuron along x and along y", true},
    {"crop_x", "1", 0.0, 0.0, 65535.0, "first column of the crop", true},
    {"crop_y", "1", 0.0, 0.0, 65535.0, "first row of the crop", true},
    {"crop_width", "1", 0.0, 0.0, 65535.0, "columns of the crop, 0 = no crop", true},
    {"crop_height", "1", 0.0, 0.0, 65535.0, "rows of the crop, 0 = no crop", true},
}};

std::int64_t ms_to_us(double ms) {
    return std::llround(std::min(ms * 1e3, 9e18));
}

// The checked options as a cut.
stream_cut cut_from(const std::string& file, const param_map& options, const std::string& where) {
    for (const auto& [name, value] : options) {
        const auto* p = find_param(params, name);
        if (!p)
            throw input_error(
                file, where + "." + name,
                "unknown events replay option (expected from_ms, to_ms, downsample, crop_x, crop_y, "
                "crop_width, crop_height)");
        if (auto problem = check_range(*p, value); !problem.empty())
            throw input_error(file, where + "." + name, problem);
    }
    const auto o = with_defaults(params, options);
    stream_cut c;
    c.from_us = ms_to_us(o.at("from_ms"));
    c.to_us = std::isinf(o.at("to_ms")) ? INT64_MAX : ms_to_us(o.at("to_ms"));
    if (c.to_us <= c.from_us) throw input_error(file, where + ".to_ms", "the window must end after from_ms");
    c.factor = static_cast<unsigned>(o.at("downsample"));
    const bool crop_w = o.at("crop_width") > 0, crop_h = o.at("crop_height") > 0;
    if (crop_w != crop_h)
        throw input_error(file, where + (crop_w ? ".crop_height" : ".crop_width"),
                          "a crop needs both crop_width and crop_height > 0");
    if (crop_w)
        c.crop = region{
            static_cast<std::uint16_t>(o.at("crop_x")), static_cast<std::uint16_t>(o.at("crop_y")),
            static_cast<std::uint16_t>(o.at("crop_width")), static_cast<std::uint16_t>(o.at("crop_height"))};
    return c;
}

} // namespace

spike_input replay_events(const std::string& path, const stream_cut& cut) {
    event_reader r(path);
    std::uint16_t w = r.info().width, h = r.info().height;
    if (w == 0 || h == 0) { // no header (N-MNIST): the extent of the events, one extra pass
        const auto s = summarize(path);
        w = s.width();
        h = s.height();
    }
    stream_cut c = cut;
    c.rebase = false;
    const auto [cw, ch] = c.size(w, h);
    std::optional<spike_input_builder> b;
    std::int64_t t0 = 0; // the first event's time: the window counts from it
    std::vector<dvs_event> buf(1 << 16);
    while (const std::size_t n = r.read(buf)) {
        if (!b) {
            t0 = buf[0].t_us;
            b.emplace(cw, ch, 1u, t0 + c.from_us);
        }
        const std::size_t kept = c.apply(std::span<dvs_event>(buf.data(), n), t0);
        b->add(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(kept));
    }
    return b ? b->take() : spike_input_builder(cw, ch, 1u, 0).take();
}

std::span<const param_info> camera_replay_params() {
    return params;
}

std::vector<std::vector<double>> camera_replay_spike_times(const std::string& file, const param_map& options,
                                                           std::size_t size, const std::string& where) {
    auto si = replay_events(file, cut_from(file, options, where));
    if (size != si.neurons())
        throw input_error(file, where,
                          "the population has " + std::to_string(size) +
                              " neurons but replaying this recording needs " + std::to_string(si.neurons()) +
                              " (2 polarities x " + std::to_string(si.width) + " x " +
                              std::to_string(si.height) + " pixels)");
    return std::move(si.spike_times_ms);
}

} // namespace spikekit::events
