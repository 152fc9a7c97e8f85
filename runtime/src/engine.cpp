// The MCU runtime's event loop (engine.hpp). Freestanding: compiled for Cortex-M with -ffreestanding
// -fno-exceptions -fno-rtti, and for the host in the tests and the exported host program.
#include "spikekit/runtime/engine.hpp"

namespace spikekit::runtime {
namespace {

bool test_bit(const std::uint32_t* bits, std::uint32_t i) {
    return (bits[i >> 5] >> (i & 31u)) & 1u;
}
void set_bit(std::uint32_t* bits, std::uint32_t i) {
    bits[i >> 5] |= 1u << (i & 31u);
}

// f(k) for every set bit k in [first, first + count), ascending.
template <class F>
void for_each_set(const std::uint32_t* bits, std::uint32_t first, std::uint32_t count, F&& f) {
    const std::uint32_t end = first + count;
    std::uint32_t i = first;
    while (i < end) {
        std::uint32_t w = bits[i >> 5] >> (i & 31u);
        if (w == 0) { // nothing left in this word
            i = (i | 31u) + 1u;
            continue;
        }
        const auto skip = static_cast<std::uint32_t>(__builtin_ctz(w));
        i += skip;
        if (i >= end) return;
        f(i);
        ++i;
    }
}

} // namespace

engine::engine(const model_desc& model, const state_ref& state, event_queue& inputs) noexcept
    : m_(model), s_(state), q_(inputs) {
    check_ = validate();
    reset();
}

status engine::validate() const noexcept {
    if (m_.slots < 2) return status::bad_model;
    for (std::uint32_t k = 0; k < m_.n_pops; ++k)
        if (m_.pops[k].first + m_.pops[k].size > m_.n_neurons) return status::bad_model;
    for (std::uint32_t k = 0; k < m_.n_projs; ++k) {
        const projection_desc& p = m_.projs[k];
        if (p.src0 + p.n_src > m_.n_inputs + m_.n_neurons || p.tgt0 + p.n_tgt > m_.n_neurons)
            return status::bad_model;
        if (p.delays == nullptr && (p.delay < 1 || p.delay >= m_.slots)) return status::bad_model;
        if (p.kind == projection_kind::conv2d && p.conv == nullptr) return status::bad_model;
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
    const std::uint32_t n_acc = m_.slots * m_.n_neurons;
    for (std::uint32_t i = 0; i < n_acc; ++i) s_.acc[i] = 0;
    const std::uint32_t words = bitmap_words(m_.n_inputs, m_.n_neurons);
    for (std::uint32_t i = 0; i < words; ++i) s_.fired[i] = 0;
    q_.clear();
    now_ = head_ = 0;
    stats_ = counters{};
}

std::int32_t* engine::slot(std::uint32_t delay) const noexcept {
    std::uint32_t k = head_ + delay; // delay < slots: one subtraction instead of a division
    if (k >= m_.slots) k -= m_.slots;
    return s_.acc + k * m_.n_neurons;
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

void engine::update(spike_callback on_spike, void* context) noexcept {
    std::int32_t* in = slot(0);
    for (std::uint32_t k = 0; k < m_.n_pops; ++k) {
        const population_desc& pop = m_.pops[k];
        for (std::uint32_t i = 0; i < pop.size; ++i) {
            const std::uint32_t g = pop.first + i;
            const std::int32_t x = in[g];
            in[g] = 0;
            const std::int32_t bias = pop.bias ? pop.bias[i] : pop.params.bias;
            const std::int32_t threshold = pop.threshold ? pop.threshold[i] : pop.params.threshold;
            if (intlif::step(s_.v[g], s_.ref[g], x, pop.params, bias, threshold)) {
                set_bit(s_.fired, m_.n_inputs + g);
                if (on_spike) on_spike(context, k, i, now_);
            }
        }
        stats_.neuron_updates += pop.size;
    }
}

void engine::deliver_dense(const projection_desc& p) noexcept {
    std::int32_t* out = slot(p.delay) + p.tgt0;
    for_each_set(s_.fired, p.src0, p.n_src, [&](std::uint32_t node) {
        const weight_t* w = p.weight + (node - p.src0) * p.n_tgt;
        for (std::uint32_t t = 0; t < p.n_tgt; ++t) out[t] += w[t];
        stats_.synaptic_events += p.n_tgt;
    });
}

void engine::deliver_sparse(const projection_desc& p) noexcept {
    for_each_set(s_.fired, p.src0, p.n_src, [&](std::uint32_t node) {
        const std::uint32_t j = node - p.src0, b = p.row_start[j], e = p.row_start[j + 1];
        if (p.delays == nullptr) {
            std::int32_t* out = slot(p.delay) + p.tgt0;
            for (std::uint32_t k = b; k < e; ++k) out[p.target[k]] += p.weight[k];
        } else {
            for (std::uint32_t k = b; k < e; ++k) slot(p.delays[k])[p.tgt0 + p.target[k]] += p.weight[k];
        }
        stats_.synaptic_events += e - b;
    });
}

// The kernel's conv2d delivery (core/src/conv_projection.cpp) on integers: each spiking source (c, y, x)
// adds its kernel taps into every output position it reaches, for each output channel of its group.
void engine::deliver_conv(const projection_desc& p) noexcept {
    const conv_geometry& g = *p.conv;
    const std::uint32_t plane = std::uint32_t{g.in_h} * g.in_w, out_plane = std::uint32_t{g.out_h} * g.out_w;
    const std::uint32_t cin_g = g.in_c / g.groups, cout_g = g.out_c / g.groups;
    std::int32_t* out = slot(p.delay) + p.tgt0;
    for_each_set(s_.fired, p.src0, p.n_src, [&](std::uint32_t node) {
        const std::uint32_t local = node - p.src0, c = local / plane, yx = local - c * plane;
        const std::uint32_t y = yx / g.in_w, x = yx - y * g.in_w;
        const std::uint32_t group = c / cin_g, ci = c - group * cin_g;
        const std::uint32_t o0 = group * cout_g;
        for (std::uint32_t ky = 0; ky < g.kh; ++ky) {
            const std::int32_t oy = g.out_row[y * g.kh + ky];
            if (oy < 0) continue;
            for (std::uint32_t kx = 0; kx < g.kw; ++kx) {
                const std::int32_t ox = g.out_col[x * g.kw + kx];
                if (ox < 0) continue;
                std::int32_t* o =
                    out + static_cast<std::uint32_t>(oy) * g.out_w + static_cast<std::uint32_t>(ox);
                const weight_t* w = p.weight + ((o0 * cin_g + ci) * g.kh + ky) * g.kw + kx;
                const std::uint32_t w_stride = cin_g * g.kh * g.kw;
                for (std::uint32_t k = 0; k < cout_g; ++k) o[(o0 + k) * out_plane] += w[k * w_stride];
                stats_.synaptic_events += cout_g;
            }
        }
    });
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
    update(on_spike, context);
    deliver();
    const std::uint32_t words = bitmap_words(m_.n_inputs, m_.n_neurons);
    for (std::uint32_t i = 0; i < words; ++i) s_.fired[i] = 0;
    ++now_;
    if (++head_ == m_.slots) head_ = 0;
    return st;
}

} // namespace spikekit::runtime
