// Time-stepped evaluation of a converted network (see snn.hpp).
#include "spikekit/converters/snn.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "spikekit/core/error.hpp"
#include "spikekit/core/random.hpp"

namespace spikekit::converters {
namespace {

std::size_t idx(int v) {
    return static_cast<std::size_t>(v);
}
constexpr std::uint32_t input_stream = 41; // rng stream of the spike input

// Per-sample state: membranes of spiking layers and accumulated inputs of gated max pools.
struct state {
    std::vector<tensor> acts, v, acc;
};

} // namespace

void input_spikes_at(const snn_model& m, const float* sample, std::uint64_t id, int t, tensor& out) {
    const std::size_t n = m.net.input_shape().size();
    if (m.options.input == input_coding::analog) {
        out.assign(sample, sample + n);
        return;
    }
    out.resize(n);
    rng::stream s(rng::make_key(m.options.seed, input_stream), id, static_cast<std::uint64_t>(t));
    for (std::size_t k = 0; k < n; ++k) out[k] = s.uniform() < static_cast<double>(sample[k]) ? 1.0f : 0.0f;
}

snn_simulator::snn_simulator(const snn_model& m) : m_(m), e_(m.net), static_(m.net.layers.size(), 0) {
    const graph& g = m.net;
    for (std::size_t i = 0; i < g.layers.size(); ++i) {
        const layer& l = g.layers[i];
        bool s = l.kind == op::input
                     ? m.options.input == input_coding::analog
                     : !m.spiking(i) && !(l.kind == op::maxpool && m.options.maxpool == maxpool_mode::gated);
        for (int in : l.inputs) s = s && static_[idx(in)];
        static_[i] = s;
    }
}

int snn_simulator::decide(const snn_run& r, const std::vector<float>& membrane) const {
    if (!m_.spiking(idx(m_.net.output))) return argmax(membrane.data(), membrane.size());
    // Most spikes wins; ties go to the larger accumulated input.
    int best = 0;
    for (std::size_t k = 1; k < r.output_spikes.size(); ++k) {
        const auto b = idx(best);
        if (r.output_spikes[k] > r.output_spikes[b] ||
            (r.output_spikes[k] == r.output_spikes[b] && membrane[k] > membrane[b]))
            best = static_cast<int>(k);
    }
    return best;
}

// Per window, the step's increase of the largest input total: after T steps the output has passed exactly
// the largest input count. Passing the spikes of the current leader instead (snn_toolbox's fir_max) loses
// the spikes of the step where the leader changes, so it undercounts the max.
void snn_simulator::gated_max(std::size_t i, const tensor& x, tensor& total, tensor& out) const {
    const std::size_t w = e_.window_size(i);
    const auto window_max = [&](std::size_t o) {
        const std::int32_t* tab = e_.window_table(i).data() + o * w;
        float best = -INFINITY;
        for (std::size_t j = 0; j < w; ++j)
            if (tab[j] >= 0) best = std::max(best, total[idx(tab[j])]);
        return std::isinf(best) ? 0.0f : best; // a window of padding only passes nothing
    };
    for (std::size_t o = 0; o < out.size(); ++o) out[o] = -window_max(o);
    for (std::size_t k = 0; k < x.size(); ++k) total[k] += x[k];
    for (std::size_t o = 0; o < out.size(); ++o) out[o] += window_max(o);
}

// Integrate `a` into `v` and fire: reset by subtraction, a spike carries the threshold as its value (written
// back into `a`). For the output layer (`r` given) also sums the input and counts spikes per neuron.
std::uint64_t snn_simulator::fire(std::size_t i, tensor& a, tensor& v, snn_run* r) const {
    const std::size_t plane = m_.net.layers[i].out.plane();
    std::uint64_t spikes = 0;
    for (std::size_t k = 0; k < a.size(); ++k) {
        const float th = m_.threshold_at(i, k / plane);
        if (r) r->output_membrane[k] += a[k];
        v[k] += a[k];
        if (v[k] >= th) {
            v[k] -= th;
            a[k] = th;
            ++spikes;
            if (r) ++r->output_spikes[k];
        } else {
            a[k] = 0.0f;
        }
    }
    return spikes;
}

snn_run snn_simulator::run(const float* sample, std::uint64_t id, const std::vector<int>& checkpoints) const {
    const graph& g = m_.net;
    const auto& opt = m_.options;
    const std::size_t n = g.layers.size(), out = idx(g.output);
    state st;
    st.acts.resize(n);
    st.v.resize(n);
    st.acc.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const layer& l = g.layers[i];
        st.acts[i].assign(l.out.size(), 0.0f);
        if (m_.spiking(i)) {
            st.v[i].resize(l.out.size());
            for (std::size_t k = 0; k < l.out.size(); ++k)
                st.v[i][k] = opt.half_initial ? 0.5f * m_.threshold_at(i, k / l.out.plane()) : 0.0f;
        }
        if (l.kind == op::maxpool && opt.maxpool == maxpool_mode::gated)
            st.acc[i].assign(g.layers[idx(l.inputs[0])].out.size(), 0.0f);
    }
    snn_run r;
    r.spikes.assign(n, 0);
    r.output_spikes.assign(g.output_shape().size(), 0);
    r.output_membrane.assign(g.output_shape().size(), 0.0f);
    const int steps = checkpoints.empty() ? 0 : checkpoints.back();
    std::size_t next_check = 0;
    for (int t = 0; t < steps; ++t) {
        if (opt.input == input_coding::spikes || t == 0) input_spikes_at(m_, sample, id, t, st.acts[0]);
        for (std::size_t i = 1; i < n; ++i) {
            if (static_[i] && t > 0) continue;
            const layer& l = g.layers[i];
            tensor& a = st.acts[i];
            if (l.kind == op::maxpool && opt.maxpool == maxpool_mode::gated) {
                gated_max(i, st.acts[idx(l.inputs[0])], st.acc[i], a);
                continue;
            }
            if (!m_.spiking(i)) {
                if (l.kind == op::maxpool)
                    e_.average_pool(i, st.acts[idx(l.inputs[0])], a); // maxpool_mode::avg
                else
                    r.sops += e_.apply(i, st.acts, a);
                continue;
            }
            // Relu/clip neurons integrate their input; an output layer decoded by spikes its own result.
            if (l.spiking())
                a = st.acts[idx(l.inputs[0])];
            else
                r.sops += e_.apply(i, st.acts, a);
            r.spikes[i] += fire(i, a, st.v[i], i == out ? &r : nullptr);
        }
        if (!m_.spiking(out)) // membrane decoding: the output layer's input summed over time
            for (std::size_t k = 0; k < r.output_membrane.size(); ++k)
                r.output_membrane[k] += st.acts[out][k];
        if (next_check < checkpoints.size() && t + 1 == checkpoints[next_check]) {
            r.predictions.push_back(decide(r, r.output_membrane));
            ++next_check;
        }
    }
    return r;
}

