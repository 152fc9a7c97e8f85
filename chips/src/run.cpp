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

// 1. One core's neuron unit from `start`: returns when it is done. A core holds one population's block.
double engine::neuron_unit(std::uint32_t c, std::int64_t s, double start) {
    const auto& lat = chip.latency;
    const double t_inactive = or0(lat.neuron_inactive), t_active = or0(lat.neuron_active),
                 t_fire = or0(lat.neuron_spiking) + or0(lat.spike_out), t_out = or0(lat.message_out);
    const auto [g0, g1] = core_neurons[c];
    const std::uint32_t pi = pop_of[g0];
    const auto& pop = net.pops[pi];
    const intlif::params& prm = *pop.prm;
    std::int64_t* in = ring.data() + static_cast<std::uint64_t>(s % ring_slots) * net.neurons();
    const bool currents = !net.currents.empty();
    auto& k = counts[c];
    double t = start;
    for (auto g = g0; g < g1; ++g) {
        // the kernel adds the current to the synaptic sum in double and rounds; without currents the sum is
        // exact
        std::int64_t x = in[g];
        in[g] = 0;
        const double ext = currents ? i_ext[g] : 0.0;
        if (ext != 0.0) x = std::llround(static_cast<double>(x) + ext);
        if (x >= 16777216 || x <= -16777216)
            throw runtime_error(
                "lif_int: input of " + std::to_string(x) +
                " to one neuron in one step exceeds 2^24 (as in the kernel, which accumulates in float)");
        const bool active = x != 0 || bias[g] != 0 || v[g] != 0;
        if (!intlif::step(v[g], ref[g], static_cast<std::int32_t>(x), prm, bias[g], threshold[g])) {
            t += active ? t_active : t_inactive;
            ++(active ? k.active : k.inactive);
            continue;
        }
        t += t_fire;
        if (learn) t += learn->on_post(g, s) * or0(lat.weight_update); // the learning engine's post updates
        ++k.spiking;
        ++k.spikes;
        if (opt.record) {
            auto& rec = spikes[spikes_of_pop[pi]];
            rec.node_ids.push_back(static_cast<std::uint32_t>(g - pop.gid0));
            rec.steps.push_back(s);
        }
        for (auto pk = pkt_start[g]; pk < pkt_start[g + 1]; ++pk) {
            t += t_out;
            ++k.packets_out;
            sent.push_back({t, static_cast<std::uint32_t>(pk), static_cast<std::uint32_t>(sent.size())});
        }
    }
    k.busy += t - start;
    return t;
}

// Host inputs: spike_source neurons send at the start of the step, straight into their targets' cores.
void engine::host_inputs(std::int64_t s, double start) {
    for (const auto& pop : net.pops) {
        if (!pop.input) continue;
        for (std::uint32_t i = 0; i < pop.size; ++i) {
            const auto& st = pop.spike_steps[i];
            auto& cur = input_cursor[pop.gid0 + i];
            while (cur < st.size() && st[cur] < s) ++cur;
            if (cur >= st.size() || st[cur] != s) continue;
            for (auto pk = pkt_start[pop.gid0 + i]; pk < pkt_start[pop.gid0 + i + 1]; ++pk)
                sent.push_back(
                    {start, static_cast<std::uint32_t>(pk), static_cast<std::uint32_t>(sent.size())});
        }
    }
}

