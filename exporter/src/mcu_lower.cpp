// A description lowered to the MCU runtime's tables (mcu.hpp), through the kernel's public lowering.
#include <algorithm>
#include <bit>
#include <cmath>

#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/lowering.hpp"
#include "spikekit/core/plasticity.hpp"
#include "spikekit/exporter/mcu.hpp"
#include "spikekit/learning/int_stdp.hpp"
#include "spikekit/learning/rules.hpp"
#include "spikekit/neurons/int_lif.hpp"

namespace spikekit::exporter {
namespace {

constexpr const char* float_hint =
    "the MCU runtime runs the integer profile only (lif_int neurons fed by spike_source populations); "
    "convert a float network with `spikekit convert MODEL.onnx --out-bits 8 --out DIR`";

std::string pop_where(std::size_t k, const population& p) {
    return "populations[" + std::to_string(k) + "] (" + p.name + ")";
}
std::string proj_where(std::size_t k, const projection& p) {
    return "projections[" + std::to_string(k) + "] (" + p.name + ")";
}

std::int64_t to_steps(double ms, double dt) {
    return static_cast<std::int64_t>(std::llround(ms / dt));
}

// The kernel's spike_source: a time t is emitted in step max(0, round(t / dt) - 1); the kernel's cursor
// skips a time that is not later than the last one emitted (several times in one step give one spike).
void add_source_events(const population& p, std::uint32_t first, double dt, std::uint32_t steps,
                       std::vector<std::pair<std::uint32_t, std::uint32_t>>& events) {
    for (std::uint32_t i = 0; i < p.size && i < p.spike_times.size(); ++i) {
        std::int64_t last = -1;
        for (double t : p.spike_times[i]) {
            const std::int64_t s = std::max<std::int64_t>(0, to_steps(t, dt) - 1);
            if (s <= last) continue;
            last = s;
            if (s < steps) events.emplace_back(static_cast<std::uint32_t>(s), first + i);
        }
    }
}

std::int32_t initial_value(double x, const intlif::params& p) {
    return intlif::saturate(static_cast<std::int64_t>(std::llround(x)), p.v_bits);
}

mcu_population lower_population(const network_description& d, std::size_t k, const model_registry& models,
                                std::uint32_t first) {
    const population& p = d.populations[k];
    mcu_population out;
    out.name = p.name;
    out.first = first;
    out.size = p.size;
    // Each neuron's bias and threshold as the kernel draws them; stored per neuron only when they vary.
    auto lif = neurons::lower_int_lif(d, models, k);
    out.params = lif.shared;
    if (std::any_of(lif.bias.begin(), lif.bias.end(), [&](auto b) { return b != lif.bias[0]; }))
        out.bias = std::move(lif.bias);
    if (std::any_of(lif.threshold.begin(), lif.threshold.end(),
                    [&](auto t) { return t != lif.threshold[0]; }))
        out.threshold = std::move(lif.threshold);
    for (const auto& entry : p.initial)
        if (entry.first != "V_m")
            throw input_error(d.source_file, pop_where(k, p) + ".initial." + entry.first,
                              "only V_m can be set initially on the MCU");
    // The kernel's initial membranes (constant, list, drawn or HDF5), set as lif_int sets them; one
    // value for all is stored once.
    const auto v0 = lowering::lower_initial(d, models, k, "V_m");
    for (double x : v0) out.v_init.push_back(initial_value(x, out.params));
    if (!out.v_init.empty() &&
        std::all_of(out.v_init.begin(), out.v_init.end(), [&](auto x) { return x == out.v_init[0]; })) {
        out.v_init_all = out.v_init[0];
        out.v_init.clear();
    }
    return out;
}

std::int16_t integer_weight(double w, const std::string& file, const std::string& where) {
    if (w != std::nearbyint(w) || std::fabs(w) > 32767.0)
        throw input_error(file, where + " weight",
                          "expected integer weights in [-32767, 32767] (found " + std::to_string(w) + "); " +
                              float_hint);
    return static_cast<std::int16_t>(w);
}

// The kernel's tap tables (lowering::conv_taps) in 16 bits.
std::vector<std::int16_t> taps(std::uint32_t n_in, std::uint32_t k, std::uint32_t stride, std::uint32_t pad,
                               std::uint32_t dil, std::uint32_t n_out) {
    const auto t = lowering::conv_taps(n_in, k, stride, pad, dil, n_out);
    return std::vector<std::int16_t>(t.begin(), t.end());
}

void lower_conv_projection(const network_description& d, std::size_t k, mcu_projection& out) {
    const auto c = lowering::lower_conv(d, k);
    const std::string where = proj_where(k, d.projections[k]);
    out.type = mcu_projection::kind::conv2d;
    out.conv = c.geo;
    out.delay = c.delay_steps;
    for (float w : c.weight) out.weight.push_back(integer_weight(w, d.source_file, where));
    const auto& g = c.geo;
    if (std::max({g.in_shape[0], g.in_shape[1], g.in_shape[2], g.out_channels, g.out_h(), g.out_w()}) > 32767)
        throw input_error(d.source_file, where, "conv2d dimensions above 32767 do not fit the MCU runtime");
    out.out_row = taps(g.in_shape[1], g.kernel[0], g.stride[0], g.padding[0], g.dilation[0], g.out_h());
    out.out_col = taps(g.in_shape[2], g.kernel[1], g.stride[1], g.padding[1], g.dilation[1], g.out_w());
    for (std::uint32_t ch = 0; ch < g.in_shape[0]; ++ch)
        for (std::uint32_t y = 0; y < g.in_shape[1]; ++y)
            for (std::uint32_t x = 0; x < g.in_shape[2]; ++x) {
                std::uint64_t rows = 0, cols = 0;
                for (std::uint32_t t = 0; t < g.kernel[0]; ++t) rows += out.out_row[y * g.kernel[0] + t] >= 0;
                for (std::uint32_t t = 0; t < g.kernel[1]; ++t) cols += out.out_col[x * g.kernel[1] + t] >= 0;
                out.synapses += rows * cols * (g.out_channels / g.groups);
            }
}

// Dense when every delay is the same and the matrix takes less flash than the synapse list.
void lower_list_projection(const network_description& d, std::size_t k, mcu_projection& out) {
    const auto s = lowering::lower_synapses(d, k);
    const std::string where = proj_where(k, d.projections[k]);
    if (out.n_tgt > 65535)
        throw input_error(d.source_file, where, "targets above 65535 neurons do not fit the MCU runtime");
    const std::size_t n = s.source.size();
    out.synapses = n;
    std::vector<std::int16_t> w(n);
    for (std::size_t i = 0; i < n; ++i) w[i] = integer_weight(s.weight[i], d.source_file, where);
    const bool uniform = n == 0 || std::all_of(s.delay_steps.begin(), s.delay_steps.end(),
                                               [&](auto x) { return x == s.delay_steps[0]; });
    out.delay = n ? std::max<std::uint32_t>(1, s.delay_steps[0]) : 1;
    const std::uint64_t dense_bytes = 2ull * out.n_src * out.n_tgt,
                        sparse_bytes = 4ull * n + 4ull * (out.n_src + 1);
    if (uniform && dense_bytes <= sparse_bytes) {
        out.type = mcu_projection::kind::dense;
        std::vector<std::int32_t> m(static_cast<std::size_t>(out.n_src) * out.n_tgt, 0);
        for (std::size_t i = 0; i < n; ++i) m[std::size_t{s.source[i]} * out.n_tgt + s.target[i]] += w[i];
        for (auto x : m)
            out.weight.push_back(integer_weight(x, d.source_file, where + " (summed multapses)"));
        return;
    }
    out.type = mcu_projection::kind::sparse;
    out.row_start.assign(out.n_src + 1, 0);
    for (auto src : s.source) ++out.row_start[src + 1];
    for (std::uint32_t j = 0; j < out.n_src; ++j) out.row_start[j + 1] += out.row_start[j];
    std::vector<std::uint32_t> cursor(out.row_start.begin(), out.row_start.end() - 1);
    out.weight.resize(n);
    out.target.resize(n);
    if (!uniform) out.delays.resize(n);
    for (std::size_t i = 0; i < n; ++i) { // stable: each row keeps generation order
        const auto pos = cursor[s.source[i]]++;
        out.weight[pos] = w[i];
        out.target[pos] = static_cast<std::uint16_t>(s.target[i]);
        if (!uniform) out.delays[pos] = static_cast<std::uint16_t>(s.delay_steps[i]);
    }
}

// A stdp_int projection: the kernel's plastic layout (core/src/plastic_projection.cpp) and lowered rule.
void lower_stdp_projection(const network_description& d, std::size_t k, mcu_stdp& out) {
    const projection& p = d.projections[k];
    const std::string where = proj_where(k, p) + ".plasticity";
    if (p.plasticity->rule != "stdp_int")
        throw input_error(d.source_file, where + ".rule",
                          "rule " + p.plasticity->rule +
                              " cannot run on the MCU runtime: it runs the integer rule stdp_int only");
    if (p.conn.type == connectivity::kind::conv2d)
        throw input_error(d.source_file, where, "a plastic conv2d projection cannot run on the MCU runtime");
    const auto rules = learning::builtin_rules();
    const param_map prm = validate_plasticity(rules, *p.plasticity, d.source_file,
                                              "projections[" + std::to_string(k) + "].plasticity");
    out.rule = learning::lower_int_stdp(prm, d.sim.dt_ms);
    out.decay_steps = static_cast<std::uint32_t>(
        std::clamp<std::int64_t>(to_steps(prm.at("decay_interval"), d.sim.dt_ms), 1, 0x7fffffff));
    out.rng_key =
        lowering::key_for(d.sim.seed, lowering::stream_kind::plasticity, static_cast<std::uint32_t>(k));
    const auto s = lowering::lower_synapses(d, k);
    const std::size_t n = s.size();
    if (out.n_tgt > 65535 || n > 0x7fffffff)
        throw input_error(d.source_file, proj_where(k, p), "too large for the MCU runtime's plastic tables");
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return s.source[a] != s.source[b] ? s.source[a] < s.source[b] : s.delay_steps[a] < s.delay_steps[b];
    });
    out.src_slot.assign(out.n_src + 1, 0);
    std::vector<std::uint32_t> slot_of(n);
    for (std::size_t q = 0; q < n; ++q) {
        const auto i = order[q];
        const bool same =
            q > 0 && s.source[order[q - 1]] == s.source[i] && s.delay_steps[order[q - 1]] == s.delay_steps[i];
        if (!same) {
            out.slot_start.push_back(static_cast<std::uint32_t>(q));
            out.slot_delay.push_back(static_cast<std::uint16_t>(s.delay_steps[i]));
            ++out.src_slot[s.source[i] + 1];
            out.max_delay = std::max(out.max_delay, s.delay_steps[i]);
        }
        slot_of[q] = out.slots() - 1;
        out.target.push_back(static_cast<std::uint16_t>(s.target[i]));
        out.w_init.push_back(intstdp::clamp(static_cast<std::int32_t>(std::lround(s.weight[i])), out.rule));
    }
    out.slot_start.push_back(static_cast<std::uint32_t>(n));
    for (std::uint32_t j = 0; j < out.n_src; ++j) out.src_slot[j + 1] += out.src_slot[j];
    if (out.max_delay > 65535)
        throw input_error(d.source_file, proj_where(k, p) + ".delay", "delays above 65535 steps do not fit");
    // Incoming synapses per target in synapse order (a counting sort, as synapse_layout builds them).
    out.in_start.assign(out.n_tgt + 1, 0);
    for (auto t : out.target) ++out.in_start[t + 1u];
    for (std::uint32_t i = 0; i < out.n_tgt; ++i) out.in_start[i + 1] += out.in_start[i];
    std::vector<std::uint32_t> fill(out.in_start.begin(), out.in_start.end() - 1);
    out.in_syn.assign(n, 0);
    out.in_slot.assign(n, 0);
    for (std::uint32_t q = 0; q < n; ++q) {
        const auto e = fill[out.target[q]]++;
        out.in_syn[e] = q;
        out.in_slot[e] = slot_of[q];
    }
}

