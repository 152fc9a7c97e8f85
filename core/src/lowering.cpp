// The public lowering (spikekit/core/lowering.hpp): a description's synapses, conv2d kernels and initial
// values, drawn exactly as the kernel draws them (core/src/simulation_build.cpp uses the same functions).
#include "spikekit/core/lowering.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "spikekit/core/error.hpp"
#include "spikekit/core/model.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit::lowering {

std::size_t population_index(const network_description& d, const std::string& name) {
    for (std::size_t i = 0; i < d.populations.size(); ++i)
        if (d.populations[i].name == name) return i;
    throw input_error(d.source_file, "populations", "no population named '" + name + "'");
}

std::size_t projection_index(const network_description& d, const std::string& name) {
    for (std::size_t i = 0; i < d.projections.size(); ++i)
        if (d.projections[i].name == name) return i;
    throw input_error(d.source_file, "projections", "no projection named '" + name + "'");
}

namespace {
const projection& checked_projection(const network_description& d, std::size_t k) {
    if (k >= d.projections.size())
        throw input_error(d.source_file, "projections",
                          "no projection " + std::to_string(k) + " (there are " +
                              std::to_string(d.projections.size()) + ")");
    return d.projections[k];
}
} // namespace

synapse_list lower_synapses(const network_description& d, std::size_t k) {
    const projection& p = checked_projection(d, k);
    const std::string where = "projections[" + std::to_string(k) + "]";
    if (p.conn.type == connectivity::kind::conv2d)
        throw input_error(d.source_file, where + ".connectivity",
                          "a conv2d projection keeps a shared kernel, not a synapse list (use lower_conv)");
    const std::size_t si = population_index(d, p.source), ti = population_index(d, p.target);
    const projection_synapses gen(p, d.populations[si].size, d.populations[ti].size, si == ti, d.sim.seed,
                                  static_cast<std::uint32_t>(k), d.sim.dt_ms, d.source_file);
    synapse_list out;
    const auto n = static_cast<std::size_t>(gen.size());
    out.source.reserve(n);
    out.target.reserve(n);
    out.weight.reserve(n);
    out.delay_steps.reserve(n);
    gen.for_each([&](std::uint64_t item, std::uint32_t s, std::uint32_t t) {
        out.source.push_back(s);
        out.target.push_back(t);
        out.weight.push_back(gen.weight(item));
        out.delay_steps.push_back(gen.delay_steps(item));
    });
    return out;
}

conv_kernel lower_conv(const network_description& d, std::size_t k) {
    const projection& p = checked_projection(d, k);
    const std::string where = "projections[" + std::to_string(k) + "]";
    if (p.conn.type != connectivity::kind::conv2d)
        throw input_error(d.source_file, where + ".connectivity", "not a conv2d projection");
    conv_kernel out;
    out.geo = p.conn.conv;
    const value_source w(p.weight, key_for(d.sim.seed, stream_kind::weight, static_cast<std::uint32_t>(k)),
                         out.geo.kernel_size(), "projection " + p.name + " weight");
    out.weight.resize(out.geo.kernel_size());
    for (std::size_t i = 0; i < out.weight.size(); ++i) out.weight[i] = static_cast<float>(w(i));
    const double steps = std::max(1.0, std::round(p.delay.value / d.sim.dt_ms));
    if (steps > max_delay_steps)
        throw input_error(d.source_file, where + ".delay",
                          "longer than " + std::to_string(max_delay_steps) + " steps");
    out.delay_steps = static_cast<std::uint32_t>(steps);
    return out;
}

