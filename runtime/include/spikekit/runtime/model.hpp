#pragma once
// The exported model as the runtime reads it: plain descriptors of const arrays (they live in flash), and
// the caller-owned state arrays sized by the model's constexpr sizes (the exporter writes both; see
// runtime/README.md). Freestanding C++17, only <cstdint> and the integer arithmetic header.
//
// Numbering: the model has n_inputs input channels (the spike_source neurons of the description, in
// population order) and n_neurons integer LIF neurons (the other populations, in order). A "node" is either:
// node k < n_inputs is input channel k, node n_inputs + g is neuron g. Projections go from a range of
// nodes to a range of neurons.
#include <cstdint>

#include "spikekit/arith/int_lif.hpp"

namespace spikekit::runtime {

using weight_t = std::int16_t;

struct population_desc {
    std::uint32_t first; // first neuron (index into the state arrays)
    std::uint32_t size;
    intlif::params params;      // the population's integer LIF parameters (spikekit/arith/int_lif.hpp)
    const std::int32_t* v_init; // initial membrane per neuron, or nullptr: every neuron starts at v_init_all
    std::int32_t v_init_all;
    const std::int32_t* bias;      // per neuron, or nullptr: params.bias
    const std::int32_t* threshold; // per neuron, or nullptr: params.threshold
    std::uint32_t acc0;            // the population's delay ring: acc[acc0 .. acc0 + slots x size)
    std::uint32_t slots;           // its longest incoming delay + 1 (>= 2)
};

enum class projection_kind : std::uint8_t { dense, sparse, conv2d };

// Shared-kernel 2-D convolution between (channel, row, column) layouts, as the kernel's conv2d projection:
// the target neuron (o, oy, ox) receives kernel[o][c % (C / groups)][ky][kx] from source (c, y, x) when
// out_row[y * kh + ky] == oy and out_col[x * kw + kx] == ox (the tables hold -1 where a tap falls outside).
struct conv_geometry {
    std::uint16_t in_c, in_h, in_w, out_c, out_h, out_w, kh, kw, groups;
    const std::int16_t* out_row; // in_h x kh
    const std::int16_t* out_col; // in_w x kw
};

struct projection_desc {
    projection_kind kind;
    std::uint16_t delay;       // steps, >= 1 (dense, conv2d; sparse when delays == nullptr)
    std::uint32_t src0, n_src; // source nodes [src0, src0 + n_src)
    std::uint32_t tgt0, n_tgt; // target neurons [tgt0, tgt0 + n_tgt), all in population tgt_pop
    std::uint32_t tgt_pop;
    const weight_t* weight;         // dense: n_src x n_tgt (row = source); sparse: per synapse; conv2d: OIHW
    const std::uint32_t* row_start; // sparse: synapses of source j are [row_start[j], row_start[j + 1])
    const std::uint16_t* target;    // sparse: target (local index) per synapse
    const std::uint16_t* delays;    // sparse: delay per synapse, or nullptr: every synapse has `delay`
    const conv_geometry* conv;      // conv2d
};

struct model_desc {
    std::uint32_t n_inputs, n_neurons;
    std::uint32_t acc_size; // accumulator words: the sum of slots x size over the populations
    const population_desc* pops;
    std::uint32_t n_pops;
    const projection_desc* projs;
    std::uint32_t n_projs;
};

// Words of the spike bitmap of a model (one bit per node).
constexpr std::uint32_t bitmap_words(std::uint32_t n_inputs, std::uint32_t n_neurons) {
    return (n_inputs + n_neurons + 31u) / 32u;
}

// The mutable state, owned by the caller (static arrays sized by the exported constants):
//   v, ref:  n_neurons membranes and refractory counters;
//   acc:     acc_size input accumulators, one delay ring per population (its own depth, so a layer reached
//            only through delay 1 keeps 2 slots whatever the longest delay elsewhere): slot (t + d) % slots
//            receives at step t what the population's neurons consume at step t + d;
//   fired:   bitmap_words(...) words, the nodes that spike in the current step.
struct state_ref {
    std::int32_t* v;
    std::uint16_t* ref;
    std::int32_t* acc;
    std::uint32_t* fired;
};

} // namespace spikekit::runtime