// A sparse projection with per-synapse delays as one uniform-delay projection per distinct delay, when that
// takes no more flash (a row table per delay instead of 2 bytes per synapse): the runtime's uniform rows
// cost about half the instructions per synaptic event of per-synapse delays.
std::vector<mcu_projection> split_by_delay(mcu_projection p) {
    if (p.delays.empty()) return {std::move(p)};
    std::vector<std::uint16_t> distinct(p.delays.begin(), p.delays.end());
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (4ull * (p.n_src + 1) * (distinct.size() - 1) > 2ull * p.delays.size()) return {std::move(p)};
    std::vector<mcu_projection> out;
    for (auto d : distinct) {
        mcu_projection q = p;
        q.name = p.name + " (delay " + std::to_string(d) + ")";
        q.delay = d;
        q.delays.clear();
        q.weight.clear();
        q.target.clear();
        q.synapses = 0;
        for (std::uint32_t j = 0; j < p.n_src; ++j) {
            q.row_start[j] = static_cast<std::uint32_t>(q.target.size());
            for (auto k = p.row_start[j]; k < p.row_start[j + 1]; ++k)
                if (p.delays[k] == d) {
                    q.target.push_back(p.target[k]);
                    q.weight.push_back(p.weight[k]);
                }
        }
        q.row_start[p.n_src] = static_cast<std::uint32_t>(q.target.size());
        q.synapses = q.target.size();
        out.push_back(std::move(q));
    }
    return out;
}

