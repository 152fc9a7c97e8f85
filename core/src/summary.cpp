// The run summary and the model / rule tables as JSON (see summary.hpp).
#include "spikekit/core/summary.hpp"

#include <cmath>

namespace spikekit {

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
        {"populations", nlohmann::json::object()}};
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
