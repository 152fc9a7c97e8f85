#pragma once
// Lowering of the "stdp_int" rule's parameters (user units: ms, LSB) to the integer parameters of
// int_stdp_arith.hpp. The kernel, the chip backends and the MCU exporter all call this, so a chip is
// loaded with exactly the table the simulation used.
#include "spikekit/core/params.hpp"
#include "spikekit/learning/int_stdp_arith.hpp"

namespace spikekit::learning {

// `p` complete and checked (validate_plasticity with rule "stdp_int"); the table is sampled on the grid of
// dt_ms: entry k holds round(2^frac_bits * window((lut_first + k) dt_ms)), lut_first = -lut_len / 2.
intstdp::params lower_int_stdp(const param_map& p, double dt_ms);
// Steps between two weight-decay events: round(decay_interval / dt_ms), at least 1.
std::int64_t int_stdp_decay_steps(const param_map& p, double dt_ms);

} // namespace spikekit::learning
