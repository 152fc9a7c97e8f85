// Non-template parts of the transforms: frame binning, time surfaces, spike input.
#include <algorithm>
#include <stdexcept>

#include "spikekit/events/transforms.hpp"

namespace spikekit::events {

std::pair<std::uint16_t, std::uint16_t> stream_cut::size(std::uint16_t width, std::uint16_t height) const {
    unsigned w = width, h = height;
    if (crop) {
        w = crop->x0 < w ? std::min<unsigned>(crop->width, w - crop->x0) : 0;
        h = crop->y0 < h ? std::min<unsigned>(crop->height, h - crop->y0) : 0;
    }
    return {static_cast<std::uint16_t>((w + factor - 1) / factor),
            static_cast<std::uint16_t>((h + factor - 1) / factor)};
}

std::size_t stream_cut::apply(std::span<dvs_event> ev, std::int64_t t0_us) const {
    const std::int64_t lo = t0_us + from_us, hi = to_us > INT64_MAX - t0_us ? INT64_MAX : t0_us + to_us;
    auto end = time_window(ev.begin(), ev.end(), ev.begin(), lo, hi);
    if (crop) end = events::crop(ev.begin(), end, ev.begin(), *crop);
    if (factor > 1) end = downsample(ev.begin(), end, ev.begin(), factor);
    if (rebase) std::for_each(ev.begin(), end, [t0_us](dvs_event& e) { e.t_us -= t0_us; });
    return static_cast<std::size_t>(end - ev.begin());
}

void frame_binner::add(const dvs_event& e) {
    if (e.x >= width_ || e.y >= height_) return;
    if (frames_ == 0) t0_ = e.t_us;
    const std::int64_t dt = e.t_us - t0_;
    const std::size_t f = bin_ > 0 && dt > 0 ? static_cast<std::size_t>(dt / bin_) : 0;
    const std::size_t frame_size = std::size_t{2} * width_ * height_;
    if (f >= frames_) {
        frames_ = f + 1;
        counts_.resize(frames_ * frame_size, 0);
    }
    ++counts_[((f * 2 + (e.p & 1u)) * height_ + e.y) * width_ + e.x];
}

std::vector<float> time_surface::at(std::int64_t t_us) const {
    std::vector<float> s(last_.size(), 0.0f);
    for (std::size_t i = 0; i < last_.size(); ++i)
        if (last_[i] != INT64_MIN && last_[i] <= t_us)
            s[i] = static_cast<float>(std::exp(-static_cast<double>(t_us - last_[i]) / tau_));
    return s;
}

spike_input_builder::spike_input_builder(std::uint16_t width, std::uint16_t height, unsigned factor,
                                         std::int64_t t0_us)
    : factor_(factor), t0_(t0_us) {
    if (factor == 0) throw std::invalid_argument("spike input: the downsampling factor must be >= 1");
    result_.width = (width + factor - 1) / factor;
    result_.height = (height + factor - 1) / factor;
    const std::size_t n = std::size_t{2} * result_.width * result_.height;
    result_.spike_times_ms.resize(n);
    last_t_.assign(n, INT64_MIN);
}

void spike_input_builder::add(const dvs_event& e) {
    const std::size_t x = e.x / factor_, y = e.y / factor_;
    if (x >= result_.width || y >= result_.height) return; // outside the declared sensor
    const std::size_t id = ((e.p & 1u) * std::size_t{result_.height} + y) * result_.width + x;
    if (last_t_[id] == e.t_us) return; // merged pixels firing in the same microsecond: one spike
    last_t_[id] = e.t_us;
    result_.spike_times_ms[id].push_back(static_cast<double>(e.t_us - t0_) * 1e-3);
}

} // namespace spikekit::events
