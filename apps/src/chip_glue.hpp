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

// spikekit run CONFIG --chip NAME ...: the run verb hands over here once the description is loaded.
int run_on_chip_verb(const args& a, const network_description& desc);

} // namespace spikekit::app
