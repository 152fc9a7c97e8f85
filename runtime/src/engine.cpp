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
        if (pop.first + pop.size > m_.n_neurons || pop.slots < 1 ||
            pop.acc0 + pop.slots * pop.size > m_.acc_size)
            return status::bad_model;
    }
    for (std::uint32_t k = 0; k < m_.n_projs; ++k) {
        const projection_desc& p = m_.projs[k];
        if (p.src0 + p.n_src > m_.n_inputs + m_.n_neurons || p.tgt_pop >= m_.n_pops) return status::bad_model;
        const population_desc& t = m_.pops[p.tgt_pop];
        if (p.tgt0 < t.first || p.tgt0 + p.n_tgt > t.first + t.size) return status::bad_model;
        if (p.delays == nullptr && (p.delay < 1 || p.delay > t.slots)) return status::bad_model;
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

// Slot (now + delay) % slots of population `pop`'s ring, offset to its neuron `first` (delay <= slots:
// one subtraction instead of a second division).
std::int32_t* engine::slot(const population_desc& pop, std::uint32_t delay,
                           std::uint32_t first) const noexcept {
    std::uint32_t k = now_ % pop.slots + delay;
    if (k >= pop.slots) k -= pop.slots;
    return s_.acc + pop.acc0 + k * pop.size + (first - pop.first);
}

status engine::drain() noexcept {
    status st = status::ok;
    const std::uint32_t now = now_, n_inputs = m_.n_inputs;
    std::uint32_t* const fired = s_.fired;
    counters c = stats_;
    q_.consume_while([&](const input_event& e) {
        if (e.step > now) return false; // a later step's: stays queued
        if (e.channel >= n_inputs) {
            ++c.dropped_events;
            st = status::bad_channel;
            return true;
        }
        if (e.step < now) ++c.late_events;
        if (!test_bit(fired, e.channel)) ++c.input_spikes; // several events in one step: one spike
        set_bit(fired, e.channel);
        return true;
    });
    stats_ = c;
    return st;
}

namespace {

// The 32-bit population loop (population_desc::fast32), one instance per leak mode so the leak is not
// dispatched per neuron: intlif::step32 written out with the population's parameters in registers, and
// the still-membrane skip. Spikes only set bits in `fired`; the caller reports them.
template <intlif::leak_mode L, class Bias, class Threshold>
__attribute__((always_inline)) inline void
update_loop(const population_desc& pop, std::int32_t* in, std::int32_t* v, std::uint16_t* ref,
            std::uint32_t* fired, std::uint32_t fired0, Bias bias, Threshold threshold) {
    intlif::params p = pop.params;
    p.leak = L; // constant: the leak switch folds to this mode
    const std::int32_t lo = pop.still_lo, hi = pop.still_hi;
    const std::uint32_t n = pop.size;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::int32_t x = in[i];
        if (x == 0 && ref[i] == 0 && v[i] >= lo && v[i] <= hi) continue; // stays as it is
        in[i] = 0;
        if (intlif::step32(v[i], ref[i], x, p, bias(i), threshold(i))) set_bit(fired, fired0 + i);
    }
}

// The 32-bit population loop (population_desc::fast32), one instance per leak mode so the leak is not
// dispatched per neuron: intlif::step32 inlined with the population's parameters in registers, and the
// still-membrane skip; the population's own bias and threshold as constants unless it has per-neuron
// arrays. Spikes only set bits in `fired`; the caller reports them.
template <intlif::leak_mode L>
__attribute__((flatten)) void update_fast(const population_desc& pop, std::int32_t* in, std::int32_t* v,
                                          std::uint16_t* ref, std::uint32_t* fired,
                                          std::uint32_t fired0) noexcept {
    if (pop.bias == nullptr && pop.threshold == nullptr) {
        const std::int32_t b = pop.params.bias, t = pop.params.threshold;
        update_loop<L>(
            pop, in, v, ref, fired, fired0, [b](std::uint32_t) { return b; },
            [t](std::uint32_t) { return t; });
        return;
    }
    const std::int32_t *const bias = pop.bias, *const threshold = pop.threshold;
    const std::int32_t b = pop.params.bias, t = pop.params.threshold;
    update_loop<L>(
        pop, in, v, ref, fired, fired0, [=](std::uint32_t i) { return bias ? bias[i] : b; },
        [=](std::uint32_t i) { return threshold ? threshold[i] : t; });
}

using update_fn = void (*)(const population_desc&, std::int32_t*, std::int32_t*, std::uint16_t*,
                           std::uint32_t*, std::uint32_t) noexcept;
constexpr update_fn fast_updates[4] = {
    update_fast<intlif::leak_mode::none>, update_fast<intlif::leak_mode::linear>,
    update_fast<intlif::leak_mode::shift>, update_fast<intlif::leak_mode::multiply>};

// The 64-bit step (intlif::step), for populations the exporter could not prove 32-bit safe.
void update_wide(const population_desc& pop, std::int32_t* in, std::int32_t* v, std::uint16_t* ref,
                 std::uint32_t* fired, std::uint32_t fired0) noexcept {
    const std::int32_t *bias = pop.bias ? pop.bias : &pop.params.bias,
                       *threshold = pop.threshold ? pop.threshold : &pop.params.threshold;
    const std::uint32_t bias_step = pop.bias ? 1 : 0, threshold_step = pop.threshold ? 1 : 0;
    for (std::uint32_t i = 0; i < pop.size; ++i, bias += bias_step, threshold += threshold_step) {
        const std::int32_t x = in[i];
        in[i] = 0;
        if (intlif::step(v[i], ref[i], x, pop.params, *bias, *threshold)) set_bit(fired, fired0 + i);
    }
}

} // namespace

