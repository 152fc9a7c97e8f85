#include "spikekit/core/simulation.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "simulation_impl.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit {
using detail::sorted_ids;
using detail::to_steps;
using detail::update_chunk;
using detail::weight_dictionary;

// Currents are piecewise constant: recomputed only at steps where one changes (or when forced, after a
// restore from a checkpoint).
void simulation::impl::refresh_currents(bool force) {
    if (!force && !std::binary_search(current_changes.begin(), current_changes.end(), step)) return;
    for (auto& lp : pops)
        if (!lp.i_ext.empty()) std::fill(lp.i_ext.begin(), lp.i_ext.end(), 0.0);
    for (const auto& c : currents) {
        if (step < c.start || step >= c.stop) continue;
        double a = c.desc->amplitude;
        for (const auto& [t, amp] : c.desc->steps)
            if (to_steps(t, dt) <= step) a = amp;
        auto& ext = pops[c.pop].i_ext;
        if (c.desc->neurons.all) {
            for (auto& x : ext) x += a;
        } else {
            for (auto id : c.desc->neurons.ids) ext[id] += a;
        }
    }
}

// Every (input, neuron, step) draws from its own counter-based stream, so the counts do not depend on
// how neurons are split into tasks; whole populations take the batched (SIMD) path, 16 neurons at a time.
void simulation::impl::apply_poisson(const update_task& t, float* const* in) {
    const auto s = static_cast<std::uint64_t>(step);
    for (const auto& pin : poisson) {
        if (pin.pop != t.pop || step < pin.start || step >= pin.stop) continue;
        float* dst = in[pin.channel];
        const std::uint32_t gid0 = pops[t.pop].gid0;
        if (!pin.lambda.empty()) { // per-neuron rates
            auto draw = [&](std::uint32_t i, std::size_t slot) {
                const double l = pin.lambda[slot];
                if (l <= 0.0) return;
                rng::stream r(pin.key, gid0 + i, s);
                if (const auto k = r.poisson(l, pin.exp_minus[slot]))
                    dst[i] += static_cast<float>(k) * pin.weight;
            };
            if (pin.ids.empty()) {
                for (std::uint32_t i = t.begin; i < t.end; ++i) draw(i, i);
            } else {
                auto lo = std::lower_bound(pin.ids.begin(), pin.ids.end(), t.begin);
                for (; lo != pin.ids.end() && *lo < t.end; ++lo)
                    draw(*lo, static_cast<std::size_t>(lo - pin.ids.begin()));
            }
            continue;
        }
        if (pin.ids.empty() && pin.table.tabulated()) {
            double u[rng::lanes];
            std::uint32_t k[rng::lanes];
            for (std::uint32_t i0 = t.begin; i0 < t.end; i0 += rng::lanes) {
                rng::first_uniforms(pin.key, std::uint64_t{gid0} + i0, s, u);
                pin.table.lanes_of(u, k);
                const std::uint32_t n = std::min(rng::lanes, t.end - i0);
                for (std::uint32_t l = 0; l < n; ++l) dst[i0 + l] += static_cast<float>(k[l]) * pin.weight;
            }
            continue;
        }
        auto draw = [&](std::uint32_t i) {
            if (const auto k = pin.table.draw(pin.key, gid0 + i, s))
                dst[i] += static_cast<float>(k) * pin.weight;
        };
        if (pin.ids.empty()) {
            for (std::uint32_t i = t.begin; i < t.end; ++i) draw(i);
        } else {
            auto lo = std::lower_bound(pin.ids.begin(), pin.ids.end(), t.begin);
            for (; lo != pin.ids.end() && *lo < t.end; ++lo) draw(*lo);
        }
    }
}

// rates_from inputs: the image shown at this step follows from the step alone (image k from start + k period
// for `present`, then rest), so a resumed run shows the same images at the same steps.
void simulation::impl::refresh_image_rates() {
    for (auto& pin : poisson) {
        if (!pin.images) continue;
        const auto& im = *pin.images;
        const std::int64_t present = to_steps(im.present_ms, dt), period = present + to_steps(im.rest_ms, dt);
        const std::int64_t rel = step - pin.start, k = rel / period;
        const std::int64_t show = rel >= 0 && k < std::int64_t{im.count} && rel % period < present ? k : -1;
        if (show == pin.shown) continue;
        const std::size_t n = pops[pin.pop].size;
        std::vector<double> lambda(pin.ids.empty() ? n : pin.ids.size(), 0.0);
        const double scale = im.max_rate_hz / 255.0 * dt * 1e-3;
        for (std::size_t i = 0; show >= 0 && i < lambda.size(); ++i)
            lambda[i] = im.pixels[static_cast<std::size_t>(show) * lambda.size() + i] * scale;
        pin.set_lambda(std::move(lambda));
        pin.shown = show;
    }
}

