#pragma once
// Transforms of event streams as range algorithms, `process(first, last, out) -> out_end`, in the style of
// <algorithm>: they read [first, last) of dvs_event, write the kept (and changed) events to `out` and return
// the end of what they wrote. `out` may equal `first` (in place). Stateful filters keep their state across
// calls, so a file is processed chunk by chunk exactly as if it were one range.
// Names follow Tonic's transforms (CenterCrop/Downsample/TimeSlice/RefractoryPeriod/Denoise/MergePolarities/
// ToFrame/ToTimesurface) so users find what they expect.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "spikekit/events/event.hpp"

namespace spikekit::events {

// A sensor region: columns [x0, x0 + width), rows [y0, y0 + height).
struct region {
    std::uint16_t x0 = 0, y0 = 0, width = 0, height = 0;
};

// Keep events inside `r`, moved so that r's corner becomes (0, 0).
template <class In, class Out>
Out crop(In first, In last, Out out, const region& r) {
    for (; first != last; ++first) {
        dvs_event e = *first;
        const unsigned dx = e.x - unsigned{r.x0}, dy = e.y - unsigned{r.y0}; // wraps for e.x < x0: rejected
        if (dx >= r.width || dy >= r.height) continue;
        e.x = static_cast<std::uint16_t>(dx);
        e.y = static_cast<std::uint16_t>(dy);
        *out++ = e;
    }
    return out;
}

// Divide coordinates by `factor` (>= 1): a sensor of W x H becomes ceil(W/f) x ceil(H/f).
template <class In, class Out>
Out downsample(In first, In last, Out out, unsigned factor) {
    for (; first != last; ++first) {
        dvs_event e = *first;
        e.x = static_cast<std::uint16_t>(e.x / factor);
        e.y = static_cast<std::uint16_t>(e.y / factor);
        *out++ = e;
    }
    return out;
}

// Keep events with t_from_us <= t < t_to_us.
template <class In, class Out>
Out time_window(In first, In last, Out out, std::int64_t t_from_us, std::int64_t t_to_us) {
    for (; first != last; ++first)
        if (first->t_us >= t_from_us && first->t_us < t_to_us) *out++ = *first;
    return out;
}

// All events become polarity 0 (one channel), as Tonic's MergePolarities.
template <class In, class Out>
Out merge_polarity(In first, In last, Out out) {
    for (; first != last; ++first) {
        dvs_event e = *first;
        e.p = 0;
        *out++ = e;
    }
    return out;
}

// Drops an event when the same pixel (either polarity) fired less than `period_us` before: the dead time
// of a pixel. Events outside the width x height sensor are dropped (never written out of bounds).
class refractory_filter {
  public:
    refractory_filter(std::uint16_t width, std::uint16_t height, std::int64_t period_us)
        : width_(width), height_(height), period_(period_us),
          last_(std::size_t{width} * height, INT64_MIN / 2) {}

    template <class In, class Out>
    Out process(In first, In last, Out out) {
        for (; first != last; ++first) {
            const dvs_event e = *first;
            if (e.x >= width_ || e.y >= height_) continue;
            std::int64_t& prev = last_[std::size_t{e.y} * width_ + e.x];
            if (e.t_us - prev < period_) continue;
            prev = e.t_us;
            *out++ = e;
        }
        return out;
    }

  private:
    std::uint16_t width_, height_;
    std::int64_t period_;
    std::vector<std::int64_t> last_;
};

// Background-activity (nearest-neighbour) filter, as in Delbruck's jAER BackgroundActivityFilter and
// Tonic's Denoise: keeps an event only if one of its 8 neighbours fired within `window_us` before it.
// Isolated noise events have no recent neighbours; edges of moving objects do. Events outside the sensor
// are dropped.
class nn_denoise {
  public:
    nn_denoise(std::uint16_t width, std::uint16_t height, std::int64_t window_us)
        : width_(width), height_(height), window_(window_us),
          last_(std::size_t{width + 2u} * (height + 2u), INT64_MIN / 2) {}

    template <class In, class Out>
    Out process(In first, In last, Out out) {
        const std::size_t stride = width_ + 2u;
        for (; first != last; ++first) {
            const dvs_event e = *first;
            if (e.x >= width_ || e.y >= height_) continue;
            // A one-pixel border around the map keeps the neighbour lookups branch-free.
            const std::size_t c = (std::size_t{e.y} + 1) * stride + e.x + 1;
            const std::int64_t* m = last_.data();
            const std::int64_t recent =
                std::max({m[c - stride - 1], m[c - stride], m[c - stride + 1], m[c - 1], m[c + 1],
                          m[c + stride - 1], m[c + stride], m[c + stride + 1]});
            last_[c] = e.t_us;
            if (e.t_us - recent <= window_) *out++ = e;
        }
        return out;
    }

