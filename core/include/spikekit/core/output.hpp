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

// The same file from a run's parts, whoever ran it (the kernel above; a chip model: spikekit run --chip).
struct run_results {
    const network_description& description;
    double dt_ms = 0, t_stop_ms = 0;
    const std::vector<recorded_spikes>& spikes;
    const std::vector<recorded_trace>& traces;
    const std::vector<projection_weights>& weights; // plastic projections' learned weights
};
void write_results_hdf5(const std::string& path, const run_results& r);

// The config stored in an output file: the /spikekit/config dataset, or the `config` attribute of /spikekit
// in files written before configs outgrew attributes (64 KB).
std::string results_config(const std::string& path);

using io::write_atomically; // where it was declared before the I/O layer existed

} // namespace spikekit