// Largest sum of |weight| one target neuron of a projection can receive in one step (each synapse delivers
// at most once per step: a source spikes at most once per step, and a (source, delay) pair arrives once).
std::int64_t input_bound(const mcu_projection& p) {
    std::vector<std::int64_t> sum;
    if (p.type == mcu_projection::kind::conv2d) { // per output channel: every tap of its kernel at most once
        const auto& g = p.conv;
        const std::size_t per_out = p.weight.size() / std::max<std::uint32_t>(g.out_channels, 1);
        sum.assign(g.out_channels, 0);
        for (std::size_t i = 0; i < p.weight.size(); ++i) sum[i / per_out] += std::abs(p.weight[i]);
    } else if (p.type == mcu_projection::kind::dense) {
        sum.assign(p.n_tgt, 0);
        for (std::size_t i = 0; i < p.weight.size(); ++i) sum[i % p.n_tgt] += std::abs(p.weight[i]);
    } else {
        sum.assign(p.n_tgt, 0);
        for (std::size_t i = 0; i < p.weight.size(); ++i) sum[p.target[i]] += std::abs(p.weight[i]);
    }
    return sum.empty() ? 0 : *std::max_element(sum.begin(), sum.end());
}

std::int64_t input_bound(const mcu_stdp& p) {
    const std::int64_t w =
        std::max(std::abs(std::int64_t{p.rule.w_min}), std::abs(std::int64_t{p.rule.w_max}));
    std::int64_t in = 0;
    for (std::uint32_t i = 0; i < p.n_tgt; ++i)
        in = std::max<std::int64_t>(in, p.in_start[i + 1] - p.in_start[i]);
    return in * w;
}

