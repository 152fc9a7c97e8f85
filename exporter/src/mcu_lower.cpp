// A description lowered to the MCU runtime's tables (mcu.hpp), through the kernel's public lowering.
#include <algorithm>
#include <bit>
#include <cmath>

#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/lowering.hpp"
#include "spikekit/exporter/mcu.hpp"
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

} // namespace

std::uint64_t mcu_model::state_bytes() const {
    const std::uint64_t n = std::max<std::uint32_t>(n_neurons, 1);
    return n * (4 + 2) + 4ull * acc_size + 4ull * ((n_inputs + n_neurons + 31) / 32) + 8ull * queue_capacity;
}

std::uint64_t mcu_model::model_bytes() const {
    std::uint64_t b = 0;
    for (const auto& p : pops) b += 4ull * (p.v_init.size() + p.bias.size() + p.threshold.size()) + 64;
    for (const auto& p : projs)
        b += 2ull * p.weight.size() + 4ull * p.row_start.size() + 2ull * p.target.size() +
             2ull * p.delays.size() + 2ull * (p.out_row.size() + p.out_col.size()) + 48;
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
        if (p.plasticity)
            throw input_error(d.source_file, proj_where(k, p) + ".plasticity",
                              "plastic projections are not exported to the MCU runtime yet");
        const auto si = static_cast<std::size_t>(d.find_population(p.source) - d.populations.data());
        const auto ti = static_cast<std::size_t>(d.find_population(p.target) - d.populations.data());
        mcu_projection out;
        out.name = p.name;
        out.src0 = node0[si];
        out.n_src = d.populations[si].size;
        out.tgt0 = local0[ti];
        out.n_tgt = d.populations[ti].size;
        out.tgt_pop = mpop[ti];
        if (p.conn.type == connectivity::kind::conv2d)
            lower_conv_projection(d, k, out);
        else
            lower_list_projection(d, k, out);
        auto& slots = m.pops[out.tgt_pop].slots; // each population's ring: its longest incoming delay + 1
        slots = std::max(slots, out.delay + 1);
        for (auto x : out.delays) slots = std::max<std::uint32_t>(slots, x + 1u);
        m.projs.push_back(std::move(out));
    }
    for (auto& p : m.pops) {
        p.acc0 = m.acc_size;
        m.acc_size += p.slots * p.size;
    }
    return m;
}

} // namespace spikekit::exporter
