// Building a chip run: checks that the network can run there, neuron state, synapses grouped into packets.
#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include "run_engine.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/random.hpp"

namespace spikekit::chips::detail {
namespace {

void check_runnable(const chip_network& net, const placement& p) {
    if (!net.unsupported.empty()) throw input_error(net.file, "", net.unsupported.front());
    for (std::size_t i = 0; i < net.pops.size(); ++i) {
        const auto& pop = net.pops[i];
        if (pop.input || pop.prm) continue;
        throw input_error(
            net.file, "populations[" + std::to_string(i) + "]",
            "population '" + pop.name + "' uses model '" + pop.model +
                "': chips run the integer LIF (lif_int) only, whose arithmetic they share with the kernel; "
                "convert float networks with spikekit convert --out-bits");
    }
    for (const auto& pr : net.projs)
        if (pr.non_integer)
            throw input_error(net.file, "projections",
                              "projection '" + pr.name + "' has a weight that is not a whole number");
    if (!p.fits) throw input_error(net.file, "", "the network does not fit the chip: " + p.problem->message);
}

// A placement file may put a learning population anywhere: plastic synapses need an online core's engine.
void check_online(const chip_network& net, const chip_spec& chip, const placement& p) {
    const core_type* t = chip.learning_core_type();
    for (const auto& b : p.blocks) {
        if (!learns(net, b.pop)) continue;
        const std::uint32_t x = b.core % chip.grid_width, y = b.core / chip.grid_width;
        const bool online = t && t->region && x >= (*t->region)[0] && x < (*t->region)[0] + (*t->region)[2] &&
                            y >= (*t->region)[1] && y < (*t->region)[1] + (*t->region)[3];
        if (!online)
            throw input_error(net.file, "",
                              "population '" + net.pops[b.pop].name +
                                  "' learns (a plastic projection targets it) "
                                  "but the placement puts neurons of it on core (" +
                                  std::to_string(x) + ", " + std::to_string(y) +
                                  "), which has no learning engine; map it with spikekit map");
    }
}

} // namespace

engine::engine(const chip_network& n, const chip_spec& c, const placement& p, const run_options& o)
    : net(n), chip(c), pl(p), opt(o), noc(c) {}

void engine::build() {
    check_runnable(net, pl);
    const std::uint64_t n = net.neurons();
    core_of = core_of_neurons(net, pl);
    pop_of.resize(n);
    v.resize(n);
    bias.resize(n);
    threshold.resize(n);
    ref.assign(n, 0);
    i_ext.assign(n, 0.0);
    spikes_of_pop.assign(net.pops.size(), 0);
    for (std::uint32_t pi = 0; pi < net.pops.size(); ++pi) {
        const auto& pop = net.pops[pi];
        std::fill_n(pop_of.begin() + static_cast<std::ptrdiff_t>(pop.gid0), pop.size, pi);
        if (pop.input) continue;
        std::copy(pop.v0.begin(), pop.v0.end(), v.begin() + static_cast<std::ptrdiff_t>(pop.gid0));
        std::copy(pop.bias.begin(), pop.bias.end(), bias.begin() + static_cast<std::ptrdiff_t>(pop.gid0));
        std::copy(pop.threshold.begin(), pop.threshold.end(),
                  threshold.begin() + static_cast<std::ptrdiff_t>(pop.gid0));
        spikes_of_pop[pi] = spikes.size();
        spikes.push_back({pop.name, {}, {}, {}});
    }
    for (const auto& c : net.currents) {
        current_changes.push_back(c.start);
        if (c.stop != INT64_MAX) current_changes.push_back(c.stop);
        for (const auto& s : c.steps) current_changes.push_back(s.first);
    }
    std::sort(current_changes.begin(), current_changes.end());

    if (std::any_of(net.projs.begin(), net.projs.end(),
                    [](const auto& pr) { return pr.plastic.has_value(); })) {
        check_online(net, chip, pl);
        learn = std::make_unique<learn_engine>(net, core_of, chip.total_cores());
    }
    // Synapses of each source ordered by (packet key, plastic, destination core), stably: the key is the
    // target population on trees (one multicast packet per destination layer), nothing elsewhere; plastic
    // synapses form their own groups (they wait in an online core's axon buffer). Two counting sorts over
    // all synapses: by key, then (stably) by source.
    const bool tree = chip.noc.multicast == noc_spec::multicast_kind::mask_hypercube;
    const bool one_packet = chip.noc.multicast == noc_spec::multicast_kind::key_mask_table;
    const std::uint64_t n_cores = chip.total_cores() + 1; // + 1: a host input (no core)
    const std::uint64_t per_packet = 2 * n_cores;         // keys of one packet key: (static | plastic) x core
    auto key = [&](std::uint64_t t, bool plastic) {
        const std::uint64_t c = core_of[t] == UINT32_MAX ? n_cores - 1 : core_of[t];
        return (tree ? pop_of[t] * per_packet : 0) + (plastic ? n_cores : 0) + c;
    };
    const std::uint64_t n_keys = (tree ? net.pops.size() : 1) * per_packet;
    std::uint64_t total = 0;
    for (const auto& pr : net.projs) total += pr.source.size();
    struct by_key {
        std::uint32_t src, tgt, delay;
        std::int32_t weight;
        std::uint32_t learn; // learning index, UINT32_MAX: static
    };
    auto learn_index = [&](std::size_t proj, std::size_t i) {
        return learn ? learn->index_of(proj, i) : UINT32_MAX;
    };
    std::vector<by_key> sorted(total);
    {
        std::vector<std::uint64_t> at(n_keys + 1, 0);
        for (std::size_t p = 0; p < net.projs.size(); ++p) {
            const auto& pr = net.projs[p];
            const auto t0 = net.pops[pr.tgt].gid0;
            for (std::size_t i = 0; i < pr.target.size(); ++i)
                ++at[key(t0 + pr.target[i], learn_index(p, i) != UINT32_MAX) + 1];
        }
        for (std::uint64_t k = 0; k < n_keys; ++k) at[k + 1] += at[k];
        pkt_start.assign(n + 1, 0); // first: synapses per source
        for (std::size_t p = 0; p < net.projs.size(); ++p) {
            const auto& pr = net.projs[p];
            const auto s0 = net.pops[pr.src].gid0, t0 = net.pops[pr.tgt].gid0;
            for (std::size_t i = 0; i < pr.source.size(); ++i) {
                const auto src = static_cast<std::uint32_t>(s0 + pr.source[i]),
                           tgt = static_cast<std::uint32_t>(t0 + pr.target[i]);
                const auto l = learn_index(p, i);
                sorted[at[key(tgt, l != UINT32_MAX)]++] = {src, tgt, pr.delay_steps[i], pr.weight[i], l};
                ++pkt_start[src + 1];
            }
        }
    }
    std::vector<std::uint64_t> row(n + 1, 0);
    for (std::uint64_t s = 0; s < n; ++s) row[s + 1] = row[s] + pkt_start[s + 1];
    syns.resize(total);
    syn_delay.resize(total);
    if (learn) syn_learn.resize(total);
    std::uint32_t max_delay = 1;
    {
        std::vector<std::uint64_t> next(row.begin(), row.end() - 1);
        for (const auto& x : sorted) {
            const auto at = next[x.src]++;
            syns[at] = {x.tgt, x.weight};
            syn_delay[at] = x.delay;
            if (learn) syn_learn[at] = x.learn;
            max_delay = std::max(max_delay, x.delay);
        }
    }
    std::vector<by_key>().swap(sorted);
    for (std::uint64_t s = 0; s < n; ++s) {
        const auto b = row[s], e = row[s + 1];
        pkt_start[s] = pkts.size();
        auto plastic = [&](std::uint64_t k) { return learn && syn_learn[k] != UINT32_MAX; };
        auto key_at = [&](std::uint64_t k) { return key(syns[k].target, plastic(k)); };
        for (std::uint64_t k = b; k < e;) {
            const auto pkey = key_at(k) / per_packet;
            const auto first = static_cast<std::uint32_t>(groups.size());
            while (k < e && (one_packet || key_at(k) / per_packet == pkey)) {
                const auto c = core_of[syns[k].target];
                const bool learns_here = plastic(k);
                const auto g0 = k;
                std::uint32_t d = syn_delay[k];
                while (k < e && core_of[syns[k].target] == c && plastic(k) == learns_here &&
                       (one_packet || key_at(k) / per_packet == pkey)) {
                    if (syn_delay[k] != d) d = 0;
                    ++k;
                }
                groups.push_back({c, UINT32_MAX, d, g0, k});
                if (!tree && !one_packet) break; // per-axon fan-out: one packet per destination core
            }
            pkts.push_back({first, static_cast<std::uint32_t>(groups.size()) - first});
        }
    }
    pkt_start[n] = pkts.size();
    ring_slots = max_delay + 2; // + 1 for a step slipped in GALS mode
    ring.assign(std::uint64_t{ring_slots} * n, 0);

    core_neurons.assign(chip.total_cores(), {0, 0});
    for (const auto& b : pl.blocks) {
        const auto g0 = net.pops[b.pop].gid0 + b.first;
        core_neurons[b.core] = {g0, g0 + b.count};
        used_cores.push_back(b.core);
    }
    std::sort(used_cores.begin(), used_cores.end());
    dense_core.assign(chip.total_cores(), UINT32_MAX);
    for (std::uint32_t i = 0; i < used_cores.size(); ++i) dense_core[used_cores[i]] = i;
    route_of.assign(used_cores.size() * used_cores.size(), UINT32_MAX);
    for (std::uint64_t src = 0; src < n; ++src)
        if (core_of[src] != UINT32_MAX)
            for (auto pk = pkt_start[src]; pk < pkt_start[src + 1]; ++pk)
                for (auto gi = pkts[pk].first; gi < pkts[pk].first + pkts[pk].count; ++gi)
                    groups[gi].route = route(core_of[src], groups[gi].core);
    for (auto& pk : pkts) pk.route = groups[pk.first].route;
    hops_start.push_back(0);
    const double link_busy_fixed = chip.noc.link_bandwidth_pps ? 1.0 / *chip.noc.link_bandwidth_pps : -1.0;
    for (const auto& r : route_pool) {
        for (const auto& h : r)
            hops_flat.push_back({h.link, h.is_hop ? 1u : 0u, h.latency,
                                 link_busy_fixed >= 0 ? link_busy_fixed : h.latency, h.energy});
        hops_start.push_back(static_cast<std::uint32_t>(hops_flat.size()));
    }
    slot_base.assign(ring_slots, 0);
    late_by_delay.assign(ring_slots, 0);
    input_cursor.assign(n, 0);
    counts.resize(chip.total_cores());
    link_free.assign(noc.links(), 0.0);
    link_depart.assign(noc.links(), 0.0);
    link_stamp.assign(noc.links(), UINT64_MAX);
    link_packets.assign(noc.links(), 0);
    syn_free.assign(chip.total_cores(), 0.0);
    link_stalls.assign(noc.links(), 0);
    route_uses.assign(route_pool.size(), 0);
    link_max_queue.assign(noc.links(), 0);
    buffer_depth = chip.noc.link_buffer_depth.value_or(0);
    if (opt.link_buffer_depth) buffer_depth = *opt.link_buffer_depth;
    link_ring.assign(std::uint64_t{noc.links()} * buffer_depth, -INFINITY);
    link_ring_pos.assign(noc.links(), 0);

    // Per-core clocks for GALS: frequency spread, phase, drawn once per core from the network's seed.
    core_skew.assign(chip.total_cores(), 0.0);
    core_phase.assign(chip.total_cores(), 0.0);
    if (opt.gals) {
        const auto p = opt.step_period_s ? opt.step_period_s : chip.clock.time_step_s;
        if (!p || *p <= 0)
            throw input_error(chip.origin, "clock.time_step_s",
                              "--gals needs a step period: the chip gives none (give --step-period S)");
        period = *p;
        const double skew = opt.skew_ppm.value_or(chip.clock.skew_ppm) * 1e-6;
        const double phase = opt.phase_s.value_or(chip.clock.phase_s);
        for (std::uint32_t c = 0; c < chip.total_cores(); ++c) {
            rng::stream r(rng::make_key(net.seed, 0x43484950u /* "CHIP" */), c, 0);
            core_skew[c] = skew * (2.0 * r.uniform() - 1.0);
            core_phase[c] = phase * r.uniform();
        }
    }
}

std::uint32_t engine::route(std::uint32_t a, std::uint32_t b) {
    auto& id = route_of[std::uint64_t{dense_core[a]} * used_cores.size() + dense_core[b]];
    if (id == UINT32_MAX) {
        id = static_cast<std::uint32_t>(route_pool.size());
        noc.route(a, b, route_pool.emplace_back());
    }
    return id;
}

void engine::refresh_currents(std::int64_t step) {
    if (!std::binary_search(current_changes.begin(), current_changes.end(), step)) return;
    std::fill(i_ext.begin(), i_ext.end(), 0.0);
    for (const auto& c : net.currents) {
        if (step < c.start || step >= c.stop) continue;
        double a = c.amplitude;
        for (const auto& [t, amp] : c.steps)
            if (t <= step) a = amp;
        const auto g0 = net.pops[c.pop].gid0;
        if (c.ids.empty())
            for (std::uint32_t i = 0; i < net.pops[c.pop].size; ++i) i_ext[g0 + i] += a;
        else
            for (auto id : c.ids) i_ext[g0 + id] += a;
    }
}

// GALS: core c starts step s at phase_c + s T (1 + skew_c) + jitter, the jitter drawn per (core, step).
double engine::core_start(std::uint32_t core, std::int64_t step) const {
    const double jitter = opt.jitter_s.value_or(chip.clock.jitter_s);
    double j = 0;
    if (jitter > 0) {
        rng::stream r(rng::make_key(net.seed, 0x4a495454u /* "JITT" */), core,
                      static_cast<std::uint64_t>(step));
        j = jitter * r.uniform();
    }
    return core_phase[core] + static_cast<double>(step) * period * (1.0 + core_skew[core]) + j;
}

} // namespace spikekit::chips::detail
