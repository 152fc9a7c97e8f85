// The run summary and the model / rule tables as JSON (see summary.hpp).
#include "spikekit/core/summary.hpp"

#include <algorithm>
#include <cmath>

namespace spikekit {

namespace {

std::vector<std::size_t> histogram(const std::vector<float>& w, double lo, double hi) {
    std::vector<std::size_t> h(weight_histogram_bins, 0);
    const double width = hi > lo ? (hi - lo) / static_cast<double>(weight_histogram_bins) : 1.0;
    for (float v : w)
        h[std::min(weight_histogram_bins - 1,
                   static_cast<std::size_t>(std::max(0.0, (static_cast<double>(v) - lo) / width)))]++;
    return h;
}

double mean(const std::vector<float>& w) {
    double s = 0;
    for (float v : w) s += static_cast<double>(v);
    return w.empty() ? 0.0 : s / static_cast<double>(w.size());
}

} // namespace

std::vector<weight_change> compare_weights(const std::vector<projection_weights>& before,
                                           const std::vector<projection_weights>& after) {
    std::vector<weight_change> out;
    for (const auto& a : after) {
        const auto b = std::find_if(before.begin(), before.end(), [&](const projection_weights& p) {
            return p.projection == a.projection;
        });
        const std::vector<float>& w0 = b != before.end() ? b->weight : a.weight;
        weight_change c{a.projection, a.weight.size(), mean(w0), mean(a.weight), 0, 0, {}, {}};
        if (!a.weight.empty()) {
            const auto [lo1, hi1] = std::minmax_element(a.weight.begin(), a.weight.end());
            c.lo = std::min(0.0, static_cast<double>(*lo1));
            c.hi = *hi1;
            for (float v : w0)
                c.lo = std::min(c.lo, static_cast<double>(v)), c.hi = std::max(c.hi, static_cast<double>(v));
        }
        c.before = histogram(w0, c.lo, c.hi);
        c.after = histogram(a.weight, c.lo, c.hi);
        out.push_back(std::move(c));
    }
    return out;
}

nlohmann::json weights_json(const std::vector<weight_change>& changes) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& c : changes)
        j[c.projection] = {{"synapses", c.count},          {"mean_before", c.mean_before},
                           {"mean_after", c.mean_after},   {"histogram_range", {c.lo, c.hi}},
                           {"histogram_before", c.before}, {"histogram_after", c.after}};
    return j;
}

nlohmann::json run_summary(const simulation& sim, const run_facts& facts) {
    const auto stats = sim.population_statistics();
    std::uint64_t total = 0;
    for (const auto& p : stats) total += p.spikes;
    const double sec = sim.time_ms() * 1e-3;
    auto rate = [&](std::uint64_t spikes, std::uint64_t n) {
        return sec > 0 && n > 0 ? static_cast<double>(spikes) / static_cast<double>(n) / sec : 0.0;
    };
    const auto& desc = sim.description();
    nlohmann::json j = {
        {"network", desc.name},
        {"neurons", sim.neurons()},
        {"synapses", sim.synapses()},
        {"spikes", total},
        {"mean_rate_hz", rate(total, sim.neurons())},
        {"sim_ms", sim.time_ms()},
        {"resumed_at_ms", facts.resumed_at_ms},
        {"checkpoint", facts.checkpoint ? nlohmann::json(*facts.checkpoint) : nlohmann::json(nullptr)},
        {"dt_ms", sim.dt_ms()},
        {"threads", sim.threads()},
        {"seed", desc.sim.seed},
        {"build_s", sim.build_seconds()},
        {"run_s", facts.run_s},
        {"synaptic_events", sim.synaptic_events()},
        {"synapse_bytes", sim.synapse_bytes()},
        {"output", facts.output ? nlohmann::json(*facts.output) : nlohmann::json(nullptr)},
        {"plot", facts.plot ? nlohmann::json(*facts.plot) : nlohmann::json(nullptr)},
        {"populations", nlohmann::json::object()},
        {"learned_weights", weights_json(facts.learned)}};
    for (const auto& p : stats)
        j["populations"][p.name] = {
            {"size", p.size}, {"spikes", p.spikes}, {"rate_hz", rate(p.spikes, p.size)}};
    return j;
}

nlohmann::json params_json(std::span<const param_info> params) {
    auto out = nlohmann::json::array();
    for (const auto& p : params) {
        nlohmann::json pj = {{"name", p.name}, {"unit", p.unit}, {"doc", p.doc}};
        pj["default"] =
            std::isfinite(p.default_value) ? nlohmann::json(p.default_value) : nlohmann::json(nullptr);
        if (std::isfinite(p.min)) pj["min"] = p.min;
        if (std::isfinite(p.max)) pj["max"] = p.max;
        out.push_back(pj);
    }
    return out;
}

nlohmann::json model_json(const neuron_model& m) {
    nlohmann::json j = {{"doc", m.doc()},
                        {"params", params_json(m.params())},
                        {"state", nlohmann::json::array()},
                        {"receptors", nlohmann::json::array()}};
    for (const auto& s : m.state())
        j["state"].push_back({{"name", s.name}, {"unit", s.unit}, {"doc", s.doc}});
    for (const auto& r : m.receptors())
        j["receptors"].push_back({{"name", r.name}, {"weight_unit", r.weight_unit}, {"doc", r.doc}});
    return j;
}

nlohmann::json rule_json(const plasticity_rule& r) {
    return {{"doc", r.doc()}, {"params", params_json(r.params())}};
}

} // namespace spikekit
