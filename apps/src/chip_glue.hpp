#pragma once
// The command line's side of chips/: loading a network for a chip, the chip object of run --json.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "spikekit/chips/mapping.hpp"
#include "spikekit/chips/run.hpp"
#include "spikekit/core/network.hpp"

namespace spikekit::app {

// The description lowered for a chip (lif_int parameters through neurons::lower_int_lif).
chips::chip_network chip_network_of(const network_description& desc);

// The chip run's spikes as the kernel records them: the description's spike recorders, sorted by step then
// neuron.
std::vector<recorded_spikes> recorded_chip_spikes(const network_description& desc,
                                                  const std::vector<chips::chip_spikes>& spikes);

// spikekit run CONFIG --chip NAME ...: the run verb hands over here once the description is loaded; `out` is
// the HDF5 results file (none with --no-output).
int run_on_chip_verb(const args& a, const network_description& desc, const std::optional<std::string>& out);

} // namespace spikekit::app
