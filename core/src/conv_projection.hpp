#pragma once
// Convolutional projections with shared weights (connectivity rule "conv2d", network.hpp conv2d_spec): the
// kernel is stored once and applied event by event, so a converted CNN costs its kernel memory, not
// out_channels x positions x kernel synapses. A spike of source neuron (c, y, x) reaches, for every output
// channel o of c's group and every kernel tap (ky, kx) with y + pad - ky dil = oy stride (and the same in
// x), target (o, oy, ox) with weight kernel[o][c mod C/groups][ky][kx].
#include <cstdint>
#include <vector>

#include "spikekit/core/lowering.hpp"

namespace spikekit::detail {
using namespace spikekit::lowering; // the kernel's private pieces build on the public lowering

struct conv_projection {
    conv2d_spec geo;
    std::vector<float> kernel; // OIHW
    std::uint32_t delay = 1;   // steps
    std::uint32_t src_gid0 = 0;
    std::uint64_t chan_base = 0;
    std::vector<std::int32_t> out_row, out_col; // [y * kh + ky] -> oy, [x * kw + kx] -> ox; -1: no output

    explicit conv_projection(conv_kernel k); // from lowering::lower_conv
    // Adds the spikes of the source population (global ids, ascending) into ring slot (step + delay).
    void deliver(const std::vector<std::uint32_t>& spikes, std::int64_t step, std::uint32_t slots,
                 std::uint64_t channels, float* ring) const;
    std::uint64_t out_degree(std::uint32_t local) const; // connections of one source neuron
    std::uint64_t connections() const;                   // the synapses an expanded projection would have
};

} // namespace spikekit::detail
