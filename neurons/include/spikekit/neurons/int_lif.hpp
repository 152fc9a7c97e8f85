#pragma once
// Lowering of the "lif_int" model's parameters (a checked param_map, integers in the model's units) to the
// integer parameters of spikekit/arith/int_lif.hpp. The kernel, the chip backends and the MCU exporter all
// call this, so a chip or an MCU runs a population with exactly the parameters the simulation used.
#include "spikekit/arith/int_lif.hpp"
#include <cstddef>
#include <cstdint>
#include <vector>

#include "spikekit/core/model.hpp"
#include "spikekit/core/network.hpp"
#include "spikekit/core/params.hpp"

namespace spikekit::neurons {

// `p` as a population's params hold them: parameters not given take the model's defaults. The result may
// still be outside the profile; intlif::invalid_reason says why.
intlif::params lower_int_lif(const param_map& p);

// A lif_int population as chips and the MCU runtime hold it: the parameters its neurons share, and each
// neuron's bias and threshold (one per neuron, equal when the description gives one value), drawn as the
// kernel draws them (lowering::lower_params). `shared.bias` and `shared.threshold` are neuron 0's.
struct int_lif_population {
    intlif::params shared;
    std::vector<std::int32_t> bias, threshold;
    bool varies = false; // bias or threshold differs between neurons
};
// input_error naming the description's file, the JSON path, the neuron and the problem when a neuron's
// set is outside the profile, or a parameter other than bias and threshold varies between neurons (the
// kernel runs that; a chip's or MCU's neuron memory does not hold it).
int_lif_population lower_int_lif(const network_description& d, const model_registry& models,
                                 std::size_t population);

} // namespace spikekit::neurons
