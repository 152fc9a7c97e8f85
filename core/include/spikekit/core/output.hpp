#pragma once
// Results on disk.
//
// Spikes follow the SONATA spike-file layout:
//   /spikes/<population>/timestamps  float64 [ms], attribute units = "ms"
//   /spikes/<population>/node_ids    uint64 (index within the population)
//   /spikes/<population>             attribute sorting = "by_time"
// State traces follow the SONATA report layout, one report per population and variable:
//   /report/<population>/<variable>/data               float32 [samples x neurons], attribute units
//   /report/<population>/<variable>/mapping/node_ids   uint64 [neurons]
//   /report/<population>/<variable>/mapping/time       float64 [start, stop, step] in ms (stop exclusive)
// and provenance in /spikekit (attributes: version, config (JSON), dt, t_stop, seed).
//
// Files are written to a temporary beside the target and renamed into place, so a killed run leaves either
// the previous file or the complete new one, never a partial file.
#include <functional>
#include <string>

#include "spikekit/core/simulation.hpp"

namespace spikekit {

void write_results_hdf5(const std::string& path, const simulation& sim);

// Write through `write(tmp_path)` then rename to `path`; the temporary is removed on failure.
void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write);

} // namespace spikekit
