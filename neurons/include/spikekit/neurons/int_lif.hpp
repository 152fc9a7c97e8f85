#pragma once
// The lif_int model's parameters lowered to the integer arithmetic (int_lif_arith.hpp), for the consumers
// of a description that run the same neurons outside the kernel (chip models, the MCU exporter).
#include "spikekit/core/params.hpp"
#include "spikekit/neurons/int_lif_arith.hpp"

namespace spikekit::neurons {

// `p` holds every lif_int parameter (the model's defaults applied: with_defaults).
intlif::params lower_int_lif(const param_map& p);

} // namespace spikekit::neurons
