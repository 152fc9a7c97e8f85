// Building a chip run: checks that the network can run there, neuron state, synapses grouped into packets.
#include <algorithm>
#include <cmath>
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
        spikes.push_back({pop.name, {}, {}});
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
    // Synapses of each source sorted by (packet key, plastic, destination core): the key is the target
    // population on trees (one multicast packet per destination layer), nothing elsewhere; plastic synapses
    // form their own groups (they wait in an online core's axon buffer).
    auto out = outgoing(net, learn ? [&](std::size_t pr, std::size_t i) { return learn->index_of(pr, i); }
                                   : learn_index_fn{});
    if (learn) syn_learn.resize(out.target.size());
    const bool tree = chip.noc.multicast == noc_spec::multicast_kind::mask_hypercube;
    const bool one_packet = chip.noc.multicast == noc_spec::multicast_kind::key_mask_table;
    std::uint32_t max_delay = 1;
    syn_target.resize(out.target.size());
    syn_weight.resize(out.target.size());
    syn_delay.resize(out.target.size());
    pkt_start.assign(n + 1, 0);
    std::vector<std::uint64_t> order;
    for (std::uint64_t s = 0; s < n; ++s) {
        const auto b = out.start[s], e = out.start[s + 1];
        order.resize(e - b);
        std::iota(order.begin(), order.end(), b);
        auto key = [&](std::uint64_t k) {
            const auto t = out.target[k];
            const std::uint64_t learns = learn && out.learn[k] != UINT32_MAX;
            return (std::uint64_t{tree ? pop_of[t] : 0u} << 33) | learns << 32 | core_of[t];
        };
        std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return key(x) < key(y); });
        for (std::uint64_t k = 0; k < order.size(); ++k) {
            syn_target[b + k] = out.target[order[k]];
            syn_weight[b + k] = out.weight[order[k]];
            syn_delay[b + k] = out.delay[order[k]];
            if (learn) syn_learn[b + k] = out.learn[order[k]];
            max_delay = std::max(max_delay, out.delay[order[k]]);
        }
        pkt_start[s] = pkts.size();
        for (std::uint64_t k = b; k < e;) {
            const auto pkey = key(k) >> 33;
            const auto first = static_cast<std::uint32_t>(groups.size());
            while (k < e && (one_packet || (key(k) >> 33) == pkey)) {
                const auto gkey = key(k);
                const auto g0 = k;
                while (k < e && key(k) == gkey) ++k; // one core, static or plastic
                const auto c = core_of[syn_target[g0]];
                groups.push_back({c, UINT32_MAX, 0, g0, k});
                if (std::all_of(syn_delay.begin() + static_cast<std::ptrdiff_t>(g0),
                                syn_delay.begin() + static_cast<std::ptrdiff_t>(k),
                                [&](std::uint32_t x) { return x == syn_delay[g0]; }))
                    groups.back().delay = syn_delay[g0];
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
    hops_start.push_back(0);
    for (const auto& r : route_pool) {
        for (const auto& h : r) hops_flat.push_back({h.link, h.is_hop ? 1u : 0u, h.latency, h.energy});
        hops_start.push_back(static_cast<std::uint32_t>(hops_flat.size()));
    }
    slot_base.assign(ring_slots, 0);
    late_by_delay.assign(ring_slots, 0);
    input_cursor.assign(n, 0);
    bucket.assign(used_cores.size() + 1, 0);
    counts.resize(chip.total_cores());
    link_free.assign(noc.links(), 0.0);
    link_depart.assign(noc.links(), 0.0);
    link_stamp.assign(noc.links(), UINT64_MAX);
    link_packets.assign(noc.links(), 0);
    syn_free.assign(chip.total_cores(), 0.0);

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
