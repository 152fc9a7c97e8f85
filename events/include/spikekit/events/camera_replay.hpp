#pragma once
// A recording as spike input for a spike_source population: one neuron per pixel and polarity of the
// (cropped, downsampled) sensor, spike times in ms from the start of the window. This is what a config's
// `"replay": {"kind": "events", "file": ..., <option>: number}` resolves to (core/network.hpp replay_spec).
#include <span>
#include <string>
#include <vector>

#include "spikekit/core/params.hpp"
#include "spikekit/events/reader.hpp"
#include "spikekit/events/transforms.hpp"

namespace spikekit::events {

// Reads `path` chunk by chunk (bounded memory besides the spike lists) through `cut` (cut.rebase is
// ignored: times always count from the window start, first event + cut.from_us). Neuron ids as in
// spike_input; the population size is spike_input::neurons(). Bad files throw input_error.
spike_input replay_events(const std::string& path, const stream_cut& cut = {});

// Options of an event-camera replay, as data: from_ms, to_ms (window counted from the first event),
// downsample, crop_x, crop_y, crop_width, crop_height (crop_width = crop_height = 0: no crop).
std::span<const param_info> camera_replay_params();

// Spike times (ms, one list per neuron) for a spike_source population of `size` neurons replaying `file`
// with `options`. The size must be 2 x width x height of the cut sensor. input_error naming the file or
// `where`.option for unknown or out-of-range options and for a size that does not match.
std::vector<std::vector<double>> camera_replay_spike_times(const std::string& file, const param_map& options,
                                                           std::size_t size,
                                                           const std::string& where = "replay");

} // namespace spikekit::events
