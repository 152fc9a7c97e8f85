#pragma once
// Pieces shared by the two mappers (map_paicore.cpp, map_greedy.cpp) and the run.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "spikekit/chips/mapping.hpp"

namespace spikekit::chips::detail {

// What feeds one population: its incoming projections, their weight range and delays.
struct layer_input {
    std::vector<std::size_t> projs;
    std::uint64_t n_axon = 0; // neurons of every source population (PAIBox's count)
    std::int64_t wlo = 0, whi = 0;
    std::uint32_t max_delay = 0;
    std::vector<std::uint32_t> sources; // source populations, distinct
};
std::vector<layer_input> gather_inputs(const chip_network& net);

// The weight width of a population's core block, or 0 after recording the refusal in `p`.
unsigned choose_width(const chip_network& net, std::uint32_t pop, const layer_input& in, const core_type& t,
                      const map_options& opt, placement& p);

void refuse(placement& p, const std::string& population, const std::string& resource, double needed,
            double available, const std::string& message);

// The core type that holds inference layers (the first type without learning).
const core_type& inference_core_type(const chip_spec& chip);

// On-chip learning (map_online.cpp). A population that a plastic projection feeds is one core block on the
// chip's online (learning) cores; false after recording the refusal in `p` when the chip has no online
// cores, the mapper cannot place learning there, or the rule does not fit the learning engine.
bool learning_supported(const chip_network& net, const chip_spec& chip, placement& p);
bool learns(const chip_network& net, std::uint32_t pop); // a plastic projection targets `pop`
// The online block of population `pop`: width, neurons per core, cores (lcn 0: online cores have no fan-in
// extension); false after refusing.
bool online_layer(const chip_network& net, const chip_spec& chip, const layer_input& in,
                  const map_options& opt, layer_map& l, placement& p);

placement map_tree(const chip_network& net, const chip_spec& chip, const map_options& opt);
placement map_greedy(const chip_network& net, const chip_spec& chip, const map_options& opt);

// Every synapse of the network in rows by global neuron: row(pr, i) names the row of synapse i of projection
// pr, put(pr, i, slot) stores it at `slot`. Returns the row starts (size neurons + 1).
template <class Row, class Put>
std::vector<std::uint64_t> synapse_rows(const chip_network& net, Row row, Put put) {
    const std::uint64_t n = net.neurons();
    std::vector<std::uint64_t> start(n + 1, 0);
    for (const auto& pr : net.projs)
        for (std::size_t i = 0; i < pr.source.size(); ++i) ++start[row(pr, i) + 1];
    for (std::uint64_t i = 0; i < n; ++i) start[i + 1] += start[i];
    std::vector<std::uint64_t> next(start.begin(), start.end() - 1);
    for (const auto& pr : net.projs)
        for (std::size_t i = 0; i < pr.source.size(); ++i) put(pr, i, next[row(pr, i)]++);
    return start;
}

// Outgoing synapses by global source neuron (CSR), used to estimate traffic.
struct out_synapses {
    std::vector<std::uint64_t> start;  // per global neuron
    std::vector<std::uint32_t> target; // global neuron
    std::vector<std::int32_t> weight;
    std::vector<std::uint32_t> delay;
};
out_synapses outgoing(const chip_network& net);

// Core of every global neuron (UINT32_MAX for host inputs).
std::vector<std::uint32_t> core_of_neurons(const chip_network& net, const placement& p);

void compute_links(const chip_network& net, const chip_spec& chip, const out_synapses& out, placement& p);

std::string with_commas(double v);

} // namespace spikekit::chips::detail
