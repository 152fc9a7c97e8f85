// The MCU runtime's event loop (engine.hpp). Freestanding: compiled for Cortex-M with -ffreestanding
// -fno-exceptions -fno-rtti, and for the host in the tests and the exported host program.
#include "spikekit/runtime/engine.hpp"

#include "bits.hpp"

namespace spikekit::runtime {
using detail::for_each_set;
using detail::set_bit;
using detail::test_bit;

engine::engine(const model_desc& model, const state_ref& state, event_queue& inputs) noexcept
    : m_(model), s_(state), q_(inputs) {
    check_ = validate();
    reset();
}

status engine::validate() const noexcept {
    for (std::uint32_t k = 0; k < m_.n_pops; ++k) {
        const population_desc& pop = m_.pops[k];
        if (pop.first + pop.size > m_.n_neurons || pop.slots < 2 ||
            pop.acc0 + pop.slots * pop.size > m_.acc_size)
            return status::bad_model;
    }
    for (std::uint32_t k = 0; k < m_.n_projs; ++k) {
        const projection_desc& p = m_.projs[k];
        if (p.src0 + p.n_src > m_.n_inputs + m_.n_neurons || p.tgt_pop >= m_.n_pops) return status::bad_model;
        const population_desc& t = m_.pops[p.tgt_pop];
        if (p.tgt0 < t.first || p.tgt0 + p.n_tgt > t.first + t.size) return status::bad_model;
        if (p.delays == nullptr && (p.delay < 1 || p.delay >= t.slots)) return status::bad_model;
        if (p.kind == projection_kind::conv2d && p.conv == nullptr) return status::bad_model;
    }
    if (m_.n_stdp > 0 && (m_.learn == nullptr || s_.w == nullptr || s_.last_pre == nullptr ||
                          s_.last_post == nullptr || s_.history == nullptr))
        return status::bad_model;
    for (std::uint32_t k = 0; k < m_.n_stdp; ++k) {
        const stdp_desc& p = m_.stdp[k];
        if (p.src0 + p.n_src > m_.n_inputs + m_.n_neurons || p.tgt_pop >= m_.n_pops || p.max_delay < 1 ||
            p.decay_steps < 1)
            return status::bad_model;
        const population_desc& t = m_.pops[p.tgt_pop];
        if (p.tgt0 < t.first || p.tgt0 + p.n_tgt > t.first + t.size) return status::bad_model;
    }
    return status::ok;
}

void engine::reset() noexcept {
    for (std::uint32_t k = 0; k < m_.n_pops; ++k) {
        const population_desc& pop = m_.pops[k];
        for (std::uint32_t i = 0; i < pop.size; ++i) {
            s_.v[pop.first + i] = pop.v_init ? pop.v_init[i] : pop.v_init_all;
            s_.ref[pop.first + i] = 0;
        }
    }
    for (std::uint32_t i = 0; i < m_.acc_size; ++i) s_.acc[i] = 0;
    const std::uint32_t words = bitmap_words(m_.n_inputs, m_.n_neurons);
    for (std::uint32_t i = 0; i < words; ++i) s_.fired[i] = 0;
    q_.clear();
    if (m_.learn && check_ == status::ok) m_.learn(m_, s_, 0, learn_phase::reset, stats_);
    now_ = 0;
    stats_ = counters{};
}

// Slot (now + delay) % slots of population `pop`'s ring, offset to its neuron `first` (delay < slots:
// one subtraction instead of a second division).
std::int32_t* engine::slot(const population_desc& pop, std::uint32_t delay,
                           std::uint32_t first) const noexcept {
    std::uint32_t k = now_ % pop.slots + delay;
    if (k >= pop.slots) k -= pop.slots;
    return s_.acc + pop.acc0 + k * pop.size + (first - pop.first);
}

status engine::drain() noexcept {
    status st = status::ok;
    input_event e;
    while (q_.peek(e) && e.step <= now_) {
        q_.pop();
        if (e.channel >= m_.n_inputs) {
            ++stats_.dropped_events;
            st = status::bad_channel;
            continue;
        }
        if (e.step < now_) ++stats_.late_events;
        if (!test_bit(s_.fired, e.channel)) ++stats_.input_spikes; // several events in one step: one spike
        set_bit(s_.fired, e.channel);
    }
    return st;
}

// Locals throughout: the state arrays are int32 and could alias the descriptors' fields or the counters as
// far as the compiler knows, so working on copies keeps them in registers (measured on Cortex-M4: one
// neuron update went from 90 to INSNS instructions, see bench/mcu_figures.py).
// flatten: the integer LIF step is inlined into the loop, with the population's parameters in registers
// (at -Os GCC otherwise calls it once per neuron with the parameters reloaded from memory).
__attribute__((flatten)) void engine::update(spike_callback on_spike, void* context) noexcept {
    for (std::uint32_t k = 0; k < m_.n_pops; ++k) {
        const population_desc& pop = m_.pops[k];
        const intlif::params prm = pop.params;
        const std::int32_t *const bias = pop.bias, *const threshold = pop.threshold;
        const std::uint32_t n = pop.size, fired0 = m_.n_inputs + pop.first, t = now_;
        std::int32_t* const in = slot(pop, 0, pop.first);
        std::int32_t* const v = s_.v + pop.first;
        std::uint16_t* const ref = s_.ref + pop.first;
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::int32_t x = in[i];
            in[i] = 0;
            const bool spike = bias || threshold
                                   ? intlif::step(v[i], ref[i], x, prm, bias ? bias[i] : prm.bias,
                                                  threshold ? threshold[i] : prm.threshold)
                                   : intlif::step(v[i], ref[i], x, prm);
            if (spike) {
                set_bit(s_.fired, fired0 + i);
                if (on_spike) on_spike(context, k, i, t);
            }
        }
        stats_.neuron_updates += n;
    }
}

