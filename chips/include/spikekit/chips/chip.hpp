#pragma once
// A neuromorphic chip as data (DESIGN.md "Chips"): core types with their capacity rules, the network-on-chip,
// per-core clocks, the barrier, per-event energies and latencies, static power.
//
// A chip description is a JSON file (format: chips/README.md). Every number may be written bare (its block's
// "source" covers it), as {"value": x, "source": "..."}, or as "unknown" when no published figure exists;
// unknown numbers are std::nullopt here and the reports name them instead of inventing a value. The presets
// paicore, loihi, truenorth and spinnaker are compiled into the library from chips/presets/*.json.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spikekit::chips {

using maybe = std::optional<double>; // a number, or unknown

// How many neurons a core holds for a given fan-in and weight width.
//  fixed:       max_neurons, max_axons, synapse memory, whatever the weights.
//  paicore_lcn: PAICORE's fan-in extension: lcn = bit_length((n_axon - 1) / fanin_base) (at most max_lcn),
//               neurons = neuron_base >> (lcn + log2(weight_bits)) (paicorelib/PAIBox, notes/chips.md 1.2).
struct capacity_rule {
    enum class kind { fixed, paicore_lcn };
    kind type = kind::fixed;
    std::uint32_t fanin_base = 1152, neuron_base = 512, max_lcn = 6;
};

struct core_type {
    std::string name;
    std::uint32_t count = 0;
    // Region of the core grid holding this type (x0, y0, width, height); empty = the cores not claimed by
    // another type.
    std::optional<std::array<std::uint32_t, 4>> region;
    std::uint32_t max_neurons = 0, max_axons = 0;
    std::optional<std::uint64_t> synapse_memory_bits; // weight storage, bits
    std::optional<unsigned> synapse_bits; // bits a synapse takes there (default: its weight width)
    std::vector<unsigned> weight_bits;    // allowed widths, ascending
    capacity_rule capacity;
    std::optional<std::uint32_t> timeslots; // axon buffer depth: delay x 2^lcn must stay within it
    std::optional<std::uint32_t> fan_out;   // destination cores per neuron (per-axon fan-out schemes)
    std::optional<std::uint32_t> destinations_per_neuron;
    std::optional<unsigned> v_bits;          // neuron-state width
    bool learning = false;                   // online (plastic) core
    std::optional<std::uint32_t> lut_length; // learning engine
};

struct hop_cost {
    maybe latency_s, energy_j;
};

struct noc_spec {
    enum class kind { tree, mesh, torus };
    enum class multicast_kind { mask_hypercube, per_axon_fanout, key_mask_table };
    kind topology = kind::mesh;
    multicast_kind multicast = multicast_kind::per_axon_fanout;
    // tree: arity^levels cores on a 2^levels x 2^levels grid, a packet climbs to the lowest common cluster
    std::uint32_t arity = 4, levels = 5;
    std::vector<hop_cost> level_hop; // tree: one per level, level 1 = leaf router
    // mesh / torus: width x height tiles of cores_per_tile cores
    std::uint32_t width = 1, height = 1, cores_per_tile = 1;
    hop_cost east_west, north_south, within_tile;
    std::optional<std::uint32_t> router_entries; // key/mask table size per router (torus)
    std::optional<std::uint32_t> link_buffer_depth;
    maybe link_bandwidth_pps; // packets per second per link
};

struct clock_spec {
    maybe frequency_hz;
    double skew_ppm = 0.0; // per-core frequency spread (uniform in +-skew), GALS runs
    double phase_s = 0.0;  // per-core start offset, uniform in [0, phase_s)
    double jitter_s = 0.0; // per-step jitter, uniform in [0, jitter_s)
    maybe time_step_s;     // nominal period of a time step when the cores run free (--gals)
};

// Barrier (time-step synchronisation) latency: a constant, or a table keyed by the highest tile index used
// (SANA-FE's sync_model: table): the entry with the largest key <= that index applies.
struct barrier_spec {
    maybe latency_s;
    std::vector<std::pair<std::uint32_t, double>> table;
};

// Per-event costs, energy in joules and latency in seconds.
// weight_update: one synapse's weight read, changed and written back by an online core's learning engine
// (an STDP table lookup that changes it, or a decay step); counted only on chips with learning cores.
struct event_costs {
    maybe synaptic_op, neuron_inactive, neuron_active, neuron_spiking, spike_out, message_out, message_in,
        multicast_copy, weight_update;
};

struct static_power {
    maybe watts_per_core;
    enum class gating { none, unused_cores, cluster } gate = gating::unused_cores;
    std::uint32_t gate_cluster = 1; // cores per clock-gated cluster (PAICORE L2: 16)
};

struct chip_spec {
    std::string name, description, origin; // origin: preset name or file
    std::vector<core_type> core_types;
    std::uint32_t grid_width = 0, grid_height = 0; // core grid
    noc_spec noc;
    clock_spec clock;
    barrier_spec barrier;
    event_costs energy, latency;
    static_power statics;

    std::uint32_t total_cores() const;
    const core_type* find_core_type(std::string_view n) const;
    const core_type* learning_core_type() const; // the first type with a learning engine, or nullptr
    // Names of the costs marked unknown (reports list them beside the energy and latency they leave out).
    std::vector<std::string> unknowns() const;
};

// Parse a chip description; input_error names `origin` and the JSON path of the problem.
chip_spec parse_chip(std::string_view json_text, const std::string& origin);
chip_spec load_chip_file(const std::string& path);

struct preset_info {
    std::string_view name, json;
};
// The compiled-in presets, in name order.
const std::vector<preset_info>& presets();
// A preset by name, or a chip file path (anything containing '/' or ending in .json). input_error otherwise,
// listing the presets.
chip_spec find_chip(const std::string& name_or_file);

} // namespace spikekit::chips
