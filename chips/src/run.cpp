// The chip run, step by step (the model is described in run.hpp and chips/README.md).
//
// One step:
//  1. every core in use updates its neurons in id order with the integer LIF; its neuron unit is busy for
//     each update (inactive / active / spiking latency), each spike (spike_out) and each packet it sends
//     (message_out), so each packet leaves at a known time;
//  2. the step's packets cross the network in order of departure: on each link a packet waits until the
//     link is free (a link carries one packet per hop latency, or per 1 / link_bandwidth when the chip
//     gives one); a multicast packet crosses a shared link once;
//  3. every destination core's synapse unit takes its packets in arrival order (message_in + one
//     synaptic_op per synapse) and adds the weights into the step the synapse's delay names (plus one if,
//     in GALS mode, the work ends after the target core began that step);
//  4. barrier mode: the step lasts until the last core is done, plus the barrier latency.
// The functional result (what each neuron receives at which step) depends on timing only through the GALS
// slips, so barrier mode gives the kernel's spikes exactly.
#include <algorithm>
#include <cmath>

#include "run_engine.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::chips::detail {
namespace {

double or0(const maybe& m) {
    return m.value_or(0.0);
}

struct sent_packet {
    double depart;
    std::uint64_t source;
    std::uint32_t pkt, core; // core UINT32_MAX: from the host
};

struct delivery {
    double arrive;
    std::uint32_t group;
    std::uint64_t order; // tie-break: packets in departure order
};

double barrier_latency(const chip_spec& chip, std::uint32_t tiles_used) {
    if (!chip.barrier.table.empty()) {
        double l = chip.barrier.table.front().second;
        for (const auto& [k, v] : chip.barrier.table)
            if (k <= tiles_used) l = v;
        return l;
    }
    return or0(chip.barrier.latency_s);
}

} // namespace