void engine::deliver_dense(const projection_desc& p) noexcept {
    std::int32_t* const out = slot(m_.pops[p.tgt_pop], p.delay, p.tgt0);
    const weight_t* const weight = p.weight;
    const std::uint32_t n = p.n_tgt, src0 = p.src0;
    std::uint32_t events = 0;
    for_each_set(s_.fired, src0, p.n_src, [&](std::uint32_t node) {
        const weight_t* w = weight + (node - src0) * n;
        for (std::uint32_t t = 0; t < n; ++t) out[t] += w[t];
        events += n;
    });
    stats_.synaptic_events += events;
}

void engine::deliver_sparse(const projection_desc& p) noexcept {
    const std::uint32_t* const row = p.row_start;
    const std::uint16_t *const target = p.target, *const delays = p.delays;
    const weight_t* const weight = p.weight;
    const population_desc& pop = m_.pops[p.tgt_pop];
    const std::uint32_t src0 = p.src0, slots = pop.slots, base = now_ % slots, stride = pop.size;
    std::int32_t* const out = slot(pop, p.delay, p.tgt0);
    std::int32_t* const ring = slot(pop, 0, p.tgt0) - base * stride; // slot 0 of the ring, at tgt0
    std::uint32_t events = 0;
    for_each_set(s_.fired, src0, p.n_src, [&](std::uint32_t node) {
        const std::uint32_t j = node - src0, b = row[j], e = row[j + 1];
        if (delays == nullptr) {
            for (std::uint32_t k = b; k < e; ++k) out[target[k]] += weight[k];
        } else {
            for (std::uint32_t k = b; k < e; ++k) {
                std::uint32_t at = base + delays[k];
                if (at >= slots) at -= slots;
                ring[at * stride + target[k]] += weight[k];
            }
        }
        events += e - b;
    });
    stats_.synaptic_events += events;
}

// The kernel's conv2d delivery (core/src/conv_projection.cpp) on integers: each spiking source (c, y, x)
// adds its kernel taps into every output position it reaches, for each output channel of its group.
void engine::deliver_conv(const projection_desc& p) noexcept {
    const conv_geometry g = *p.conv;
    const std::uint32_t plane = std::uint32_t{g.in_h} * g.in_w, out_plane = std::uint32_t{g.out_h} * g.out_w;
    const std::uint32_t cin_g = g.in_c / g.groups, cout_g = g.out_c / g.groups,
                        taps = std::uint32_t{g.kh} * g.kw;
    const std::uint32_t w_stride = cin_g * taps, src0 = p.src0;
    const weight_t* const weight = p.weight;
    std::int32_t* const out = slot(m_.pops[p.tgt_pop], p.delay, p.tgt0);
    std::uint32_t events = 0;
    for_each_set(s_.fired, src0, p.n_src, [&](std::uint32_t node) {
        const std::uint32_t local = node - src0, c = local / plane, yx = local - c * plane;
        const std::uint32_t y = yx / g.in_w, x = yx - y * g.in_w;
        const std::uint32_t group = c / cin_g, ci = c - group * cin_g;
        const std::uint32_t o0 = group * cout_g;
        const std::int16_t* const rows = g.out_row + y * g.kh;
        const std::int16_t* const cols = g.out_col + x * g.kw;
        const weight_t* const w0 = weight + (o0 * cin_g + ci) * taps;
        std::int32_t* const out0 = out + o0 * out_plane;
        for (std::uint32_t ky = 0; ky < g.kh; ++ky) {
            const std::int32_t oy = rows[ky];
            if (oy < 0) continue;
            for (std::uint32_t kx = 0; kx < g.kw; ++kx) {
                const std::int32_t ox = cols[kx];
                if (ox < 0) continue;
                std::int32_t* o =
                    out0 + static_cast<std::uint32_t>(oy) * g.out_w + static_cast<std::uint32_t>(ox);
                const weight_t* w = w0 + ky * g.kw + kx;
                for (std::uint32_t k = 0; k < cout_g; ++k, o += out_plane, w += w_stride) *o += *w;
                events += cout_g;
            }
        }
    });
    stats_.synaptic_events += events;
}

void engine::deliver() noexcept {
    for (std::uint32_t k = 0; k < m_.n_projs; ++k) {
        const projection_desc& p = m_.projs[k];
        switch (p.kind) {
        case projection_kind::dense:
            deliver_dense(p);
            break;
        case projection_kind::sparse:
            deliver_sparse(p);
            break;
        case projection_kind::conv2d:
            deliver_conv(p);
            break;
        }
    }
}

status engine::step(spike_callback on_spike, void* context) noexcept {
    const status st = drain();
    if (m_.learn) m_.learn(m_, s_, now_, learn_phase::arrive, stats_);
    update(on_spike, context);
    if (m_.learn) m_.learn(m_, s_, now_, learn_phase::after_spikes, stats_);
    deliver();
    const std::uint32_t words = bitmap_words(m_.n_inputs, m_.n_neurons);
    for (std::uint32_t i = 0; i < words; ++i) s_.fired[i] = 0;
    ++now_;
    return st;
}

} // namespace spikekit::runtime
