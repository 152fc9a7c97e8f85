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
// Files are written through io::write_atomically (spikekit/io/atomic_file.hpp): a temporary beside the
// target renamed into place, so a killed run leaves either the previous file or the complete new one.
#include <string>

#include "spikekit/core/simulation.hpp"
#include "spikekit/io/atomic_file.hpp"

namespace spikekit {

void write_results_hdf5(const std::string& path, const simulation& sim);

using io::write_atomically; // where it was declared before the I/O layer existed

} // namespace spikekit