// Each population: its loop marks the spikes in the bitmap, then the callback hears them in neuron order.
void engine::update(spike_callback on_spike, void* context) noexcept {
    for (std::uint32_t k = 0; k < m_.n_pops; ++k) {
        const population_desc& pop = m_.pops[k];
        const std::uint32_t fired0 = m_.n_inputs + pop.first;
        const update_fn f = pop.fast32 && static_cast<unsigned>(pop.params.leak) < 4
                                ? fast_updates[static_cast<unsigned>(pop.params.leak)]
                                : update_wide;
        f(pop, slot(pop, 0, pop.first), s_.v + pop.first, s_.ref + pop.first, s_.fired, fired0);
        stats_.neuron_updates += pop.size;
        if (on_spike)
            for_each_set(s_.fired, fired0, pop.size,
                         [&](std::uint32_t node) { on_spike(context, k, node - fired0, now_); });
    }
}

void engine::deliver_dense(const projection_desc& p) noexcept {
    std::int32_t* const out = slot(m_.pops[p.tgt_pop], p.delay, p.tgt0);
    const weight_t* const weight = p.weight;
    const std::uint32_t n = p.n_tgt, src0 = p.src0;
    std::uint32_t spikes = 0;
    for_each_set(s_.fired, src0, p.n_src, [&](std::uint32_t node) {
        const weight_t* w = weight + (node - src0) * n;
        std::int32_t* o = out;
        std::int32_t* const end = out + n;
        while (o != end) *o++ += *w++;
        ++spikes;
    });
    stats_.synaptic_events += spikes * n;
}

// Sparse rows: a uniform delay walks target and weight pointers (7 instructions per synapse on Cortex-M4);
// per-synapse delays pick the ring slot per synapse.
void engine::deliver_sparse(const projection_desc& p) noexcept {
    const std::uint32_t* const row = p.row_start;
    const std::uint16_t *const target = p.target, *const delays = p.delays;
    const weight_t* const weight = p.weight;
    const population_desc& pop = m_.pops[p.tgt_pop];
    const std::uint32_t src0 = p.src0;
    std::uint32_t events = 0;
    if (delays == nullptr) {
        std::int32_t* const out = slot(pop, p.delay, p.tgt0);
        for_each_set(s_.fired, src0, p.n_src, [&](std::uint32_t node) {
            const std::uint32_t j = node - src0, b = row[j], e = row[j + 1];
            const std::uint16_t *t = target + b, *const end = target + e;
            const weight_t* w = weight + b;
            while (t != end) out[*t++] += *w++;
            events += e - b;
        });
    } else {
        const std::uint32_t slots = pop.slots, base = now_ % slots, stride = pop.size;
        std::int32_t* const ring = slot(pop, 0, p.tgt0) - base * stride; // slot 0 of the ring, at tgt0
        for_each_set(s_.fired, src0, p.n_src, [&](std::uint32_t node) {
            const std::uint32_t j = node - src0, b = row[j], e = row[j + 1];
            for (std::uint32_t k = b; k < e; ++k) {
                std::uint32_t at = base + delays[k];
                if (at >= slots) at -= slots;
                ring[at * stride + target[k]] += weight[k];
            }
            events += e - b;
        });
    }
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
    std::uint32_t* f = s_.fired;
    for (std::uint32_t* const end = f + bitmap_words(m_.n_inputs, m_.n_neurons); f != end;) *f++ = 0;
    ++now_;
    return st;
}

} // namespace spikekit::runtime