std::vector<double> lower_initial(const network_description& d, const model_registry& models, std::size_t pi,
                                  const std::string& variable) {
    const population& pop = d.populations.at(pi);
    const auto it = pop.initial.find(variable);
    if (it == pop.initial.end()) return {};
    const neuron_model* model = models.find(pop.model);
    const std::ptrdiff_t vi = model ? model->state_index(variable) : -1;
    const std::string where = "populations[" + std::to_string(pi) + "].initial." + variable;
    if (vi < 0) throw input_error(d.source_file, where, "the model has no state variable '" + variable + "'");
    // One key per (population, state variable), 64 variables per population.
    const value_source src(it->second,
                           key_for(d.sim.seed, stream_kind::initial,
                                   static_cast<std::uint32_t>(pi * 64 + static_cast<std::size_t>(vi))),
                           pop.size, where);
    std::vector<double> out(pop.size);
    for (std::uint32_t i = 0; i < pop.size; ++i) out[i] = src(i);
    return out;
}

namespace {
std::string number(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

// A per-neuron dataset is a 1-D numeric array (read_doubles flattens any shape and converts any number).
void check_dataset(const network_description& d, const value_spec& s, const std::string& where) {
    if (s.type != value_spec::kind::hdf5) return;
    const io::h5::reader r(s.file);
    const auto dims = r.dims(s.dataset);
    const auto cls = r.element_of(s.dataset).cls;
    std::string shape;
    for (auto n : dims) shape += (shape.empty() ? "" : ", ") + std::to_string(n);
    if (dims.size() != 1)
        throw input_error(d.source_file, where,
                          s.file + ":" + s.dataset + " has shape [" + shape +
                              "], expected a 1-D dataset of one value per neuron");
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
        throw input_error(d.source_file, where, s.file + ":" + s.dataset + " is not numeric");
}

// "neuron 3 (V_th = -72, tau_m = 5)": the values of neuron i that vary.
std::string neuron_values(const per_neuron_values& per, std::uint32_t i) {
    std::string s;
    for (const auto& [k, v] : per) s += (s.empty() ? "" : ", ") + k + " = " + number(v[i]);
    return "neuron " + std::to_string(i) + " (" + s + ")";
}
} // namespace

population_params lower_params(const network_description& d, const model_registry& models, std::size_t pi) {
    const population& pop = d.populations.at(pi);
    const neuron_model* model = models.find(pop.model);
    const std::string base = "populations[" + std::to_string(pi) + "].params";
    if (!model) throw input_error(d.source_file, base, "unknown neuron model '" + pop.model + "'");
    population_params out;
    out.all = with_defaults(model->params(), pop.params);
    const auto table = model->params();
    for (const auto& [name, spec] : pop.per_neuron) {
        const std::string where = base + "." + name;
        const param_info* info = find_param(table, name);
        if (!info)
            throw input_error(d.source_file, where, "unknown parameter '" + name + "' of model " + pop.model);
        if (pop.params.count(name))
            throw input_error(d.source_file, where, "given both as one value and per neuron");
        check_dataset(d, spec, where);
        const auto index = static_cast<std::size_t>(info - table.data());
        const value_source src(
            spec, key_for(d.sim.seed, stream_kind::parameter, static_cast<std::uint32_t>(pi * 64 + index)),
            pop.size, where);
        std::vector<double> v(pop.size);
        for (std::uint32_t i = 0; i < pop.size; ++i) {
            v[i] = src(i);
            if (auto msg = check_range(*info, v[i]); !msg.empty())
                throw input_error(d.source_file, where, "neuron " + std::to_string(i) + ": " + msg);
        }
        out.all[name] = v[0];
        if (std::all_of(v.begin(), v.end(), [&](double x) { return x == v[0]; })) continue;
        out.per_neuron.emplace(name, std::move(v));
    }
    if (out.per_neuron.empty()) return out; // the one set was checked with the description
    param_map q = out.all;
    for (std::uint32_t i = 0; i < pop.size; ++i) {
        for (const auto& [k, v] : out.per_neuron) q.find(k)->second = v[i];
        if (auto msg = model->check(q); !msg.empty())
            throw input_error(d.source_file, base, neuron_values(out.per_neuron, i) + ": " + msg);
    }
    return out;
}

} // namespace spikekit::lowering