// A packet ready at `t` to enter `link` (coming from link `prev`, or from its core): waits while the link's
// buffer is full (holding `prev`), then for the link; returns when it starts across it.
inline double engine::cross(std::uint32_t link, double busy, double t, std::uint32_t prev) {
    double go = std::max(t, link_free[link]);
    if (const std::uint32_t depth = buffer_depth) {
        // the start times of the link's last `depth` packets, oldest at pos (they never decrease)
        double* last = link_ring.data() + std::uint64_t{link} * depth;
        auto& pos = link_ring_pos[link];
        if (last[pos] > t) { // `depth` packets are still waiting: room at the oldest one's start
            t = last[pos];
            ++link_stalls[link];
            if (prev != UINT32_MAX) link_free[prev] = std::max(link_free[prev], t);
            go = std::max(t, link_free[link]);
        }
        if (go > t && link_max_queue[link] < depth) { // it waits: the queue is it and the packets that start
                                                      // after t (the newest ones)
            std::uint32_t lo = 0, hi = depth; // the oldest of the last `depth` starts after t: binary search
            while (lo < hi) {
                const std::uint32_t mid = (lo + hi) / 2, at = pos + mid;
                if (last[at < depth ? at : at - depth] > t)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            link_max_queue[link] = std::max(link_max_queue[link], depth - lo + 1);
        }
        last[pos] = go;
        pos = pos + 1 == depth ? 0 : pos + 1;
    }
    link_free[link] = go + busy;
    return go;
}

// 2. The step's packets cross the network in order of departure, waiting for busy links and, when the chip
// bounds link buffers, for room in the next link's buffer (back-pressure: the packet holds the link it is
// on until then).
void engine::network() {
    // Each core's packets are in departure order; order them all by (departure, send order).
    time_sort(
        sent, [](const sent_packet& p) { return p.depart; }, sent_tmp, sort_count);
    deliveries.clear();
    for (std::uint32_t order = 0; order < sent.size(); ++order) {
        const auto& sp = sent[order];
        const auto& pk = pkts[sp.pkt];
        if (pk.count ==
            1) { // one destination: hops, energy and link packets are counted per route at the end
            double t = sp.depart;
            if (const auto r = pk.route; r != UINT32_MAX) {
                ++route_uses[r];
                ++rep.messages;
                std::uint32_t prev = UINT32_MAX;
                for (auto hi = hops_start[r]; hi < hops_start[r + 1]; ++hi) {
                    const auto& h = hops_flat[hi];
                    t = cross(h.link, h.busy, t, prev) + h.latency;
                    prev = h.link;
                }
            }
            deliveries.push_back({t, pk.first, order});
            continue;
        }
        const std::uint64_t stamp = serial++;
        rep.messages += groups[pk.first].route != UINT32_MAX;
        for (std::uint32_t gi = pk.first; gi < pk.first + pk.count; ++gi) {
            double t = sp.depart;
            if (const auto r = groups[gi].route; r != UINT32_MAX) {
                std::uint32_t prev = UINT32_MAX;
                for (auto hi = hops_start[r]; hi < hops_start[r + 1]; ++hi) {
                    const auto& h = hops_flat[hi];
                    if (link_stamp[h.link] != stamp) { // a multicast packet crosses a shared link once
                        link_stamp[h.link] = stamp;
                        link_depart[h.link] = cross(h.link, h.busy, t, prev) + h.latency;
                        ++link_packets[h.link];
                        rep.hops += h.is_hop;
                        hop_energy += h.energy;
                    }
                    t = link_depart[h.link];
                    prev = h.link;
                }
                if (gi > pk.first) ++rep.multicast_copies;
            }
            deliveries.push_back({t, gi, order});
        }
    }
}

// 3. Each destination core's synapse unit takes its packets in arrival order and adds the weights into
// the step each synapse's delay names (one later in GALS mode if the work ends after that step began).
double engine::synapse_units(std::int64_t s) {
    const double t_in = or0(chip.latency.message_in), t_syn = or0(chip.latency.synaptic_op);
    const std::uint64_t n = net.neurons();
    for (std::uint32_t dd = 0; dd < ring_slots; ++dd)
        slot_base[dd] = static_cast<std::uint64_t>((s + dd) % ring_slots) * n;
    // deliveries by arrival (stably: ties in send order); each core's synapse unit takes its own in that
    // order
    time_sort(
        deliveries, [](const delivery& d) { return d.arrive; }, deliveries_tmp, sort_count);
    double end = 0;
    {
        for (const auto& d : deliveries) {
            const auto& g = groups[d.group];
            auto& k = counts[g.core];
            const double start = std::max(d.arrive, syn_free[g.core]);
            const double done = start + t_in + static_cast<double>(g.end - g.begin) * t_syn;
            k.busy += done - start;
            syn_free[g.core] = done;
            ++k.packets_in;
            k.syn += g.end - g.begin;
            end = std::max(end, done);
            if (plastic(g)) { // into the online core's axon buffer; the weights are read when the step begins
                if (opt.gals)
                    for (std::uint32_t dd = 1; dd + 1 < ring_slots; ++dd)
                        late_by_delay[dd] = done > core_start(g.core, s + dd);
                rep.late_spikes += learn->receive(std::span(syn_learn).subspan(g.begin, g.end - g.begin), s,
                                                  opt.gals ? late_by_delay.data() : nullptr);
                continue;
            }
            const synapse* sy = syns.data();
            if (!opt.gals && g.delay) { // one delay: one row of the ring
                std::int64_t* row = ring.data() + slot_base[g.delay];
                for (auto i = g.begin; i < g.end; ++i) row[sy[i].target] += sy[i].weight;
                continue;
            }
            if (!opt.gals) {
                for (auto i = g.begin; i < g.end; ++i)
                    ring[slot_base[syn_delay[i]] + sy[i].target] += sy[i].weight;
                continue;
            }
            bool late = false;
            for (std::uint32_t dd = 1; dd + 1 < ring_slots; ++dd) {
                late_by_delay[dd] = done > core_start(g.core, s + dd);
                slot_base[dd] = static_cast<std::uint64_t>((s + dd + late_by_delay[dd]) % ring_slots) * n;
            }
            for (auto i = g.begin; i < g.end; ++i) {
                ring[slot_base[syn_delay[i]] + sy[i].target] += sy[i].weight;
                late = late || late_by_delay[syn_delay[i]];
            }
            rep.late_spikes += late;
        }
    }
    return end;
}

void engine::run() {
    const std::int64_t steps = opt.steps >= 0 ? opt.steps : net.steps;
    std::vector<std::uint32_t> tiles;
    for (auto c : used_cores) tiles.push_back(noc.tile_of(c));
    std::sort(tiles.begin(), tiles.end());
    const double barrier = barrier_latency(
        chip, static_cast<std::uint32_t>(std::unique(tiles.begin(), tiles.end()) - tiles.begin()));
    double now = 0; // barrier mode: start of the current step
    for (std::int64_t s = 0; s < steps; ++s) {
        refresh_currents(s);
        sent.clear();
        const double t_learn = or0(chip.latency.weight_update);
        if (learn)
            learn->arrivals(s, ring.data() + static_cast<std::uint64_t>(s % ring_slots) * net.neurons());
        double step_end = now, first_start = INFINITY;
        for (auto c : used_cores) {
            // an online core first integrates its axon buffer, updating the weights it reads
            const double start = (opt.gals ? core_start(c, s) : now) +
                                 (learn ? static_cast<double>(learn->updates_now()[c]) * t_learn : 0.0);
            first_start = std::min(first_start, start);
            step_end = std::max(step_end, neuron_unit(c, s, start));
        }
        host_inputs(s, opt.gals ? 0.0 : now);
        network();
        step_end = std::max(step_end, synapse_units(s));
        if (learn) step_end += static_cast<double>(learn->end_of_step(s)) * t_learn; // weight decay
        if (opt.gals) {
            rep.step_latency_s.push_back(step_end - (used_cores.empty() ? 0.0 : first_start));
        } else {
            rep.step_latency_s.push_back(step_end - now + barrier);
            now = step_end + barrier;
        }
    }
    rep.steps = steps;
}

void engine::finish() {
    for (std::uint32_t r = 0; r < route_uses.size(); ++r)
        for (auto hi = hops_start[r]; hi < hops_start[r + 1]; ++hi) {
            const auto& h = hops_flat[hi];
            link_packets[h.link] += route_uses[r];
            rep.hops += h.is_hop * route_uses[r];
            hop_energy += h.energy * static_cast<double>(route_uses[r]);
        }
    rep.energy_by_kind["hop"] = hop_energy;
    const auto& e = chip.energy;
    per_core_counts total;
    std::uint64_t total_updates = 0;
    for (auto c : used_cores) {
        const auto& k = counts[c];
        total.inactive += k.inactive;
        total.active += k.active;
        total.spiking += k.spiking;
        total.spikes += k.spikes;
        total.packets_out += k.packets_out;
        total.packets_in += k.packets_in;
        total.syn += k.syn;
        const std::uint64_t updates = learn ? learn->updates_total()[c] : 0;
        total_updates += updates;
        const double ej = static_cast<double>(updates) * or0(e.weight_update) +
                          static_cast<double>(k.inactive) * or0(e.neuron_inactive) +
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
    if (learn) {
        by["weight_update"] = static_cast<double>(total_updates) * or0(e.weight_update);
        rep.weight_updates = total_updates;
    }
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
    for (std::uint32_t pi = 0; pi < net.pops.size(); ++pi)
        if (!net.pops[pi].input) {
            const auto g0 = static_cast<std::ptrdiff_t>(net.pops[pi].gid0);
            spikes[spikes_of_pop[pi]].v_end.assign(v.begin() + g0, v.begin() + g0 + net.pops[pi].size);
        }
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
    rep.link_packets = link_packets;
    rep.link_buffer_depth = buffer_depth;
    for (std::uint32_t l = 0; l < link_packets.size(); ++l) {
        rep.stalls += link_stalls[l];
        rep.max_queue = std::max(rep.max_queue, link_max_queue[l]);
        if (link_packets[l])
            rep.links.push_back({noc.link_name(l), link_packets[l], link_stalls[l], link_max_queue[l]});
    }
}

} // namespace spikekit::chips::detail

namespace spikekit::chips {

chip_result run_on_chip(const chip_network& net, const chip_spec& chip, const placement& p,
                        const run_options& opt) {
    detail::engine e(net, chip, p, opt);
    e.build();
    e.run();
    e.finish();
    chip_result r{std::move(e.rep), std::move(e.spikes), {}};
    if (e.learn) r.weights = e.learn->weights(net.dt_ms);
    return r;
}

} // namespace spikekit::chips