void engine::run() {
    const std::int64_t steps = opt.steps >= 0 ? opt.steps : net.steps;
    const std::uint64_t n = net.neurons();
    const auto& lat = chip.latency;
    const double t_inactive = or0(lat.neuron_inactive), t_active = or0(lat.neuron_active),
                 t_spiking = or0(lat.neuron_spiking), t_spike = or0(lat.spike_out),
                 t_out = or0(lat.message_out), t_in = or0(lat.message_in), t_syn = or0(lat.synaptic_op);
    const double link_busy_fixed = chip.noc.link_bandwidth_pps ? 1.0 / *chip.noc.link_bandwidth_pps : -1.0;
    std::vector<std::uint32_t> tiles;
    for (auto c : used_cores) tiles.push_back(noc.tile_of(c));
    std::sort(tiles.begin(), tiles.end());
    const double barrier = barrier_latency(
        chip, static_cast<std::uint32_t>(std::unique(tiles.begin(), tiles.end()) - tiles.begin()));
    std::vector<std::vector<std::int64_t>::size_type> cursor(n, 0);
    std::vector<sent_packet> sent;
    std::vector<delivery> deliveries;
    std::vector<double> group_arrival;
    double now = 0; // barrier mode: start of the current step
    std::uint64_t packet_serial = 0;
    for (std::int64_t s = 0; s < steps; ++s) {
        refresh_currents(s);
        const std::uint32_t slot = static_cast<std::uint32_t>(s % ring_slots);
        std::int64_t* in = ring.data() + std::uint64_t{slot} * n;
        sent.clear();
        double step_end = now;
        // 1. neuron units
        for (auto c : used_cores) {
            auto& k = counts[c];
            double t = opt.gals ? core_start(c, s) : now;
            const double t0 = t;
            for (auto g = core_neurons[c].first; g < core_neurons[c].second; ++g) {
                const double x = static_cast<double>(in[g]) + i_ext[g];
                in[g] = 0;
                if (std::abs(x) >= 16777216.0)
                    throw runtime_error("lif_int: input of " + std::to_string(x) +
                                        " to one neuron in one step exceeds 2^24 (as the kernel, which "
                                        "accumulates in float)");
                const bool active = x != 0.0 || bias[g] != 0 || v[g] != 0;
                const auto& pop = net.pops[pop_of[g]];
                const bool spike = intlif::step(v[g], ref[g], static_cast<std::int32_t>(std::llround(x)),
                                                *pop.prm, bias[g], threshold[g]);
                if (!spike) {
                    t += active ? t_active : t_inactive;
                    ++(active ? k.active : k.inactive);
                    continue;
                }
                t += t_spiking + t_spike;
                ++k.spiking;
                ++k.spikes;
                if (opt.record) {
                    auto& rec = spikes[spikes_of_pop[pop_of[g]]];
                    rec.node_ids.push_back(static_cast<std::uint32_t>(g - pop.gid0));
                    rec.steps.push_back(s);
                }
                for (auto pk = pkt_start[g]; pk < pkt_start[g + 1]; ++pk) {
                    t += t_out;
                    ++k.packets_out;
                    sent.push_back({t, g, static_cast<std::uint32_t>(pk), c});
                }
            }
            k.busy += t - t0;
            step_end = std::max(step_end, t);
        }
        // host inputs: spike_source neurons send at the start of the step, straight into their targets' cores
        for (const auto& pop : net.pops) {
            if (!pop.input) continue;
            for (std::uint32_t i = 0; i < pop.size; ++i) {
                const auto& st = pop.spike_steps[i];
                auto& cur = cursor[pop.gid0 + i];
                while (cur < st.size() && st[cur] < s) ++cur;
                if (cur >= st.size() || st[cur] != s) continue;
                for (auto pk = pkt_start[pop.gid0 + i]; pk < pkt_start[pop.gid0 + i + 1]; ++pk)
                    sent.push_back(
                        {opt.gals ? 0.0 : now, pop.gid0 + i, static_cast<std::uint32_t>(pk), UINT32_MAX});
            }
        }
        // 2. network, in order of departure
        std::stable_sort(sent.begin(), sent.end(),
                         [](const auto& a, const auto& b) { return a.depart < b.depart; });
        deliveries.clear();
        for (const auto& sp : sent) {
            const auto& pk = pkts[sp.pkt];
            const std::uint64_t serial = packet_serial++;
            rep.messages += sp.core != UINT32_MAX;
            for (std::uint32_t gi = pk.first; gi < pk.first + pk.count; ++gi) {
                double t = sp.depart;
                if (sp.core != UINT32_MAX) {
                    for (const auto& h : route(sp.core, groups[gi].core)) {
                        if (link_stamp[h.link] == serial) { // a multicast packet crosses a shared link once
                            t = link_depart[h.link];
                            continue;
                        }
                        link_stamp[h.link] = serial;
                        const double go = std::max(t, link_free[h.link]);
                        link_free[h.link] = go + (link_busy_fixed >= 0 ? link_busy_fixed : h.latency);
                        t = go + h.latency;
                        link_depart[h.link] = t;
                        ++link_packets[h.link];
                        rep.hops += h.is_hop;
                        rep.energy_by_kind["hop"] += h.energy;
                    }
                    if (gi > pk.first) ++rep.multicast_copies;
                }
                deliveries.push_back({t, gi, serial});
            }
        }
        // 3. synapse units, in order of arrival
        std::sort(deliveries.begin(), deliveries.end(), [](const auto& a, const auto& b) {
            return a.arrive < b.arrive || (a.arrive == b.arrive && a.order < b.order);
        });
        for (const auto& d : deliveries) {
            const auto& g = groups[d.group];
            auto& k = counts[g.core];
            const double start = std::max(d.arrive, syn_free[g.core]);
            const double done = start + t_in + static_cast<double>(g.end - g.begin) * t_syn;
            k.busy += done - start;
            syn_free[g.core] = done;
            ++k.packets_in;
            k.syn += g.end - g.begin;
            step_end = std::max(step_end, done);
            bool late = false;
            for (auto i = g.begin; i < g.end; ++i) {
                std::int64_t at = s + syn_delay[i];
                if (opt.gals && done > core_start(g.core, at)) {
                    ++at;
                    late = true;
                }
                ring[static_cast<std::uint64_t>(at % ring_slots) * n + syn_target[i]] += syn_weight[i];
            }
            rep.late_spikes += late;
        }
        // 4. close the step
        if (opt.gals) {
            double first = INFINITY;
            for (auto c : used_cores) first = std::min(first, core_start(c, s));
            rep.step_latency_s.push_back(step_end - (used_cores.empty() ? 0.0 : first));
        } else {
            rep.step_latency_s.push_back(step_end - now + barrier);
            now = step_end + barrier;
        }
    }
    rep.steps = steps;
}