// The range analysis of the 32-bit step and the still membranes (spikekit/arith/int_lif.hpp).
void analyse_ranges(mcu_model& m) {
    for (const auto& p : m.projs) m.pops[p.tgt_pop].max_input += input_bound(p);
    for (const auto& p : m.stdp) m.pops[p.tgt_pop].max_input += input_bound(p);
    for (auto& pop : m.pops) {
        const auto& q = pop.params;
        // the population's values, or its per-neuron tables (the loops then read those, not params)
        const std::vector<std::int32_t> one_bias{q.bias}, one_thr{q.threshold};
        const auto& biases = pop.bias.empty() ? one_bias : pop.bias;
        const auto& thresholds = pop.threshold.empty() ? one_thr : pop.threshold;
        std::int64_t bias = 0, thr = 0;
        for (auto b : biases) bias = std::max(bias, std::abs(std::int64_t{b}));
        for (auto t : thresholds) thr = std::max(thr, std::abs(std::int64_t{t}));
        const bool bias_zero = bias == 0;
        const std::int32_t min_thr = *std::min_element(thresholds.begin(), thresholds.end());
        pop.fast32 = intlif::fits_32(q, pop.max_input, bias, thr);
        const auto still = intlif::still_membranes(q, min_thr, bias_zero);
        pop.still_lo = still.lo;
        pop.still_hi = still.hi;
    }
}

} // namespace

std::uint64_t mcu_model::state_bytes() const {
    const std::uint64_t n = std::max<std::uint32_t>(n_neurons, 1);
    return n * (4 + 2) + 4ull * acc_size + 4ull * ((n_inputs + n_neurons + 31) / 32) + 8ull * queue_capacity +
           2ull * stdp_weights + 4ull * (stdp_slots + stdp_posts + stdp_history);
}

std::uint64_t mcu_model::model_bytes() const {
    std::uint64_t b = 0;
    for (const auto& p : pops) b += 4ull * (p.v_init.size() + p.bias.size() + p.threshold.size()) + 64;
    for (const auto& p : projs)
        b += 2ull * p.weight.size() + 4ull * p.row_start.size() + 2ull * p.target.size() +
             2ull * p.delays.size() + 2ull * (p.out_row.size() + p.out_col.size()) + 48;
    for (const auto& p : stdp)
        b += 2ull * (p.w_init.size() + p.target.size() + p.slot_delay.size()) +
             4ull * (p.src_slot.size() + p.slot_start.size() + p.in_start.size() + p.in_syn.size() +
                     p.in_slot.size()) +
             sizeof(intstdp::params) + 64;
    return b + 8ull * events.size();
}

