// Network description -> canonical JSON (numbers in declared units), the inverse of config_parse.cpp.
#include <nlohmann/json.hpp>

#include "config_reward.hpp"
#include "spikekit/core/config.hpp"

namespace spikekit {
namespace {
using nlohmann::json;

json value_json(const value_spec& s) {
    switch (s.type) {
    case value_spec::kind::constant:
        return s.value;
    case value_spec::kind::uniform:
        return {{"uniform", {{"low", s.low}, {"high", s.high}}}};
    case value_spec::kind::normal: {
        json n = {{"mean", s.mean}, {"std", s.std}};
        if (s.min) n["min"] = *s.min;
        if (s.max) n["max"] = *s.max;
        return {{"normal", n}};
    }
    case value_spec::kind::list:
        return {{"values", s.values}};
    case value_spec::kind::hdf5:
        return {{"hdf5", {{"file", s.file}, {"dataset", s.dataset}}}};
    }
    return nullptr;
}

json selection_json(const neuron_selection& s) {
    if (s.all) return "all";
    return s.ids;
}

const char* rule_name(connectivity::kind k) {
    switch (k) {
    case connectivity::kind::all_to_all:
        return "all_to_all";
    case connectivity::kind::one_to_one:
        return "one_to_one";
    case connectivity::kind::fixed_probability:
        return "fixed_probability";
    case connectivity::kind::fixed_indegree:
        return "fixed_indegree";
    case connectivity::kind::fixed_outdegree:
        return "fixed_outdegree";
    case connectivity::kind::list:
        return "list";
    case connectivity::kind::hdf5:
        return "hdf5";
    case connectivity::kind::conv2d:
        return "conv2d";
    }
    return "";
}

json connectivity_json(const connectivity& c) {
    json j = {{"rule", rule_name(c.type)}, {"autapses", c.autapses}, {"multapses", c.multapses}};
    using k = connectivity::kind;
    if (c.type == k::fixed_probability) j["p"] = c.p;
    if (c.type == k::fixed_indegree || c.type == k::fixed_outdegree) j["n"] = c.n;
    if (c.type == k::list) {
        j["sources"] = c.sources;
        j["targets"] = c.targets;
    }
    if (c.type == k::hdf5) {
        j["file"] = c.file;
        j["sources_dataset"] = c.sources_dataset;
        j["targets_dataset"] = c.targets_dataset;
    }
    if (c.type == k::conv2d) {
        const auto& v = c.conv;
        j["in_shape"] = v.in_shape;
        j["out_channels"] = v.out_channels;
        j["kernel"] = v.kernel;
        j["stride"] = v.stride;
        j["padding"] = v.padding;
        j["dilation"] = v.dilation;
        j["groups"] = v.groups;
    }
    return j;
}

json population_json(const population& p) {
    json j = {{"name", p.name}, {"size", p.size}, {"model", p.model}, {"params", json::object()}};
    for (const auto& [k, v] : p.params) j["params"][k] = v;
    for (const auto& [k, v] : p.per_neuron) j["params"][k] = value_json(v);
    if (!p.initial.empty()) {
        j["initial"] = json::object();
        for (const auto& [k, v] : p.initial) j["initial"][k] = value_json(v);
    }
    if (p.replay) {
        json r = {{"kind", p.replay->kind}, {"file", p.replay->file}};
        for (const auto& [k, v] : p.replay->options) r[k] = v;
        j["replay"] = r; // spike_times filled from a replay are not saved: the recording is the source
    } else if (!p.spike_times.empty()) {
        j["spike_times"] = p.spike_times;
    }
    return j;
}

json projection_json(const projection& p) {
    json j = {{"name", p.name},
              {"source", p.source},
              {"target", p.target},
              {"receptor", p.receptor},
              {"connectivity", connectivity_json(p.conn)},
              {"weight", value_json(p.weight)},
              {"delay", value_json(p.delay)}};
    if (p.plasticity) {
        j["plasticity"] = {{"rule", p.plasticity->rule}, {"params", json::object()}};
        for (const auto& [k, v] : p.plasticity->params) j["plasticity"]["params"][k] = v;
        if (p.plasticity->reward)
            j["plasticity"]["reward"] = detail::reward_source_json(*p.plasticity->reward);
    }
    return j;
}

json input_json(const input& in) {
    json j = {{"name", in.name},
              {"target", in.target},
              {"neurons", selection_json(in.neurons)},
              {"start", in.start_ms}};
    if (in.stop_ms) j["stop"] = *in.stop_ms;
    if (in.type == input::kind::poisson) {
        j["type"] = "poisson";
        j["receptor"] = in.receptor;
        if (in.rates_from) { // the pixels are not saved: the image file is the source
            const auto& s = *in.rates_from;
            j["rates_from"] = {{"images", s.file},          {"present", s.present_ms}, {"rest", s.rest_ms},
                               {"max_rate", s.max_rate_hz}, {"count", s.count},        {"first", s.first},
                               {"shuffle", s.shuffle}};
        } else {
            j["rate"] = in.rate_hz;
        }
        j["weight"] = in.weight;
    } else {
        j["type"] = "current";
        j["amplitude"] = in.amplitude;
        if (!in.steps.empty()) {
            j["steps"] = json::array();
            for (const auto& [t, a] : in.steps) j["steps"].push_back({t, a});
        }
    }
    return j;
}
} // namespace

std::string to_json(const network_description& d) {
    json j;
    j["name"] = d.name;
    if (!d.description.empty()) j["description"] = d.description;
    j["simulation"] = {{"dt", d.sim.dt_ms},
                       {"duration", d.sim.duration_ms},
                       {"seed", d.sim.seed},
                       {"threads", d.sim.threads}};
    j["populations"] = json::array();
    for (const auto& p : d.populations) j["populations"].push_back(population_json(p));
    j["projections"] = json::array();
    for (const auto& p : d.projections) j["projections"].push_back(projection_json(p));
    j["inputs"] = json::array();
    for (const auto& in : d.inputs) j["inputs"].push_back(input_json(in));
    json rec = {{"spikes", json::array()}, {"state", json::array()}};
    for (const auto& r : d.spike_recorders)
        rec["spikes"].push_back({{"population", r.population}, {"neurons", selection_json(r.neurons)}});
    for (const auto& r : d.state_recorders) {
        json e = {
            {"population", r.population}, {"variables", r.variables}, {"neurons", selection_json(r.neurons)}};
        if (r.interval_ms > 0) e["interval"] = r.interval_ms; // 0: every step, which is the default
        rec["state"].push_back(e);
    }
    j["record"] = rec;
    return j.dump(2) + "\n";
}

} // namespace spikekit