void engine::finish() {
    const auto& e = chip.energy;
    per_core_counts total;
    for (auto c : used_cores) {
        const auto& k = counts[c];
        total.inactive += k.inactive;
        total.active += k.active;
        total.spiking += k.spiking;
        total.spikes += k.spikes;
        total.packets_out += k.packets_out;
        total.packets_in += k.packets_in;
        total.syn += k.syn;
        const double ej = static_cast<double>(k.inactive) * or0(e.neuron_inactive) +
                          static_cast<double>(k.active) * or0(e.neuron_active) +
                          static_cast<double>(k.spiking) * or0(e.neuron_spiking) +
                          static_cast<double>(k.spikes) * or0(e.spike_out) +
                          static_cast<double>(k.packets_out) * or0(e.message_out) +
                          static_cast<double>(k.packets_in) * or0(e.message_in) +
                          static_cast<double>(k.syn) * or0(e.synaptic_op);
        rep.cores.push_back({c, core_neurons[c].second - core_neurons[c].first, k.spikes, k.packets_out,
                             k.packets_in, k.syn, k.busy, ej});
    }
    auto& by = rep.energy_by_kind;
    by["neuron_inactive"] = static_cast<double>(total.inactive) * or0(e.neuron_inactive);
    by["neuron_active"] = static_cast<double>(total.active) * or0(e.neuron_active);
    by["neuron_spiking"] = static_cast<double>(total.spiking) * or0(e.neuron_spiking);
    by["spike_out"] = static_cast<double>(total.spikes) * or0(e.spike_out);
    by["message_out"] = static_cast<double>(total.packets_out) * or0(e.message_out);
    by["message_in"] = static_cast<double>(total.packets_in) * or0(e.message_in);
    by["synaptic_op"] = static_cast<double>(total.syn) * or0(e.synaptic_op);
    by["multicast_copy"] = static_cast<double>(rep.multicast_copies) * or0(e.multicast_copy);
    by["hop"] += 0.0;
    // Static power: every core whose clock runs (all, the used ones, or the used clusters) for the run's
    // time.
    double elapsed = 0;
    if (opt.gals)
        elapsed = static_cast<double>(rep.steps) * period;
    else
        for (double l : rep.step_latency_s) elapsed += l;
    std::uint64_t powered = chip.total_cores();
    if (chip.statics.gate == static_power::gating::unused_cores) powered = used_cores.size();
    if (chip.statics.gate == static_power::gating::cluster) {
        const auto side = static_cast<std::uint32_t>(std::lround(std::sqrt(chip.statics.gate_cluster)));
        std::vector<std::uint32_t> clusters;
        for (auto c : used_cores)
            clusters.push_back((c / chip.grid_width / side) * chip.grid_width + (c % chip.grid_width) / side);
        std::sort(clusters.begin(), clusters.end());
        powered =
            static_cast<std::uint64_t>(std::unique(clusters.begin(), clusters.end()) - clusters.begin()) *
            chip.statics.gate_cluster;
    }
    rep.static_energy_j = static_cast<double>(powered) * or0(chip.statics.watts_per_core) * elapsed;
    by["static"] = rep.static_energy_j;
    for (const auto& [kind, j] : by) rep.energy_j += j;
    rep.preset = chip.name;
    rep.gals = opt.gals;
    rep.cores_used = static_cast<std::uint32_t>(used_cores.size());
    rep.spikes = total.spikes;
    rep.synaptic_events = total.syn;
    rep.neuron_updates = total.inactive + total.active + total.spiking;
    rep.energy_per_step_j = rep.steps > 0 ? rep.energy_j / static_cast<double>(rep.steps) : 0.0;
    for (double l : rep.step_latency_s) {
        rep.latency_mean_s += l;
        rep.latency_max_s = std::max(rep.latency_max_s, l);
    }
    if (rep.steps > 0) rep.latency_mean_s /= static_cast<double>(rep.steps);
    rep.unknowns = chip.unknowns();
    for (std::uint32_t l = 0; l < link_packets.size(); ++l)
        if (link_packets[l]) rep.links.emplace_back(noc.link_name(l), link_packets[l]);
}

} // namespace spikekit::chips::detail

namespace spikekit::chips {

chip_result run_on_chip(const chip_network& net, const chip_spec& chip, const placement& p,
                        const run_options& opt) {
    detail::engine e(net, chip, p, opt);
    e.build();
    e.run();
    e.finish();
    return {std::move(e.rep), std::move(e.spikes)};
}

} // namespace spikekit::chips
