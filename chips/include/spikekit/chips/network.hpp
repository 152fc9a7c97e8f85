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
#include "spikekit/arith/int_stdp.hpp"
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

// A plastic projection's learning rule as an online core's learning engine holds it: the integer STDP of
// spikekit/arith/int_stdp.hpp, lowered exactly as the kernel lowers "stdp_int" (learning::lower_int_stdp).
struct chip_plasticity {
    std::string rule;             // the description's rule name
    intstdp::params prm;          // table sampled on the network's dt
    std::int64_t decay_steps = 1; // steps between weight-decay events (prm.decay > 0)
    std::uint64_t rng_key = 0;    // the kernel's random stream of this projection (stochastic rounding)
    std::string kernel_name;      // the projection's name as the kernel saves its weights
};

struct chip_projection {
    std::string name;
    std::uint32_t src = 0, tgt = 0; // population indices
    std::vector<std::uint32_t> source, target, delay_steps;
    std::vector<std::int32_t> weight;
    std::optional<std::size_t> non_integer; // index of a synapse whose weight is not a whole number
    // Plastic projections: the rule, and the initial weights rounded and clamped as the rule does.
    std::optional<chip_plasticity> plastic;
    std::string learning_refusal; // plastic with a rule no learning engine runs: why (mapping refuses)
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

// The integer learning rule of a plastic projection (rule name, complete parameters from the description,
// dt in ms): its lowered table and decay interval, or nullopt when the rule is not one a learning engine runs
// (apps passes learning's stdp_int lowering, so chips does not depend on learning).
struct lowered_rule {
    intstdp::params prm;
    std::int64_t decay_steps = 1;
};
using rule_params_fn =
    std::function<std::optional<lowered_rule>(const plasticity_spec&, const std::string& where)>;

// `models` gives the initial state as the kernel sets it (lowering::lower_initial). Without `rules`, plastic
// projections are listed as unsupported.
chip_network lower_network(const network_description& d, const model_registry& models,
                           const int_params_fn& int_params, const rule_params_fn& rules = {});

} // namespace spikekit::chips