  private:
    std::uint16_t width_, height_;
    std::int64_t window_;
    std::vector<std::int64_t> last_;
};

// Event counts binned into frames: counts[((frame * 2 + p) * height + y) * width + x]. With bin_us == 0
// everything goes into one frame (an accumulated image). Frame f covers [t0 + f*bin, t0 + (f+1)*bin);
// t0 is the first event's time. Events outside the sensor are not counted.
class frame_binner {
  public:
    frame_binner(std::uint16_t width, std::uint16_t height, std::int64_t bin_us)
        : width_(width), height_(height), bin_(bin_us) {}

    template <class In>
    void add(In first, In last) {
        for (; first != last; ++first) add(*first);
    }
    void add(const dvs_event& e);

    std::size_t frames() const { return frames_; }
    std::uint16_t width() const { return width_; }
    std::uint16_t height() const { return height_; }
    std::uint32_t at(std::size_t frame, unsigned p, unsigned y, unsigned x) const {
        return counts_[((frame * 2 + p) * height_ + y) * width_ + x];
    }
    const std::vector<std::uint32_t>& counts() const { return counts_; }

  private:
    std::uint16_t width_, height_;
    std::int64_t bin_, t0_ = 0;
    std::size_t frames_ = 0;
    std::vector<std::uint32_t> counts_;
};

// Exponentially decaying time surface (Lagorce et al. 2017, HOTS): per pixel and polarity the value
// exp(-(t - t_last) / tau) at query time t, 0 where the pixel never fired. Events outside the sensor are
// ignored.
class time_surface {
  public:
    time_surface(std::uint16_t width, std::uint16_t height, double tau_us)
        : width_(width), height_(height), tau_(tau_us), last_(std::size_t{2} * width * height, INT64_MIN) {}

    template <class In>
    void add(In first, In last) {
        for (; first != last; ++first)
            if (first->x < width_ && first->y < height_)
                last_[(std::size_t{first->p & 1u} * height_ + first->y) * width_ + first->x] = first->t_us;
    }
    // Values [p][y][x] at time t_us.
    std::vector<float> at(std::int64_t t_us) const;

  private:
    std::uint16_t width_, height_;
    double tau_;
    std::vector<std::int64_t> last_;
};

// The cut `spikekit events convert` and replays apply to a recording, chunk by chunk: a time window
// [from_us, to_us) counted from the first event of the stream, then a crop, then a downsampling, and
// optionally times made relative to the first event (rebase).
struct stream_cut {
    std::int64_t from_us = 0, to_us = INT64_MAX;
    std::optional<region> crop;
    unsigned factor = 1; // >= 1
    bool rebase = false;

    // The output sensor for an input of width x height (a crop reaching past the sensor is clipped).
    std::pair<std::uint16_t, std::uint16_t> size(std::uint16_t width, std::uint16_t height) const;
    // Cuts `ev` in place and returns how many events are kept; t0_us is the stream's first event time.
    std::size_t apply(std::span<dvs_event> ev, std::int64_t t0_us) const;
};

// Spike input for a population with one neuron per pixel and polarity of the (downsampled) sensor:
// neuron id = (p * height_ds + y / factor) * width_ds + x / factor, with width_ds = ceil(width / factor).
// Spike times are in ms from t0_us. Several events of one (downsampled) pixel in the same microsecond give
// one spike.
struct spike_input {
    std::uint32_t width = 0, height = 0;             // of the downsampled sensor
    std::vector<std::vector<double>> spike_times_ms; // per neuron, ascending
    std::size_t neurons() const { return spike_times_ms.size(); }
};

class spike_input_builder {
  public:
    spike_input_builder(std::uint16_t width, std::uint16_t height, unsigned factor, std::int64_t t0_us);
    template <class In>
    void add(In first, In last) {
        for (; first != last; ++first) add(*first);
    }
    void add(const dvs_event& e);
    spike_input take() { return std::move(result_); }

  private:
    unsigned factor_;
    std::int64_t t0_;
    std::vector<std::int64_t> last_t_;
    spike_input result_;
};

template <class In>
spike_input to_spike_input(In first, In last, std::uint16_t width, std::uint16_t height, unsigned factor = 1,
                           std::int64_t t0_us = 0) {
    spike_input_builder b(width, height, factor, t0_us);
    b.add(first, last);
    return b.take();
}

} // namespace spikekit::events
