// Building the kernel: the description lowered into the kernel's arrays (populations and their state,
// the synapse store, conv2d and plastic projections, inputs, recorders). The stepping is in simulation.cpp;
// what synapses, kernels and initial values a description becomes is the public lowering
// (spikekit/core/lowering.hpp), shared with the chip models and the exporters.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "simulation_impl.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"

namespace spikekit {
using detail::sorted_ids;
using detail::to_steps;
using detail::update_chunk;
using detail::weight_dictionary;

void simulation::impl::lower_populations(const model_registry& models) {
    std::uint32_t gid = 0;
    std::uint64_t chan = 0;
    for (const auto& p : desc.populations) {
        lowered_pop lp;
        lp.desc = &p;
        lp.model = models.find(p.model);
        lp.size = p.size;
        lp.gid0 = gid;
        lp.chan0 = chan;
        lp.receptors = static_cast<std::uint32_t>(lp.model->receptors().size());
        lp.channels = lp.model->shared_input() ? 1u : lp.receptors;
        lp.params = lowering::lower_params(desc, models, pops.size());
        lp.group = lp.model->lower(lp.params.all, lp.params.per_neuron, p.size, dt, p.spike_times);
        lp.rng_key = key_for(desc.sim.seed, stream_kind::source, static_cast<std::uint32_t>(pops.size()));
        if (std::uint64_t{gid} + p.size > UINT32_MAX)
            throw input_error(desc.source_file, "populations", "more than 2^32 neurons");
        gid += p.size;
        chan += std::uint64_t{lp.channels} * p.size;
        for (std::uint32_t b = 0; b < p.size; b += update_chunk)
            tasks.push_back({pops.size(), b, std::min(p.size, b + update_chunk)});
        pops.push_back(std::move(lp));
    }
    syn.channels = std::max<std::uint64_t>(chan, 1);
}

void simulation::impl::lower_initial_state(const model_registry& models) {
    for (std::size_t pi = 0; pi < pops.size(); ++pi) {
        auto& lp = pops[pi];
        for (const auto& entry : lp.desc->initial) {
            const auto vi = static_cast<std::size_t>(lp.model->state_index(entry.first));
            const auto values = lowering::lower_initial(desc, models, pi, entry.first);
            for (std::uint32_t i = 0; i < lp.size; ++i) lp.group->set(vi, i, values[i]);
        }
    }
}

// Every projection's connections are generated first (4-8 bytes per synapse); then two streaming passes
// over them: count the rows (source, block) and find the delays and distinct weights, then place each
// synapse with a counting sort. The sort is stable, so each row keeps projection order and, within a
// projection, generation order (by target). Weights and delays are recomputed in each pass from their
// counters rather than stored.
void simulation::impl::lower_projections() {
    struct part {
        lowering::projection_synapses syn;
        std::uint32_t gid0;
        std::uint64_t chan_base;
    };
    std::vector<part> parts;
    std::uint64_t total = 0;
    for (std::size_t k = 0; k < desc.projections.size(); ++k) {
        const auto& p = desc.projections[k];
        const std::size_t si = pop_index(p.source), ti = pop_index(p.target);
        const std::uint64_t chan_base =
            pops[ti].chan0 +
            std::uint64_t{pops[ti].channel_of(pops[ti].model->receptor_index(p.receptor))} * pops[ti].size;
        if (p.conn.type == connectivity::kind::conv2d) {
            convs.emplace_back(lowering::lower_conv(desc, k));
            convs.back().src_gid0 = pops[si].gid0;
            convs.back().chan_base = chan_base;
            continue;
        }
        lowering::projection_synapses gen(p, pops[si].size, pops[ti].size, si == ti, desc.sim.seed,
                                          static_cast<std::uint32_t>(k), dt, desc.source_file);
        if (p.plasticity) {
            lower_plastic(k, gen, si, ti, chan_base);
            continue;
        }
        total += gen.size();
        parts.push_back({std::move(gen), pops[si].gid0, chan_base});
    }
    const std::uint64_t n_src = pops.empty() ? 0 : pops.back().gid0 + pops.back().size;
    const double fanout = n_src ? static_cast<double>(total) / static_cast<double>(n_src) : 0.0;
    syn.blocks = static_cast<std::uint32_t>(std::clamp(std::lround(fanout / 16.0), 1L, 64L));
    syn.blocks = static_cast<std::uint32_t>(std::min<std::uint64_t>(syn.blocks, syn.channels));
    std::vector<std::uint8_t> block(syn.channels); // block of each channel, without a division per synapse
    for (std::uint64_t c = 0; c < syn.channels; ++c) block[c] = static_cast<std::uint8_t>(syn.block_of(c));
    auto row_of = [&](const part& pt, std::uint32_t source, std::uint32_t target) {
        return (pt.gid0 + source) * std::uint64_t{syn.blocks} + block[pt.chan_base + target];
    };
    // Both passes walk the connections chunk by chunk: the row of every synapse of a chunk is computed
    // first, so the random accesses to the row counters and to the key array can be prefetched a few
    // synapses ahead (they miss the caches in large networks; the loop is otherwise latency-bound).
    std::vector<std::uint64_t> rows;
    std::vector<std::uint32_t> tgts;
    auto chunk_rows = [&](const part& pt, const lowering::connection_chunk& c) {
        const std::size_t n = c.source.size();
        rows.resize(n);
        tgts.resize(n);
        if (!c.target.empty()) {
            std::copy(c.target.begin(), c.target.end(), tgts.begin());
        } else {
            for (std::uint32_t t = 0; t + 1 < c.start.size(); ++t)
                std::fill(tgts.begin() + static_cast<std::ptrdiff_t>(c.start[t]),
                          tgts.begin() + static_cast<std::ptrdiff_t>(c.start[t + 1]), c.t0 + t);
        }
        for (std::size_t i = 0; i < n; ++i) rows[i] = row_of(pt, c.source[i], tgts[i]);
    };
    constexpr std::size_t ahead = 16;
    // Pass 1: row sizes, the longest delay, the distinct weights.
    syn.row_start.assign(n_src * syn.blocks + 1, 0);
    std::uint32_t max_delay = 1;
    for (const auto& pp : plastic)
        for (auto d : pp->slot_delay) max_delay = std::max(max_delay, d);
    for (const auto& cp : convs) max_delay = std::max(max_delay, cp.delay);
    weight_dictionary dict;
    for (const auto& pt : parts)
        pt.syn.for_each_chunk([&](const lowering::connection_chunk& c) {
            chunk_rows(pt, c);
            std::uint64_t* counts = syn.row_start.data() + 1;
            for (std::size_t i = 0; i < rows.size(); ++i) {
                if (i + ahead < rows.size()) __builtin_prefetch(counts + rows[i + ahead], 1);
                ++counts[rows[i]];
                max_delay = std::max(max_delay, pt.syn.delay_steps(c.item0 + i));
                if (dict.collecting()) dict.add(pt.syn.weight(c.item0 + i));
            }
        });
    syn.slots = max_delay + 1;
    if (syn.channels * syn.slots >= (std::uint64_t{1} << 32))
        throw input_error(desc.source_file, "projections",
                          "network too large: input channels x (max delay + 1) exceeds 2^32");
    dict.fit(syn.channels * syn.slots);
    std::partial_sum(syn.row_start.begin(), syn.row_start.end(), syn.row_start.begin());
    // Pass 2: place.
    syn.key.resize(total);
    if (!dict.ok()) syn.weight.resize(total);
    std::vector<std::uint64_t> cursor(syn.row_start.begin(), syn.row_start.end() - 1);
    for (auto& pt : parts) {
        pt.syn.for_each_chunk([&](const lowering::connection_chunk& c) {
            chunk_rows(pt, c);
            for (std::size_t i = 0; i < rows.size(); ++i) {
                if (i + 2 * ahead < rows.size()) __builtin_prefetch(&cursor[rows[i + 2 * ahead]], 1);
                if (i + ahead < rows.size()) __builtin_prefetch(&syn.key[cursor[rows[i + ahead]]], 1);
                const auto pos = cursor[rows[i]]++;
                const std::uint64_t item = c.item0 + i;
                const float w = pt.syn.weight(item);
                syn.key[pos] = static_cast<std::uint32_t>(
                    std::uint64_t{pt.syn.delay_steps(item)} * syn.channels + pt.chan_base + tgts[i]);
                if (dict.ok())
                    syn.key[pos] |= dict.index(w) << dict.shift();
                else
                    syn.weight[pos] = w;
            }
        });
        pt.syn.release(); // the connection list is no longer needed
    }
    if (dict.ok()) {
        syn.wtab = dict.table();
        syn.weight_shift = dict.shift();
    }
    ring.assign(syn.channels * syn.slots, 0.0f);
    out_degree.assign(n_src, 0);
    for (std::uint64_t g = 0; g < n_src; ++g)
        out_degree[g] =
            static_cast<std::uint32_t>(syn.row_start[(g + 1) * syn.blocks] - syn.row_start[g * syn.blocks]);
    for (const auto& cp : convs) {
        const std::uint32_t n = cp.geo.in_shape[0] * cp.geo.in_shape[1] * cp.geo.in_shape[2];
        for (std::uint32_t j = 0; j < n; ++j)
            out_degree[cp.src_gid0 + j] += static_cast<std::uint32_t>(cp.out_degree(j));
    }
    for (auto& pp : plastic) {
        pp->pending.assign(syn.slots, {});
        for (std::uint32_t j = 0; j < pp->src_size; ++j) out_degree[pp->src_gid0 + j] += pp->out_degree(j);
    }
}

// A plastic projection keeps its own store (see plastic_projection.hpp); its rule is checked here because
// rules, unlike models, are not known to the config reader.
void simulation::impl::lower_plastic(std::size_t k, const lowering::projection_synapses& gen, std::size_t si,
                                     std::size_t ti, std::uint64_t chan_base) {
    const auto& p = desc.projections[k];
    const std::string where = "projections[" + std::to_string(k) + "].plasticity";
    if (!rules)
        throw input_error(desc.source_file, where, "plasticity rules are not available in this program");
    for (const auto& other : plastic)
        if (other->name == p.name)
            throw input_error(desc.source_file, "projections[" + std::to_string(k) + "].name",
                              "plastic projections need distinct names (their weights are saved by name): '" +
                                  p.name + "' is taken");
    const auto params = validate_plasticity(*rules, *p.plasticity, desc.source_file, where);
    lower_args args;
    args.dt_ms = dt;
    args.rng_key = key_for(desc.sim.seed, stream_kind::plasticity, static_cast<std::uint32_t>(k));
    auto pp = std::make_unique<detail::plastic_projection>(gen, pops[si].size, pops[ti].size,
                                                           *rules->find(p.plasticity->rule), params, args);
    pp->name = p.name;
    pp->src_pop = si;
    pp->tgt_pop = ti;
    pp->src_gid0 = pops[si].gid0;
    pp->tgt_gid0 = pops[ti].gid0;
    pp->chan_base = chan_base;
    if (const auto& r = p.plasticity->reward) {
        const auto& rp = pops[pop_index(r->population)];
        pp->reward = detail::plastic_projection::reward_link{rp.gid0, rp.size, r->amount};
    }
    plastic.push_back(std::move(pp));
}

void simulation::impl::lower_inputs() {
    for (std::size_t k = 0; k < desc.inputs.size(); ++k) {
        const auto& in = desc.inputs[k];
        const std::size_t pi = pop_index(in.target);
        const std::int64_t start = to_steps(in.start_ms, dt);
        const std::int64_t stop = in.stop_ms ? to_steps(*in.stop_ms, dt) : INT64_MAX;
        if (in.type == input::kind::poisson) {
            poisson.push_back({pi,
                               pops[pi].channel_of(pops[pi].model->receptor_index(in.receptor)),
                               in.neurons.all ? std::vector<std::uint32_t>{} : sorted_ids(in.neurons),
                               rng::poisson_table(in.rate_hz * dt * 1e-3),
                               in.name,
                               {},
                               {},
                               static_cast<float>(in.weight),
                               start,
                               stop,
                               key_for(desc.sim.seed, stream_kind::input, static_cast<std::uint32_t>(k))});
            if (in.rates_from) {
                if (in.rates_from->pixels.empty())
                    throw input_error(desc.source_file, "inputs[" + std::to_string(k) + "].rates_from",
                                      "images not loaded (programs call events::resolve_replays first)");
                poisson.back().images = &*in.rates_from;
            }
        } else {
            currents.push_back({pi, &in, start, stop});
            pops[pi].i_ext.assign(pops[pi].size, 0.0);
            current_changes.push_back(start);
            if (stop != INT64_MAX) current_changes.push_back(stop);
            for (const auto& [t, a] : in.steps) current_changes.push_back(to_steps(t, dt));
        }
    }
    std::sort(current_changes.begin(), current_changes.end());
    current_changes.erase(std::unique(current_changes.begin(), current_changes.end()), current_changes.end());
    for (auto& lp : pops)
        if (lp.i_ext.empty()) lp.group->enable_event_driven();
}

void simulation::impl::lower_recorders() {
    for (const auto& r : desc.spike_recorders) {
        const std::size_t pi = pop_index(r.population);
        std::vector<std::uint8_t> mask;
        if (!r.neurons.all) {
            mask.assign(pops[pi].size, 0);
            for (auto id : r.neurons.ids) mask[id] = 1;
        }
        pops[pi].spike_recorders.push_back(spikes.size());
        spikes.push_back({r.population, {}, {}});
        spike_masks.push_back(std::move(mask));
    }
    for (const auto& r : desc.state_recorders) {
        const std::size_t pi = pop_index(r.population);
        std::vector<std::uint32_t> ids =
            r.neurons.all ? std::vector<std::uint32_t>(pops[pi].size) : r.neurons.ids;
        if (r.neurons.all) std::iota(ids.begin(), ids.end(), 0u);
        for (const auto& v : r.variables) {
            const auto vi = static_cast<std::size_t>(pops[pi].model->state_index(v));
            recorded_trace t;
            t.population = r.population;
            t.variable = v;
            t.unit = std::string(pops[pi].model->state()[vi].unit);
            t.node_ids = ids;
            t.interval_steps = std::max<std::int64_t>(1, to_steps(r.interval_ms, dt));
            traces.push_back(std::move(t));
            trace_src.emplace_back(pi, vi);
        }
    }
}

simulation::simulation(const network_description& d, const model_registry& models, unsigned threads,
                       const rule_registry* rules)
    : simulation(d, models, context(threads ? threads : std::max(1u, d.sim.threads)), rules) {}

simulation::simulation(const network_description& d, const model_registry& models, const context& ctx,
                       const rule_registry* rules)
    : p_(std::make_unique<impl>()) {
    const auto t0 = std::chrono::steady_clock::now();
    validate(d, models);
    auto& s = *p_;
    s.desc = d;
    if (ctx.seed) s.desc.sim.seed = *ctx.seed;
    s.dt = d.sim.dt_ms;
    s.rules = rules;
    s.ctx = ctx;
    s.threads = ctx.threads();
    s.arena = s.threads > 1;
    s.lower_populations(models);
    s.lower_initial_state(models);
    // Connection generation is parallel too, within the same number of threads as the run.
    s.ctx.execute([&] { s.lower_projections(); });
    s.lower_inputs();
    s.lower_recorders();
    s.task_spikes.resize(s.tasks.size());
    s.build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace spikekit
