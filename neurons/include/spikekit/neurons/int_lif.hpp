#pragma once
// Lowering of the "lif_int" model's parameters (a checked param_map, integers in the model's units) to the
// integer parameters of spikekit/arith/int_lif.hpp. The kernel, the chip backends and the MCU exporter all
// call this, so a chip or an MCU runs a population with exactly the parameters the simulation used.
#include "spikekit/arith/int_lif.hpp"
#include "spikekit/core/params.hpp"

namespace spikekit::neurons {

// `p` as a population's params hold them: parameters not given take the model's defaults. The result may
// still be outside the profile; intlif::invalid_reason says why.
intlif::params lower_int_lif(const param_map& p);

} // namespace spikekit::neurons
