#pragma once
// The chip run's state (run.cpp steps it, run_build.cpp builds it).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "learn_engine.hpp"
#include "map_detail.hpp"
#include "noc.hpp"
#include "spikekit/chips/run.hpp"

namespace spikekit::chips::detail {

// Sorts v stably by key(element) (finite doubles) in expected linear time: a counting sort into about
// v.size() buckets of equal width, then each bucket in place (an insertion sort when small, else a stable
// sort). `tmp` and `count` are scratch space kept between calls, so a step allocates nothing once they have
// grown.
template <class T, class Key>
void time_sort(std::vector<T>& v, Key key, std::vector<T>& tmp, std::vector<std::uint32_t>& count) {
    const std::size_t n = v.size();
    if (n < 2) return;
    double lo = key(v[0]), hi = lo;
    for (const auto& x : v) {
        const double k = key(x);
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    if (hi <= lo) return; // all equal: already in order
    const double scale = static_cast<double>(n) / (hi - lo) * (1.0 - 1e-12);
    auto bucket_of = [&](const T& x) {
        const auto b = static_cast<std::size_t>((key(x) - lo) * scale);
        return b < n ? b : n - 1;
    };
    count.assign(n + 1, 0);
    for (const auto& x : v) ++count[bucket_of(x) + 1];
    for (std::size_t b = 0; b < n; ++b) count[b + 1] += count[b];
    tmp.resize(n);
    for (const auto& x : v) tmp[count[bucket_of(x)]++] = x;
    // count[b] is now the end of bucket b
    for (std::size_t b = 0, first = 0; b < n; first = count[b++]) {
        const std::size_t last = count[b];
        if (last - first > 24) {
            std::stable_sort(tmp.begin() + static_cast<std::ptrdiff_t>(first),
                             tmp.begin() + static_cast<std::ptrdiff_t>(last),
                             [&](const T& x, const T& y) { return key(x) < key(y); });
            continue;
        }
        for (std::size_t i = first + 1; i < last; ++i) {
            const T x = tmp[i];
            const double kx = key(x);
            std::size_t j = i;
            for (; j > first && key(tmp[j - 1]) > kx; --j) tmp[j] = tmp[j - 1];
            tmp[j] = x;
        }
    }
    v.swap(tmp);
}

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
    std::uint32_t route = UINT32_MAX; // the first group's route
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
    struct synapse {
        std::uint32_t target;
        std::int32_t weight;
    };
    std::vector<synapse> syns;
    std::vector<std::uint32_t> syn_delay;
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
        double latency, busy, energy; // busy: how long the link is taken (latency, or 1 / bandwidth)
    };
    std::vector<std::uint64_t> route_uses; // packets sent along each route alone (not multicast)
    std::vector<flat_hop> hops_flat;       // every route's hops, one after the other
    std::vector<std::uint32_t> hops_start; // route r: hops_flat[hops_start[r], hops_start[r + 1])
    std::uint64_t serial = 0;
    std::vector<double> link_free, syn_free, link_depart;
    std::vector<std::uint64_t> link_stamp, link_packets, link_stalls;
    // bounded link buffers (buffer_depth > 0): the start times of each link's last buffer_depth packets
    std::uint32_t buffer_depth = 0;
    std::vector<double> link_ring;
    std::vector<std::uint32_t> link_ring_pos, link_max_queue;
    std::vector<double> core_skew, core_phase;
    double period = 0;
    std::vector<per_core_counts> counts;
    chip_report rep;
    std::vector<chip_spikes> spikes;
    std::vector<std::size_t> spikes_of_pop;

    // per step
    std::vector<sent_packet> sent;
    std::vector<sent_packet> sent_tmp;
    std::vector<delivery> deliveries, deliveries_tmp;
    std::vector<std::uint32_t> sort_count;
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
    double cross(std::uint32_t link, double busy, double t, std::uint32_t prev);
    double synapse_units(std::int64_t step);
    void refresh_currents(std::int64_t step);
    double core_start(std::uint32_t core, std::int64_t step) const;
    bool plastic(const syn_group& g) const { return learn && syn_learn[g.begin] != UINT32_MAX; }
};

} // namespace spikekit::chips::detail