snn_evaluation evaluate_snn(const snn_model& m, const dataset& d, std::vector<int> timesteps,
                            const context& ctx, std::size_t limit) {
    check_sample_shape(d, m.net.input_shape());
    std::sort(timesteps.begin(), timesteps.end());
    timesteps.erase(std::unique(timesteps.begin(), timesteps.end()), timesteps.end());
    if (timesteps.empty() || timesteps.front() < 1)
        throw input_error("", "--timesteps", "needs timesteps >= 1");
    const auto t0 = std::chrono::steady_clock::now();
    const snn_simulator sim(m);
    const std::size_t n = limit == 0 ? d.count : std::min(limit, d.count);
    std::vector<snn_run> runs(n);
    ctx.parallel_chunks(n, 16, [&](std::size_t a, std::size_t b) {
        for (std::size_t s = a; s < b; ++s) {
            runs[s] = sim.run(d.image(s), s, timesteps);
            runs[s].output_spikes = {}; // keep memory small over 10,000 samples
            runs[s].output_membrane = {};
        }
    });
    snn_evaluation ev;
    ev.samples = n;
    ev.timesteps = timesteps;
    ev.accuracy.assign(timesteps.size(), 0.0);
    std::vector<std::uint64_t> spikes(m.net.layers.size(), 0);
    std::uint64_t sops = 0;
    for (std::size_t s = 0; s < n; ++s) { // reduced in sample order: deterministic
        for (std::size_t c = 0; c < timesteps.size(); ++c)
            ev.accuracy[c] += runs[s].predictions[c] == d.labels[s] ? 1.0 : 0.0;
        for (std::size_t i = 0; i < spikes.size(); ++i) spikes[i] += runs[s].spikes[i];
        sops += runs[s].sops;
    }
    const double dn = static_cast<double>(n);
    for (auto& a : ev.accuracy) a /= dn;
    ev.sops_per_inference = static_cast<double>(sops) / dn;
    for (std::size_t i = 0; i < spikes.size(); ++i) {
        if (!m.spiking(i)) continue;
        const layer& l = m.net.layers[i];
        const double per = static_cast<double>(spikes[i]) / dn;
        ev.layers.push_back(
            {l.name, to_string(l.kind), l.out.size(), per,
             per / static_cast<double>(l.out.size()) / static_cast<double>(timesteps.back())});
    }
    ev.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return ev;
}

} // namespace spikekit::converters
