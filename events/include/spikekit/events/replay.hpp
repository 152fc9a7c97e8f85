#pragma once
// Recordings replayed into networks: a population of model spike_source with
//   "replay": {"kind": "events", "file": "rec.raw", <option>: number}   (event camera, camera_replay.hpp)
//   "replay": {"kind": "ecg",    "file": "100.hea", <option>: number}   (ECG, ecg.hpp)
// gets its spike times from the recording, paced in simulated time (one recording ms per simulated ms,
// from the start of the chosen window). Call before building the simulation; the description keeps the
// replay (not the times) when saved, so the recording stays the source.
// Poisson inputs with "rates_from": {"images": FILE, ...} get their images' pixels the same way
// (digits.hpp reads the file; docs/config.md).
#include "spikekit/core/network.hpp"

namespace spikekit::events {

// Fills spike_times of every population with a replay. input_error naming the file, or
// populations[k].replay.<option>, for a bad recording, an unknown option or a population size that does not
// match the recording's neurons; also fills the pixels of every rates_from input (input_error naming
// inputs[k].rates_from for too few images or a pixel count that differs from the neurons driven).
void resolve_replays(network_description& d);

} // namespace spikekit::events
