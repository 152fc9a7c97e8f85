#pragma once
// The public lowering: exactly the synapses, weights and delays the simulation kernel builds from a
// network description and its seed, for the other consumers of a description (chip models, the MCU
// exporter), so they run the kernel's network.
#include <cstdint>
#include <vector>

#include "spikekit/core/network.hpp"

namespace spikekit::lowering {

// The synapses of one projection in generation order.
struct synapse_list {
    std::vector<std::uint32_t> source, target, delay_steps;
    std::vector<float> weight;
};

// A conv2d projection: its geometry, the shared kernel (OIHW) and its delay in steps.
struct conv_kernel {
    conv2d_spec geometry;
    std::vector<float> weight;
    std::uint32_t delay_steps = 1;
};

// input_error (file, projection) for what the kernel refuses too. Not for conv2d projections.
synapse_list lower_synapses(const network_description& d, std::size_t projection_index);
conv_kernel lower_conv(const network_description& d, std::size_t projection_index);
double lowered_dt(const network_description& d);

// One axis of a convolution: for input position i and kernel tap t, the output position it reaches, or -1
// (entry i * k + t), with i + pad - t dil = o stride and 0 <= o < n_out.
std::vector<std::int32_t> conv_taps(std::uint32_t n_in, std::uint32_t k, std::uint32_t stride,
                                    std::uint32_t pad, std::uint32_t dil, std::uint32_t n_out);

} // namespace spikekit::lowering
