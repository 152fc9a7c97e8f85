// On-device STDP of the MCU runtime (model.hpp, stdp_desc): the kernel's integer rule
// (spikekit/arith/int_stdp.hpp) driven by the same events in the same order as the kernel's plastic
// projections (core/src/plastic_projection.cpp, learning/src/int_stdp.cpp), with the same random words
// (spikekit/arith/counter_rng.hpp keyed by (projection key, 2 x synapse + side, step + 1)), so spikes and
// final weights are identical. Steps are counted from 1 here as the kernel's spike times are ((t + 1) dt).
#include "bits.hpp"
#include "spikekit/arith/counter_rng.hpp"
#include "spikekit/runtime/engine.hpp"

namespace spikekit::runtime {
namespace {

constexpr std::int32_t never = -2147483647 - 1;

// One rule update of synapse k for dt = t_post - t_pre; side 0: a presynaptic arrival, 1: a postsynaptic
// spike (both may touch a synapse in one step, so they draw apart). No draw when the table says 0.
weight_t rule_update(const stdp_desc& p, weight_t w, std::uint32_t k, std::int32_t dt, std::int32_t s,
                     unsigned side) {
    if (intstdp::lut_value(p.rule, dt) == 0) return w;
    rng::word_stream r(p.rng_key, std::uint64_t{k} * 2u + side, static_cast<std::uint64_t>(s));
    return intstdp::update(w, dt, r.bits(), p.rule);
}

std::int32_t* current_slot(const model_desc& m, const state_ref& st, const stdp_desc& p, std::uint32_t now) {
    const population_desc& pop = m.pops[p.tgt_pop];
    return st.acc + pop.acc0 + (now % pop.slots) * pop.size + (p.tgt0 - pop.first);
}

// Start of step `now`: the spikes sent d steps ago reach their slots of delay d.
void arrive(const model_desc& m, const state_ref& st, const stdp_desc& p, std::uint32_t now,
            counters& stats) {
    const std::uint32_t words = (p.n_src + 31u) / 32u;
    const auto s = static_cast<std::int32_t>(now + 1u);
    weight_t* const w = st.w + p.w0;
    std::int32_t *const last_pre = st.last_pre + p.pre0, *const last_post = st.last_post + p.post0;
    std::int32_t* const in = current_slot(m, st, p, now);
    std::uint32_t events = 0, changes = 0;
    for (std::uint32_t d = 1; d <= p.max_delay && d <= now; ++d) {
        const std::uint32_t* row = st.history + p.hist0 + ((now - d) % p.max_delay) * words;
        detail::for_each_set(row, 0, p.n_src, [&](std::uint32_t j) {
            for (std::uint32_t slot = p.src_slot[j]; slot < p.src_slot[j + 1]; ++slot) {
                if (p.slot_delay[slot] != d) continue;
                for (std::uint32_t k = p.slot_start[slot]; k < p.slot_start[slot + 1]; ++k) {
                    const std::uint32_t i = p.target[k];
                    const std::int32_t tp = last_post[i];
                    if (tp != never && tp < s) {
                        const weight_t before = w[k];
                        w[k] = rule_update(p, before, k, tp - s, s, 0);
                        changes += w[k] != before;
                    }
                    in[i] += w[k];
                }
                events += p.slot_start[slot + 1] - p.slot_start[slot];
                last_pre[slot] = s;
            }
        });
    }
    stats.synaptic_events += events;
    stats.weight_changes += changes;
}

// After the neuron update of step `now`: the targets' spikes, the sources' spikes into the history, decay.
void after_spikes(const model_desc& m, const state_ref& st, const stdp_desc& p, std::uint32_t now,
                  counters& stats) {
    const auto s = static_cast<std::int32_t>(now + 1u);
    weight_t* const w = st.w + p.w0;
    std::int32_t *const last_pre = st.last_pre + p.pre0, *const last_post = st.last_post + p.post0;
    const std::uint32_t first = m.n_inputs + p.tgt0;
    std::uint32_t changes = 0;
    detail::for_each_set(st.fired, first, p.n_tgt, [&](std::uint32_t node) {
        const std::uint32_t i = node - first;
        for (std::uint32_t e = p.in_start[i]; e < p.in_start[i + 1]; ++e) {
            const std::int32_t ta = last_pre[p.in_slot[e]];
            if (ta == never) continue;
            const std::uint32_t k = p.in_syn[e];
            const weight_t before = w[k];
            w[k] = rule_update(p, before, k, s - ta, s, 1);
            changes += w[k] != before;
        }
        last_post[i] = s;
    });
    const std::uint32_t words = (p.n_src + 31u) / 32u;
    std::uint32_t* const row = st.history + p.hist0 + (now % p.max_delay) * words;
    for (std::uint32_t k = 0; k < words; ++k) row[k] = 0;
    detail::for_each_set(st.fired, p.src0, p.n_src,
                         [&](std::uint32_t node) { detail::set_bit(row, node - p.src0); });
    if (p.rule.decay > 0 && (now + 1u) % p.decay_steps == 0)
        for (std::uint32_t k = 0; k < p.n_syn; ++k) w[k] = intstdp::decay(w[k], p.rule);
    stats.weight_changes += changes;
}

void reset(const state_ref& st, const stdp_desc& p) {
    for (std::uint32_t k = 0; k < p.n_syn; ++k) st.w[p.w0 + k] = p.w_init[k];
    for (std::uint32_t k = 0; k < p.n_slots; ++k) st.last_pre[p.pre0 + k] = never;
    for (std::uint32_t k = 0; k < p.n_tgt; ++k) st.last_post[p.post0 + k] = never;
    for (std::uint32_t k = 0; k < history_words(p.n_src, p.max_delay); ++k) st.history[p.hist0 + k] = 0;
}

} // namespace

void stdp_learn(const model_desc& m, const state_ref& s, std::uint32_t now, learn_phase phase,
                counters& stats) noexcept {
    for (std::uint32_t k = 0; k < m.n_stdp; ++k) {
        const stdp_desc& p = m.stdp[k];
        switch (phase) {
        case learn_phase::reset:
            reset(s, p);
            break;
        case learn_phase::arrive:
            arrive(m, s, p, now, stats);
            break;
        case learn_phase::after_spikes:
            after_spikes(m, s, p, now, stats);
            break;
        }
    }
}

} // namespace spikekit::runtime