void simulation::impl::record_traces() {
    for (std::size_t k = 0; k < traces.size(); ++k) {
        auto& tr = traces[k];
        if (step % tr.interval_steps != 0) continue;
        if (tr.values.empty()) tr.first_step = step;
        const auto [pi, vi] = trace_src[k];
        for (auto id : tr.node_ids)
            tr.values.push_back(static_cast<float>(pops[pi].group->get(vi, id, step)));
    }
}

// One step of the kernel.
//  U: every update task (a chunk of one population) adds its external inputs into the current ring slot,
//     advances its neurons from t to t + dt and lists its spikes. Tasks touch disjoint neurons and channels.
//  G: the task lists are concatenated in task order, i.e. by ascending global id.
//  D: every delivery block walks the spikes in that order and adds their synapses into later slots (delay
//     >= 1 step, so never into the slot being read in U). Blocks touch disjoint channels.
// Sums into a channel therefore always happen in the same order, whatever the number of threads.
void simulation::impl::one_step() {
    record_traces();
    refresh_currents();
    refresh_image_rates();
    const std::uint32_t slot = static_cast<std::uint32_t>(step % syn.slots);
    float* const base = ring.data() + std::uint64_t{slot} * syn.channels;
    for (auto& pp : plastic) pp->arrive(step, dt, syn.slots, syn.channels, ring.data());
    parallel(tasks.size(), 4 * neurons_total(), [&](std::size_t ti) {
        const auto& t = tasks[ti];
        auto& lp = pops[t.pop];
        float* in[16];
        for (std::uint32_t r = 0; r < lp.receptors && r < 16; ++r)
            in[r] = base + lp.chan0 + std::uint64_t{lp.channel_of(r)} * lp.size;
        apply_poisson(t, in);
        step_args a;
        a.step = step;
        a.input = in;
        a.i_ext = lp.i_ext.empty() ? nullptr : lp.i_ext.data();
        a.rng_key = lp.rng_key;
        task_spikes[ti].clear();
        lp.group->step(a, t.begin, t.end, task_spikes[ti]);
    });
    step_spikes.clear();
    const std::uint64_t events_before = events;
    for (std::size_t ti = 0; ti < tasks.size(); ++ti) {
        auto& lp = pops[tasks[ti].pop];
        lp.spikes += task_spikes[ti].size();
        for (auto id : task_spikes[ti]) {
            step_spikes.push_back(lp.gid0 + id);
            events += out_degree[lp.gid0 + id];
            for (auto ri : lp.spike_recorders)
                if (spike_masks[ri].empty() || spike_masks[ri][id]) {
                    spikes[ri].node_ids.push_back(id);
                    spikes[ri].steps.push_back(step);
                }
        }
    }
    for (auto& pp : plastic) pp->after_spikes(step, dt, syn.slots, step_spikes);
    for (const auto& cp : convs) cp.deliver(step_spikes, step, syn.slots, syn.channels, ring.data());
    if (!step_spikes.empty() && syn.size() > 0) {
        // One block range per thread: each part then reads long contiguous runs of every spike's row (more
        // parts per thread balance better but cut the runs short: measured slower on Brunel).
        const std::uint64_t step_events = events - events_before;
        const std::uint32_t parts = arena ? std::min(syn.blocks, threads) : 1;
        parallel(parts, step_events, [&](std::size_t p) {
            const auto b0 = static_cast<std::uint32_t>(p * syn.blocks / parts);
            const auto b1 = static_cast<std::uint32_t>((p + 1) * syn.blocks / parts);
            syn.deliver(b0, b1, step_spikes, slot, ring.data());
        });
    }
    ++step;
}

simulation::~simulation() = default;

void simulation::run(double duration_ms, const std::function<void(double)>& progress) {
    if (auto problem = duration_problem(duration_ms, p_->dt); !problem.empty())
        throw input_error(p_->desc.source_file, "duration", problem);
    const std::int64_t n = to_steps(duration_ms, p_->dt);
    const std::int64_t report_every = std::max<std::int64_t>(1, n / 200);
    for (std::int64_t k = 0; k < n; ++k) {
        p_->one_step();
        if (progress && (k + 1) % report_every == 0)
            progress(static_cast<double>(k + 1) / static_cast<double>(n));
    }
}

