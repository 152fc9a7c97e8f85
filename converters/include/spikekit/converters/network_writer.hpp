#pragma once
// A converted network as a network description (DESIGN.md) that `spikekit run` and spikekit::simulation run.
//
// Written in normalised form: every spiking layer is an if_delta population with V_th = 1 mV, V_reset = 0,
// reset_subtract = 1 (threshold balancing folded into the weights). The linear layers between two spiking
// layers (pooling, padding, flatten, residual sums, concat, conv, dense) are composed into one explicit
// synapse list per pair of populations, stored in weights.h5 (conv layers are expanded into synapses; shared
// kernel projections are a later step). Biases come from a one-neuron `bias` spike source that fires every
// step. One step is dt = 1 ms. A population at depth d (longest path from the input) handles timestep t of
// the evaluator at step t + d: each projection has a delay of depth(target) - depth(source) steps, so the
// network reproduces the evaluator's spikes, shifted by the depth.
// The input is a spike_source replaying the given sample: the Bernoulli spikes of the evaluator for
// --input spikes, or, for analog input, deterministic integrate-and-fire spikes of rate = pixel value.
// The output layer is a population too: with spike decoding its threshold is 1, with membrane decoding it
// never fires and its V_m is recorded.
#include <cstdint>
#include <string>
#include <vector>

#include "spikekit/converters/convert.hpp"
#include "spikekit/core/network.hpp"

namespace spikekit::converters {

struct converted_network {
    network_description desc;
    std::vector<int> depth;               // per population of desc
    std::vector<std::string> layer_names; // ONNX layer of each population
    // Synapse lists, one per projection of desc (sources, targets, weights).
    std::vector<std::vector<std::uint32_t>> sources, targets;
    std::vector<std::vector<double>> weights;
    bool half_initial = false;
    // Layers applied to build it (cone evaluations): a shared-kernel projection costs one evaluation of its
    // chain, whatever its kernel's size; explicit synapses one per source neuron.
    std::uint64_t layer_evaluations = 0;
};

// The description with synapses in memory (weights referenced as `weights_file`). With `bits` > 0 the
// populations are lif_int (reset by subtraction, 32-bit membrane) with whole-number weights: each
// population's incoming weights share one scale s = max |w| / (2^(bits-1) - 1); weights, bias and threshold
// are counted in the state units s / 2^state_shift(bits) of quantize.hpp, applied to the composed
// projections.
converted_network build_network(const snn_model& m, const float* sample, std::uint64_t sample_id,
                                int timesteps, const std::string& weights_file = "weights.h5", int bits = 0);

// Write `dir`/network.json and `dir`/weights.h5 (atomically, creating `dir`).
void write_network(const snn_model& m, const float* sample, int timesteps, const std::string& dir,
                   std::uint64_t sample_id = 0, int bits = 0);

} // namespace spikekit::converters
