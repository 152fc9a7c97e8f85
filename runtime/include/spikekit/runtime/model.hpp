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
#include "spikekit/arith/int_stdp.hpp"

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
    std::uint32_t slots;           // its longest incoming delay (>= 1)
    // Set by the exporter from a range analysis (spikekit/arith/int_lif.hpp): fast32 when every intermediate
    // of the step fits 32 bits for every input the population can receive (intlif::fits_32), so step32 runs;
    // [still_lo, still_hi]: membranes a neuron keeps without input (intlif::still_membranes), skipped.
    bool fast32;
    std::int32_t still_lo, still_hi; // empty (lo > hi): never skipped
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

// A plastic projection: on-device STDP with the kernel's integer rule (spikekit/arith/int_stdp.hpp, random
// words from spikekit/arith/counter_rng.hpp), its weights in RAM. Synapses are numbered as the kernel's
// plastic layout numbers them: sorted by (source, delay), generation order within; a "slot" is one
// (source, delay) pair, the unit of the rule's presynaptic timestamp. A spike of source j sent at step t
// reaches the slots of j with delay d at the start of step t + d (before the neuron update): the rule sees
// the arrival, then the slot's current weights go into that step's accumulators.
struct stdp_desc {
    intstdp::params rule;
    std::uint64_t rng_key;     // the kernel's random key of this projection
    std::uint32_t decay_steps; // weights decay after every step t with (t + 1) % decay_steps == 0
    std::uint32_t src0, n_src; // source nodes [src0, src0 + n_src)
    std::uint32_t tgt0, n_tgt; // target neurons [tgt0, tgt0 + n_tgt), all in population tgt_pop
    std::uint32_t tgt_pop;
    std::uint32_t n_syn, n_slots;
    std::uint32_t max_delay;         // >= 1: rows of the source spike history
    const weight_t* w_init;          // n_syn initial weights (flash), within the rule's bounds
    const std::uint16_t* target;     // n_syn: local target of each synapse
    const std::uint32_t* src_slot;   // n_src + 1: slots of source j are [src_slot[j], src_slot[j + 1])
    const std::uint32_t* slot_start; // n_slots + 1: synapses of slot s are [slot_start[s], slot_start[s + 1])
    const std::uint16_t* slot_delay; // n_slots: delay (steps) of each slot
    const std::uint32_t* in_start;   // n_tgt + 1: incoming synapses of target i: in_syn[in_start[i] ...]
    const std::uint32_t* in_syn;     // n_syn synapse indices, per target in synapse order
    const std::uint32_t* in_slot;    // n_syn: the slot of in_syn[k]
    // Where its state lives in the caller's arrays (stdp_state):
    std::uint32_t w0;    // weights: w[w0 .. w0 + n_syn)
    std::uint32_t pre0;  // last arrival step (+1) per slot: last_pre[pre0 .. pre0 + n_slots)
    std::uint32_t post0; // last spike step (+1) per target: last_post[post0 .. post0 + n_tgt)
    std::uint32_t hist0; // source spikes of the last max_delay steps: history[hist0 .. + max_delay x words)
};

// Words of a plastic projection's source spike history.
constexpr std::uint32_t history_words(std::uint32_t n_src, std::uint32_t max_delay) {
    return max_delay * ((n_src + 31u) / 32u);
}

struct state_ref;
struct model_desc;
struct counters;
enum class learn_phase : std::uint8_t { reset, arrive, after_spikes };
// The STDP step (runtime/src/stdp.cpp). A model points at it only when it has plastic projections, so a
// static model does not link it.
using learn_fn = void (*)(const model_desc& m, const state_ref& s, std::uint32_t now, learn_phase phase,
                          counters& stats);
void stdp_learn(const model_desc& m, const state_ref& s, std::uint32_t now, learn_phase phase,
                counters& stats) noexcept;

struct model_desc {
    std::uint32_t n_inputs, n_neurons;
    std::uint32_t acc_size; // accumulator words: the sum of slots x size over the populations
    const population_desc* pops;
    std::uint32_t n_pops;
    const projection_desc* projs;
    std::uint32_t n_projs;
    const stdp_desc* stdp; // plastic projections (nullptr when none)
    std::uint32_t n_stdp;
    learn_fn learn; // &stdp_learn when n_stdp > 0, else nullptr
};

// Words of the spike bitmap of a model (one bit per node).
constexpr std::uint32_t bitmap_words(std::uint32_t n_inputs, std::uint32_t n_neurons) {
    return (n_inputs + n_neurons + 31u) / 32u;
}

// The mutable state, owned by the caller (static arrays sized by the exported constants):
//   v, ref:  n_neurons membranes and refractory counters;
//   acc:     acc_size input accumulators, one delay ring per population of its longest incoming delay D
//            (a layer reached only through delay 1 keeps one slot whatever the delays elsewhere): slot
//            (t + d) % D receives at step t what the population's neurons consume at step t + d. D slots
//            suffice, not D + 1: step t zeroes slot t % D while it reads it, before any delivery of step t,
//            and the only deliveries into it before step t + D are those for step t + D;
//   fired:   bitmap_words(...) words, the nodes that spike in the current step.
//   w, last_pre, last_post, history: the plastic projections' state (stdp_desc), nullptr without any.
struct state_ref {
    std::int32_t* v;
    std::uint16_t* ref;
    std::int32_t* acc;
    std::uint32_t* fired;
    weight_t* w;
    std::int32_t* last_pre;
    std::int32_t* last_post;
    std::uint32_t* history;
};

} // namespace spikekit::runtime
