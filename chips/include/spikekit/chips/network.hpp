#pragma once
// The network a chip runs: a network description lowered to integers, with every synapse listed.
//
// The synapses come from the public lowering (spikekit/core/lowering.hpp), so a chip sees exactly the
// synapses, weights and delays the kernel builds from the same description and seed; conv2d projections are
// expanded from their kernel into synapses (chips store every synapse).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spikekit/arith/int_lif.hpp"
#include "spikekit/core/network.hpp"

namespace spikekit {
class model_registry;
}

namespace spikekit::chips {

struct chip_population {
    std::string name, model;
    std::uint32_t size = 0;
    std::uint64_t gid0 = 0;                             // first global neuron id
    bool input = false;                                 // spike_source: spikes come from the host, no core
    std::vector<std::vector<std::int64_t>> spike_steps; // input: the steps at whose end each neuron spikes
    std::optional<intlif::params> prm;                  // integer LIF; nullopt: a model a chip cannot run
    std::vector<std::int32_t> bias, threshold;          // per neuron (chips hold both in neuron memory)
    std::vector<std::int32_t> v0;                       // initial membrane
};

struct chip_projection {
    std::string name;
    std::uint32_t src = 0, tgt = 0; // population indices
    std::vector<std::uint32_t> source, target, delay_steps;
    std::vector<std::int32_t> weight;
    std::optional<std::size_t> non_integer; // index of a synapse whose weight is not a whole number
};

// A current input, piecewise constant, as the kernel applies it (added to a neuron's input before rounding).
struct chip_current {
    std::uint32_t pop = 0;
    std::vector<std::uint32_t> ids; // empty: every neuron
    std::int64_t start = 0, stop = INT64_MAX;
    double amplitude = 0.0;
    std::vector<std::pair<std::int64_t, double>> steps; // (step, amplitude) changes
};

struct chip_network {
    std::string name, file;
    double dt_ms = 1.0;
    std::int64_t steps = 0; // duration in steps
    std::uint64_t seed = 1;
    std::vector<chip_population> pops;
    std::vector<chip_projection> projs;
    std::vector<chip_current> currents;
    std::vector<std::string> unsupported; // what a chip cannot run (Poisson inputs, plasticity), with why
    std::uint64_t neurons() const { return pops.empty() ? 0 : pops.back().gid0 + pops.back().size; }
};

// The integer LIF parameters of a population, or nullopt when its model is not integer (the caller maps
// model names to parameters: apps passes neurons::lower_int_lif, so chips depends on core and arith only).
using int_params_fn = std::function<std::optional<intlif::params>(const population&)>;

// `models` gives the initial state as the kernel sets it (lowering::lower_initial).
chip_network lower_network(const network_description& d, const model_registry& models,
                           const int_params_fn& int_params);

} // namespace spikekit::chips