double simulation::dt_ms() const {
    return p_->dt;
}
std::int64_t simulation::steps_done() const {
    return p_->step;
}
std::uint64_t simulation::neurons() const {
    return p_->pops.empty() ? 0 : std::uint64_t{p_->pops.back().gid0} + p_->pops.back().size;
}
// Connections, whatever their storage: static rows, plastic stores, and the synapses a convolution
// would have if expanded.
std::uint64_t simulation::synapses() const {
    std::uint64_t n = p_->syn.size();
    for (const auto& pp : p_->plastic) n += pp->layout.size();
    for (const auto& cp : p_->convs) n += cp.connections();
    return n;
}
// Memory actually held for them (a convolution holds its kernel only).
std::uint64_t simulation::synapse_bytes() const {
    std::uint64_t b = p_->syn.bytes();
    for (const auto& pp : p_->plastic) b += std::uint64_t{pp->layout.size()} * 16;
    for (const auto& cp : p_->convs) b += cp.kernel.size() * sizeof(float);
    return b;
}
std::uint64_t simulation::synaptic_events() const {
    return p_->events;
}
double simulation::build_seconds() const {
    return p_->build_s;
}
unsigned simulation::threads() const {
    return p_->threads;
}
std::vector<population_stats> simulation::population_statistics() const {
    std::vector<population_stats> out;
    for (const auto& lp : p_->pops) out.push_back({lp.desc->name, lp.size, lp.spikes});
    return out;
}
std::uint64_t simulation::neuron_updates(std::size_t population) const {
    return p_->pops.at(population).group->updates();
}
const std::vector<recorded_spikes>& simulation::spikes() const {
    return p_->spikes;
}
std::vector<recorded_spikes> simulation::take_spikes() {
    std::vector<recorded_spikes> out;
    for (auto& r : p_->spikes) {
        out.push_back({r.population, std::move(r.node_ids), std::move(r.steps)});
        r.node_ids.clear();
        r.steps.clear();
    }
    return out;
}
const std::vector<recorded_trace>& simulation::traces() const {
    return p_->traces;
}
const network_description& simulation::description() const {
    return p_->desc;
}

void simulation::set_rates(std::string_view input, std::span<const double> rates_hz) {
    for (auto& pin : p_->poisson) {
        if (pin.name != input) continue;
        if (pin.images)
            throw input_error(p_->desc.source_file, "inputs." + std::string(input),
                              "set_rates: the input takes its rates from images (rates_from)");
        const std::size_t n = pin.ids.empty() ? p_->pops[pin.pop].size : pin.ids.size();
        if (rates_hz.size() != n)
            throw input_error(p_->desc.source_file, "inputs." + std::string(input),
                              "set_rates: expected " + std::to_string(n) + " rates, got " +
                                  std::to_string(rates_hz.size()));
        std::vector<double> lambda(n); // all checked before any is used: a refused call changes nothing
        for (std::size_t i = 0; i < n; ++i) {
            if (!(rates_hz[i] >= 0.0))
                throw input_error(p_->desc.source_file, "inputs." + std::string(input),
                                  "set_rates: rates must be >= 0 Hz");
            lambda[i] = rates_hz[i] * p_->dt * 1e-3;
        }
        pin.set_lambda(std::move(lambda));
        return;
    }
    throw input_error(p_->desc.source_file, "inputs",
                      "set_rates: no Poisson input named '" + std::string(input) + "'");
}

void simulation::set_learning(bool on) {
    auto& s = *p_;
    s.learning = on;
    for (auto& pp : s.plastic) pp->frozen = !on;
    for (auto& lp : s.pops) lp.group->freeze_adaptation(!on);
}
bool simulation::learning() const {
    return p_->learning;
}

void simulation::reward(double amount) {
    for (auto& pp : p_->plastic) pp->state->on_reward(time_ms(), amount);
}

std::vector<projection_weights> simulation::plastic_weights() const {
    std::vector<projection_weights> out;
    const double t = time_ms();
    for (const auto& pp : p_->plastic) {
        pp->state->flush(t);
        projection_weights w;
        w.projection = pp->name;
        for (std::uint32_t k = 0; k < pp->layout.size(); ++k) {
            w.source.push_back(pp->source_of(k));
            w.target.push_back(pp->layout.post_of(k));
            w.delay_ms.push_back(static_cast<float>(pp->slot_delay[pp->layout.slot_of(k)] * p_->dt));
            w.weight.push_back(pp->weights[k]);
        }
        out.push_back(std::move(w));
    }
    return out;
}

} // namespace spikekit