mcu_model lower_for_mcu(const network_description& d, const model_registry& models) {
    validate(d, models);
    mcu_model m;
    m.name = d.name.empty() ? "network" : d.name;
    m.dt_ms = d.sim.dt_ms;
    const std::int64_t steps = to_steps(d.sim.duration_ms, m.dt_ms);
    if (steps < 0 || steps > 0x7fffffff)
        throw input_error(d.source_file, "simulation.duration", "expected a duration of 0 to 2^31 steps");
    m.steps = static_cast<std::uint32_t>(steps);
    for (std::size_t k = 0; k < d.inputs.size(); ++k)
        throw input_error(d.source_file, "inputs[" + std::to_string(k) + "] (" + d.inputs[k].name + ")",
                          "Poisson and current inputs cannot run on the MCU runtime (it replays spike_source "
                          "populations, or events given to it)");
    std::vector<std::uint32_t> node0(d.populations.size()), local0(d.populations.size()),
        mpop(d.populations.size());
    for (std::size_t k = 0; k < d.populations.size(); ++k) { // input channels first
        const population& p = d.populations[k];
        if (p.model != "spike_source") continue;
        m.inputs.push_back({p.name, m.n_inputs, p.size});
        node0[k] = local0[k] = m.n_inputs;
        m.n_inputs += p.size;
    }
    for (std::size_t k = 0; k < d.populations.size(); ++k) {
        const population& p = d.populations[k];
        if (p.model == "spike_source") continue;
        if (p.model != "lif_int")
            throw input_error(d.source_file, pop_where(k, p),
                              "model " + p.model + " cannot run on the MCU runtime: " + float_hint);
        mpop[k] = static_cast<std::uint32_t>(m.pops.size());
        m.pops.push_back(lower_population(d, k, models, m.n_neurons));
        local0[k] = m.n_neurons;
        node0[k] = m.n_inputs + m.n_neurons;
        m.n_neurons += p.size;
    }
    for (std::size_t k = 0; k < d.populations.size(); ++k)
        if (d.populations[k].model == "spike_source")
            add_source_events(d.populations[k], node0[k], m.dt_ms, m.steps, m.events);
    std::stable_sort(m.events.begin(), m.events.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::uint32_t busiest = 0;
    for (std::size_t i = 0, j = 0; i < m.events.size(); i = j) {
        while (j < m.events.size() && m.events[j].first == m.events[i].first) ++j;
        busiest = std::max(busiest, static_cast<std::uint32_t>(j - i));
    }
    m.queue_capacity = std::bit_ceil(std::max<std::uint32_t>(busiest, 16));
    for (std::size_t k = 0; k < d.projections.size(); ++k) {
        const projection& p = d.projections[k];
        const auto si = static_cast<std::size_t>(d.find_population(p.source) - d.populations.data());
        const auto ti = static_cast<std::size_t>(d.find_population(p.target) - d.populations.data());
        mcu_projection out;
        out.name = p.name;
        out.src0 = node0[si];
        out.n_src = d.populations[si].size;
        out.tgt0 = local0[ti];
        out.n_tgt = d.populations[ti].size;
        out.tgt_pop = mpop[ti];
        if (p.plasticity) {
            mcu_stdp st;
            st.name = p.name;
            st.src0 = out.src0;
            st.n_src = out.n_src;
            st.tgt0 = out.tgt0;
            st.n_tgt = out.n_tgt;
            st.tgt_pop = out.tgt_pop;
            lower_stdp_projection(d, k, st);
            st.w0 = m.stdp_weights;
            st.pre0 = m.stdp_slots;
            st.post0 = m.stdp_posts;
            st.hist0 = m.stdp_history;
            m.stdp_weights += static_cast<std::uint32_t>(st.w_init.size());
            m.stdp_slots += st.slots();
            m.stdp_posts += st.n_tgt;
            m.stdp_history += st.max_delay * ((st.n_src + 31) / 32);
            m.stdp.push_back(std::move(st));
            continue;
        }
        if (p.conn.type == connectivity::kind::conv2d)
            lower_conv_projection(d, k, out);
        else
            lower_list_projection(d, k, out);
        for (auto& part : split_by_delay(std::move(out))) {
            auto& slots = m.pops[part.tgt_pop].slots; // each population's ring: its longest incoming delay
            slots = std::max(slots, part.delay);
            for (auto x : part.delays) slots = std::max<std::uint32_t>(slots, x);
            m.projs.push_back(std::move(part));
        }
    }
    for (auto& p : m.pops) {
        p.acc0 = m.acc_size;
        m.acc_size += p.slots * p.size;
    }
    analyse_ranges(m);
    return m;
}

} // namespace spikekit::exporter
