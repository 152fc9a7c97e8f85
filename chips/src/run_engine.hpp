#pragma once
// The chip run's state (run.cpp steps it, run_build.cpp builds it).
#include <cstdint>
#include <memory>
#include <vector>

#include "learn_engine.hpp"
#include "map_detail.hpp"
#include "noc.hpp"
#include "spikekit/chips/run.hpp"

namespace spikekit::chips::detail {

// A spike's synapses on one destination core: [begin, end) of the engine's sorted synapse arrays.
struct syn_group {
    std::uint32_t core = 0;
    std::uint32_t route = UINT32_MAX; // index into route_pool (UINT32_MAX: from the host, no network)
    std::uint32_t delay = 0;          // the delay of all its synapses, or 0 when they differ
    std::uint64_t begin = 0, end = 0;
};
struct sent_packet {
    double depart;
    std::uint32_t pkt, serial;
};
struct delivery {
    double arrive;
    std::uint32_t group, serial;
};
// A packet: groups [first, first + count) reached by one send (one core per-axon, a layer on a tree, every
// destination on key/mask tables).
struct packet_def {
    std::uint32_t first = 0, count = 0;
};

struct per_core_counts {
    std::uint64_t inactive = 0, active = 0, spiking = 0, spikes = 0, packets_out = 0, packets_in = 0, syn = 0;
    double busy = 0;
};

struct engine {
    const chip_network& net;
    const chip_spec& chip;
    const placement& pl;
    run_options opt;
    noc_model noc;

    // neurons (global ids)
    std::vector<std::uint32_t> core_of, pop_of;
    std::vector<std::int32_t> v, bias, threshold;
    std::vector<std::uint16_t> ref;
    std::vector<double> i_ext;
    std::vector<std::int64_t> current_changes;
    // synapses by source, sorted by destination core; packets by source
    std::vector<std::uint32_t> syn_target, syn_delay;
    std::vector<std::int32_t> syn_weight;
    // on-chip learning (plastic projections only): the engine and each synapse's learning index
    std::unique_ptr<learn_engine> learn;
    std::vector<std::uint32_t> syn_learn; // UINT32_MAX: static
    std::vector<std::uint64_t> pkt_start;
    std::vector<packet_def> pkts;
    std::vector<syn_group> groups;
    // input of every neuron for the next ring_slots steps
    std::uint32_t ring_slots = 2;
    std::vector<std::int64_t> ring;
    // cores in use, in id order, with their neurons [first, last) in global ids (one block per core)
    std::vector<std::uint32_t> used_cores;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> core_neurons; // indexed by core
    // timing
    // routes between used cores, computed on first use: route_of[a' * used + b'] indexes route_pool
    std::vector<std::uint32_t> dense_core, route_of;
    std::vector<std::vector<hop>> route_pool;
    struct flat_hop {
        std::uint32_t link, is_hop;
        double latency, energy;
    };
    std::vector<flat_hop> hops_flat;       // every route's hops, one after the other
    std::vector<std::uint32_t> hops_start; // route r: hops_flat[hops_start[r], hops_start[r + 1])
    std::uint64_t serial = 0;
    std::vector<double> link_free, syn_free, link_depart;
    std::vector<std::uint64_t> link_stamp, link_packets;
    std::vector<double> core_skew, core_phase;
    double period = 0;
    std::vector<per_core_counts> counts;
    chip_report rep;
    std::vector<chip_spikes> spikes;
    std::vector<std::size_t> spikes_of_pop;

    // per step
    std::vector<sent_packet> sent;
    std::vector<std::uint32_t> stream_end, merged; // sent holds one departure-ordered stream per core
    std::vector<std::pair<std::uint32_t, std::uint32_t>> heads;
    std::vector<delivery> deliveries, by_core;
    std::vector<std::uint32_t> bucket;
    std::vector<std::uint64_t> slot_base;
    std::vector<std::uint8_t> late_by_delay;
    std::vector<std::vector<std::int64_t>::size_type> input_cursor;
    double hop_energy = 0;

    engine(const chip_network& n, const chip_spec& c, const placement& p, const run_options& o);
    void build();
    void run();
    void finish();

    std::uint32_t route(std::uint32_t a, std::uint32_t b);
    double neuron_unit(std::uint32_t core, std::int64_t step, double start);
    void host_inputs(std::int64_t step, double start);
    void network();
    double synapse_units(std::int64_t step);
    void refresh_currents(std::int64_t step);
    double core_start(std::uint32_t core, std::int64_t step) const;
    bool plastic(const syn_group& g) const { return learn && syn_learn[g.begin] != UINT32_MAX; }
};

} // namespace spikekit::chips::detail
