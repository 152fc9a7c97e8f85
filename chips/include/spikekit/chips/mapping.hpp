#pragma once
// Mapping a chip_network onto a chip: partition every population into core blocks under the core's
// constraints, place the blocks, route every projection (chips/README.md "Mapping").
//
// Tree chips (paicore) follow PAIBox 1.2.2's arithmetic exactly (notes/chips.md 1.2-1.5): one core block
// per population, n_axon = the neurons of every source population feeding it, lcn = bit_length((n_axon - 1)
// / fanin_base), successors of one source share the largest lcn, neurons per core = neuron_base >> (lcn +
// log2 weight_bits), the cores of a block split as ceil(n / cores) with the rest on the last core, routing
// groups rounded up to a power of two and placed aligned in tree order, outside the online cores.
// Mesh and torus chips get a greedy partition (fill a core until neurons, distinct source axons or synapse
// memory run out) and a greedy placement minimising hop-weighted traffic.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "spikekit/chips/chip.hpp"
#include "spikekit/chips/network.hpp"

namespace spikekit::chips {

struct layer_map {
    std::string population;
    std::uint32_t pop = 0;
    std::uint64_t n_axon = 0; // source neurons feeding the block (tree chips) / max axons of a core (greedy)
    unsigned weight_bits = 0;
    unsigned lcn = 0; // fan-in extension: 2^lcn x
    std::uint32_t cores = 0;
    std::vector<std::uint32_t> neurons_per_core;
    std::uint32_t routing_group = 0; // cores reserved (power of two on tree chips)
    std::string core_type;
};

// One core's share of a population: neurons [first, first + count) on core `core` (grid id y * width + x).
struct core_block {
    std::uint32_t pop = 0, first = 0, count = 0, core = 0;
};

// Traffic estimate between two cores: messages if every source neuron spikes once, and synapses.
struct link_traffic {
    std::uint32_t from = 0, to = 0;
    std::uint64_t messages = 0, synapses = 0, hops = 0;
};

// Why a network does not fit: which population, which resource, how much is needed and available.
struct refusal {
    std::string population, resource;
    double needed = 0, available = 0;
    std::string message;
};

struct placement {
    std::string chip;
    bool fits = true;
    std::optional<refusal> problem;
    std::uint64_t cores_required = 0, cores_occupied = 0;
    std::vector<layer_map> layers;
    std::vector<core_block> blocks;
    std::vector<link_traffic> links;
};

struct map_options {
    std::optional<unsigned> weight_bits; // force a width (must hold the weights)
};

placement map_network(const chip_network& net, const chip_spec& chip, const map_options& opt = {});

// Placement files: to JSON (the `spikekit map --json` keys) and back; from_json checks it against the
// network and chip (input_error naming the file and path).
std::string placement_json(const placement& p, int indent = 2);
placement placement_from_json(const std::string& text, const std::string& file, const chip_network& net,
                              const chip_spec& chip);

// The smallest allowed width holding [lo, hi]: 1 bit = {0, 1}, b >= 2 bits = [-2^(b-1), 2^(b-1) - 1]
// (PAIBox's rule); nullopt if none does.
std::optional<unsigned> weight_width(std::int64_t lo, std::int64_t hi, const std::vector<unsigned>& allowed);

} // namespace spikekit::chips
