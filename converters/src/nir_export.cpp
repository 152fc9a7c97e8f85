// Network description -> NIR graph, the inverse of nir_import.cpp (see there for the time and neuron
// conventions): a population becomes an Input (spike sources) or a neuron node with parameters that import
// maps back onto the same model and weights (LIF r = 1 / (1 - exp(-dt/tau)), CubaLIF r = tau_m / C_m and
// w_in = 1 / (1 - exp(-dt/tau_syn)), IF r = 1); a projection becomes a Linear (Affine when it carries the
// target's biases), a Conv2d (conv2d projections, kernel kept) or a Scale (one_to_one), followed by a Delay
// node for whatever its delay exceeds the structural delay of the depths; a population with no outgoing
// projection feeds an Output node.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "nir_depth.hpp"
#include "nir_h5.hpp"
#include "nir_neurons.hpp"
#include "spikekit/converters/nir.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/lowering.hpp"

namespace spikekit::converters {
namespace {

using nirneurons::never_fires;

nir_value num(std::vector<double> v, std::vector<std::size_t> shape) {
    nir_value x;
    x.numbers = std::move(v);
    x.shape = std::move(shape);
    return x;
}

nir_value ints(std::vector<double> v) {
    nir_value x = num(v, {v.size()});
    x.integer = true;
    return x;
}

nir_value int_scalar(double v) {
    nir_value x = num({v}, {});
    x.integer = true;
    return x;
}

double par(const population& p, const char* name, double def) {
    if (p.per_neuron.count(name)) // never a silently wrong graph: one value per node is written so far
        throw input_error("", "population " + p.name + ".params." + name,
                          "varies from neuron to neuron; the NIR export writes one value per population");
    auto it = p.params.find(name);
    return it == p.params.end() ? def : it->second;
}

std::vector<double> read_values(const std::string& file, const std::string& ds);

// Parameter `name` of every neuron: a per-neuron list or HDF5 dataset, else the one value (or `def`).
std::vector<double> per_neuron(const population& p, const char* name, double def) {
    const auto it = p.per_neuron.find(name);
    if (it == p.per_neuron.end()) return std::vector<double>(p.size, par(p, name, def));
    const auto& s = it->second;
    std::vector<double> v;
    if (s.type == value_spec::kind::list)
        v = s.values;
    else if (s.type == value_spec::kind::hdf5)
        v = read_values(s.file, s.dataset);
    else if (s.type == value_spec::kind::constant)
        v.assign(p.size, s.value);
    else
        throw input_error("", "population '" + p.name + "' parameter '" + name + "'",
                          "NIR cannot express this: a random distribution (NIR stores the values)");
    if (v.size() != p.size)
        throw input_error("", "population '" + p.name + "' parameter '" + name + "'",
                          "expected " + std::to_string(p.size) + " values, found " +
                              std::to_string(v.size()));
    return v;
}

struct exporter {
    const network_description& d;
    const nir_export_options& o;
    nir_export_result res;
    std::vector<std::vector<std::size_t>> shape; // per population
    std::string file() const { return d.source_file; }

    [[noreturn]] void refuse(const std::string& where, const std::string& why) const {
        throw input_error(file(), where, "NIR cannot express this: " + why);
    }

    bool is_bias(const population& p) const {
        return p.name == nir_bias_population && p.model == "spike_source" && p.size == 1;
    }

    void approximate(const std::string& where, const std::string& what, bool needed) {
        if (!needed) return;
        if (!o.approximate) refuse(where, what + " (--approximate drops it)");
        res.notes.push_back(where + ": " + what + " dropped (--approximate)");
    }

    nir_node neuron(const population& p) {
        nir_node n;
        n.name = p.name;
        const std::string where = "population '" + p.name + "'";
        const std::size_t size = p.size;
        auto arr = [&](const std::vector<double>& v) { return num(v, shape[index(p.name)]); };
        auto v = [&](const char* name, double def) { return per_neuron(p, name, def); };
        auto any = [](const std::vector<double>& x, auto pred) {
            return std::any_of(x.begin(), x.end(), pred);
        };
        auto map = [](std::vector<double> x, auto f) {
            for (auto& e : x) e = f(e);
            return x;
        };
        if (p.model == "spike_source") {
            n.type = "Input";
            std::vector<double> s(shape[index(p.name)].begin(), shape[index(p.name)].end());
            n.fields["shape"] = ints(s);
            return n;
        }
        if (p.model != "lif_delta" && p.model != "if_delta" && p.model != "lif_exp")
            refuse(where, "model " + p.model +
                              " (NIR has IF, LIF, CubaLIF and their non-spiking forms; conductance "
                              "synapses, adaptation and integer arithmetic have no NIR node)");
        if (any(v("I_e", 0.0), [](double x) { return x != 0.0; }))
            refuse(where + " I_e", "a constant current (use a bias projection)");
        approximate(where + " t_ref", "a refractory period",
                    any(v("t_ref", p.model == "if_delta" ? 0.0 : 2.0), [](double x) { return x != 0.0; }));
        approximate(where + " V_min", "a lower bound of V",
                    any(v("V_min", -INFINITY), [](double x) { return std::isfinite(x); }) &&
                        p.model != "lif_exp");
        if (!p.initial.empty()) approximate(where + " initial", "initial values", true);
        const double dt = d.sim.dt_ms;
        const auto v_th = v("V_th", 0.0), v_reset = v("V_reset", 0.0);
        const bool spiking = any(v_th, [](double x) { return x < never_fires; });
        if (p.model == "if_delta") {
            n.type = spiking ? "IF" : "I";
            n.fields["r"] = arr(std::vector<double>(size, 1.0));
        } else if (p.model == "lif_delta") {
            const auto tau = v("tau_m", 10.0), e_l = v("E_L", -70.0);
            if (std::exp(-dt / tau[0]) == 0.0) {
                n.type = "Threshold";
                std::vector<double> th(size);
                for (std::size_t i = 0; i < size; ++i) th[i] = v_th[i] - e_l[i];
                n.fields["threshold"] = arr(th);
                return n;
            }
            n.type = spiking ? "LIF" : "LI";
            n.fields["tau"] = arr(map(tau, [](double x) { return x / 1000.0; }));
            n.fields["r"] = arr(map(tau, [&](double x) { return 1.0 / -std::expm1(-dt / x); }));
            n.fields["v_leak"] = arr(e_l);
        } else {
            const auto tau_m = v("tau_m", 10.0), ts = v("tau_syn_ex", 2.0), c_m = v("C_m", 250.0);
            if (v("tau_syn_in", 2.0) != ts)
                refuse(where, "tau_syn_ex != tau_syn_in (a CubaLIF has one synaptic time constant)");
            n.type = spiking ? "CubaLIF" : "CubaLI";
            n.fields["tau_mem"] = arr(map(tau_m, [](double x) { return x / 1000.0; }));
            n.fields["tau_syn"] = arr(map(ts, [](double x) { return x / 1000.0; }));
            std::vector<double> r(size);
            for (std::size_t i = 0; i < size; ++i) r[i] = tau_m[i] / c_m[i];
            n.fields["r"] = arr(r);
            n.fields["v_leak"] = arr(v("E_L", -70.0));
            n.fields["w_in"] = arr(map(ts, [&](double x) { return 1.0 / -std::expm1(-dt / x); }));
        }
        if (spiking) {
            n.fields["v_threshold"] = arr(v_th);
            n.fields["v_reset"] = arr(v_reset);
            n.metadata["reset"] =
                par(p, "reset_subtract", p.model == "if_delta" ? 1.0 : 0.0) != 0.0 ? "subtract" : "zero";
        }
        return n;
    }

    std::size_t index(const std::string& name) const {
        for (std::size_t k = 0; k < d.populations.size(); ++k)
            if (d.populations[k].name == name) return k;
        throw input_error(file(), "population '" + name + "'", "unknown");
    }

    // Synapses of a projection (not conv2d) as (source, target, weight).
    void synapses(std::size_t k, std::vector<std::int64_t>& s, std::vector<std::int64_t>& t,
                  std::vector<double>& w) const;
    nir_graph build();
    void add_biases(std::vector<nir_node>& nodes,
                    const std::map<std::size_t, std::size_t>& first_linear) const;
    void add_outputs(std::vector<nir_node>& nodes, std::vector<std::pair<std::string, std::string>>& edges,
                     const std::vector<char>& has_out) const;
};

std::vector<double> read_values(const std::string& file, const std::string& ds) {
    nirh5::file_reader r(file);
    return r.read(ds, ds).numbers;
}

// Lists, HDF5 datasets, one_to_one and all_to_all with given weights are read as written (doubles); random
// connectivity or weights are the instance the kernel builds from the description's seed (public lowering,
// float weights as the kernel stores them).
void exporter::synapses(std::size_t k, std::vector<std::int64_t>& s, std::vector<std::int64_t>& t,
                        std::vector<double>& w) const {
    const projection& p = d.projections[k];
    const auto ns = d.populations[index(p.source)].size, nt = d.populations[index(p.target)].size;
    const auto& c = p.conn;
    using kind = connectivity::kind;
    const bool given_weights = p.weight.type == value_spec::kind::constant ||
                               p.weight.type == value_spec::kind::list ||
                               p.weight.type == value_spec::kind::hdf5;
    const bool given_pairs = c.type == kind::list || c.type == kind::hdf5 || c.type == kind::one_to_one ||
                             c.type == kind::all_to_all;
    if (!given_weights || !given_pairs) {
        const auto l = lowering::lower_synapses(d, k);
        s.assign(l.source.begin(), l.source.end());
        t.assign(l.target.begin(), l.target.end());
        w.assign(l.weight.begin(), l.weight.end());
        return;
    }
    if (c.type == kind::list) {
        s.assign(c.sources.begin(), c.sources.end());
        t.assign(c.targets.begin(), c.targets.end());
    } else if (c.type == kind::hdf5) {
        for (double x : read_values(c.file, c.sources_dataset)) s.push_back(std::llround(x));
        for (double x : read_values(c.file, c.targets_dataset)) t.push_back(std::llround(x));
    } else if (c.type == kind::one_to_one) {
        for (std::uint32_t i = 0; i < std::min(ns, nt); ++i) s.push_back(i), t.push_back(i);
    } else { // all_to_all, in the kernel's order (core/src/connectivity.cpp: by target, then source)
        for (std::uint32_t i = 0; i < nt; ++i)
            for (std::uint32_t j = 0; j < ns; ++j)
                if (c.autapses || p.source != p.target || i != j) s.push_back(j), t.push_back(i);
    }
    const auto& v = p.weight;
    if (v.type == value_spec::kind::constant)
        w.assign(s.size(), v.value);
    else if (v.type == value_spec::kind::list)
        w = v.values;
    else
        w = read_values(v.file, v.dataset);
    if (w.size() != s.size() || t.size() != s.size())
        throw input_error(file(), "projection '" + p.name + "'", "weights and synapses differ in number");
}

// A grouped conv2d with one channel per group, no dilation and every tap 1 (or 1 / window) is a SumPool2d
// (AvgPool2d): written as such, import maps it back onto the same kernel.
bool pool_node(const conv2d_spec& c, const std::vector<double>& w, nir_node& n) {
    if (c.groups != c.in_shape[0] || c.out_channels != c.groups || c.dilation[0] != 1 || c.dilation[1] != 1 ||
        w.empty())
        return false;
    const double taps = static_cast<double>(c.kernel[0] * c.kernel[1]);
    const bool sum = std::all_of(w.begin(), w.end(), [](double x) { return x == 1.0; });
    const bool avg = std::all_of(w.begin(), w.end(), [&](double x) { return x == 1.0 / taps; });
    if (!sum && !avg) return false;
    n.type = sum ? "SumPool2d" : "AvgPool2d";
    n.fields["kernel_size"] = ints({double(c.kernel[0]), double(c.kernel[1])});
    n.fields["stride"] = ints({double(c.stride[0]), double(c.stride[1])});
    n.fields["padding"] = ints({double(c.padding[0]), double(c.padding[1])});
    return true;
}

std::string node_name(std::string s, const std::vector<nir_node>& taken) {
    std::replace(s.begin(), s.end(), '/', '_');
    const std::string base = s;
    for (int k = 2; std::any_of(taken.begin(), taken.end(), [&](const nir_node& n) { return n.name == s; });
         ++k)
        s = base + "_" + std::to_string(k);
    return s;
}

std::vector<double> dims(const std::vector<std::size_t>& s) {
    return {s.begin(), s.end()};
}

nir_graph exporter::build() {
    const std::size_t np = d.populations.size();
    shape.assign(np, {});
    for (std::size_t k = 0; k < np; ++k) shape[k] = {d.populations[k].size};
    for (const auto& p : d.projections)
        if (p.conn.type == connectivity::kind::conv2d) {
            const auto& c = p.conn.conv;
            shape[index(p.source)] = {c.in_shape[0], c.in_shape[1], c.in_shape[2]};
            shape[index(p.target)] = {c.out_channels, c.out_h(), c.out_w()};
        }
    std::vector<char> is_pop(np, 1), source(np, 0);
    for (std::size_t k = 0; k < np; ++k)
        source[k] = d.populations[k].model == "spike_source" || d.populations[k].model == "poisson_source";
    std::vector<std::pair<std::size_t, std::size_t>> edges;
    std::vector<std::size_t> edge_of(d.projections.size(), SIZE_MAX);
    for (std::size_t k = 0; k < d.projections.size(); ++k) {
        const auto& p = d.projections[k];
        if (is_bias(d.populations[index(p.source)])) continue;
        edge_of[k] = edges.size();
        edges.emplace_back(index(p.source), index(p.target));
    }
    std::vector<char> back;
    const auto depth = nirdepth::depths(is_pop, source, edges, back);

    nir_graph g;
    g.file = d.source_file;
    g.version = "1.0.7";
    g.root.name = "node";
    g.root.type = "NIRGraph";
    auto& nodes = g.root.nodes;
    auto& out_edges = g.root.edges;
    std::vector<char> has_out(np, 0);
    for (const auto& p : d.populations) {
        if (is_bias(p)) continue;
        if (p.model == "poisson_source") refuse("population '" + p.name + "'", "random (Poisson) sources");
        nodes.push_back(neuron(p));
    }
    std::map<std::size_t, std::size_t> first_linear; // target population -> its first Linear/Conv2d node
    for (std::size_t k = 0; k < d.projections.size(); ++k) {
        const auto& p = d.projections[k];
        if (edge_of[k] == SIZE_MAX) continue;
        const std::string where = "projection '" + p.name + "'";
        const std::size_t s = index(p.source), t = index(p.target);
        has_out[s] = 1;
        approximate(where + " plasticity", "plasticity (the initial weights are exported)",
                    p.plasticity.has_value());
        const std::int64_t structural = nirdepth::structural_delay(depth, s, t, back[edge_of[k]] != 0);
        // The Delay node after a projection's linear node for what its delay exceeds the structural one.
        auto delay_after = [&](const nir_node& lin, std::string& from, std::int64_t steps) {
            std::int64_t extra = steps - structural;
            if (extra < 0) {
                approximate(where + " delay",
                            "a delay of " + std::to_string(steps) + " steps, shorter than the " +
                                std::to_string(structural) + " steps NIR's time step structure gives it",
                            true);
                extra = 0;
            }
            if (extra == 0) return;
            nir_node dl;
            dl.name = node_name(lin.name + ".delay", nodes);
            dl.type = "Delay";
            const std::size_t n_out = lin.type == "Linear" ? d.populations[t].size : 0;
            const auto sh = n_out ? std::vector<std::size_t>{n_out} : shape[t];
            dl.fields["delay"] =
                num(std::vector<double>(d.populations[t].size, double(extra) * d.sim.dt_ms / 1000.0), sh);
            out_edges.emplace_back(from, dl.name);
            from = dl.name;
            nodes.push_back(dl);
        };
        auto finish = [&](nir_node& lin, std::string from, std::int64_t steps) {
            out_edges.emplace_back(from, lin.name);
            from = lin.name;
            if ((lin.type == "Linear" || lin.type == "Conv2d") && !first_linear.count(t))
                first_linear[t] = nodes.size();
            nodes.push_back(lin);
            delay_after(nodes.back(), from, steps);
            out_edges.emplace_back(from, p.target);
        };
        if (p.conn.type == connectivity::kind::conv2d) {
            std::int64_t steps = 1;
            if (p.delay.type == value_spec::kind::constant)
                steps = std::max<std::int64_t>(1, std::llround(p.delay.value / d.sim.dt_ms));
            else
                refuse(where + " delay", "per-synapse delays of a conv2d projection");
            const auto& c = p.conn.conv;
            nir_node lin;
            lin.name = node_name(p.name, nodes);
            std::vector<double> w;
            if (p.weight.type == value_spec::kind::constant)
                w.assign(c.kernel_size(), p.weight.value);
            else if (p.weight.type == value_spec::kind::list)
                w = p.weight.values;
            else if (p.weight.type == value_spec::kind::hdf5)
                w = read_values(p.weight.file, p.weight.dataset);
            else
                refuse(where + " weight", "random kernel weights");
            if (pool_node(c, w, lin))
                w.clear();
            else
                lin.type = "Conv2d";
            if (lin.type == "Conv2d") {
                lin.fields["weight"] =
                    num(w, {c.out_channels, c.in_shape[0] / c.groups, c.kernel[0], c.kernel[1]});
                lin.fields["bias"] = num(std::vector<double>(c.out_channels, 0.0), {c.out_channels});
                lin.fields["stride"] = ints({double(c.stride[0]), double(c.stride[1])});
                lin.fields["padding"] = ints({double(c.padding[0]), double(c.padding[1])});
                lin.fields["dilation"] = ints({double(c.dilation[0]), double(c.dilation[1])});
                lin.fields["groups"] = int_scalar(c.groups);
                lin.fields["input_shape"] = ints({double(c.in_shape[1]), double(c.in_shape[2])});
            }
            finish(lin, p.source, steps);
            continue;
        }
        std::vector<std::int64_t> si, ti;
        std::vector<double> w;
        synapses(k, si, ti, w);
        // Delay (steps) per synapse; synapses of different delays go out as one Linear + Delay per delay.
        std::map<std::int64_t, std::vector<std::size_t>> by_delay;
        if (p.delay.type == value_spec::kind::constant) {
            auto& all = by_delay[std::max<std::int64_t>(1, std::llround(p.delay.value / d.sim.dt_ms))];
            for (std::size_t i = 0; i < w.size(); ++i) all.push_back(i);
        } else {
            std::vector<std::int64_t> steps;
            if (p.delay.type == value_spec::kind::list && p.delay.values.size() == w.size())
                for (double x : p.delay.values)
                    steps.push_back(std::max<std::int64_t>(1, std::llround(x / d.sim.dt_ms)));
            else
                for (auto x : lowering::lower_synapses(d, k).delay_steps) steps.push_back(x);
            if (steps.size() != w.size())
                refuse(where + " delay", "per-synapse delays of generated synapses");
            for (std::size_t i = 0; i < w.size(); ++i) by_delay[steps[i]].push_back(i);
        }
        if (by_delay.empty()) by_delay[1] = {};
        const std::size_t ns = d.populations[s].size, nt = d.populations[t].size;
        const bool scale = p.conn.type == connectivity::kind::one_to_one && ns == nt && by_delay.size() == 1;
        for (const auto& [steps, idx] : by_delay) {
            nir_node lin;
            lin.name =
                node_name(by_delay.size() == 1 ? p.name : p.name + ".d" + std::to_string(steps), nodes);
            std::string from = p.source;
            if (scale) {
                lin.type = "Scale";
                std::vector<double> sc(nt, 0.0);
                for (auto i : idx) sc[static_cast<std::size_t>(ti[i])] += w[i];
                lin.fields["scale"] = num(sc, shape[t]);
            } else {
                lin.type = "Linear";
                std::vector<double> m(nt * ns, 0.0);
                for (auto i : idx)
                    m[static_cast<std::size_t>(ti[i]) * ns + static_cast<std::size_t>(si[i])] += w[i];
                lin.fields["weight"] = num(m, {nt, ns});
                if (shape[s].size() > 1) {
                    nir_node f;
                    f.name = node_name(lin.name + ".flatten", nodes);
                    f.type = "Flatten";
                    f.fields["start_dim"] = int_scalar(0);
                    f.fields["end_dim"] = int_scalar(-1);
                    f.fields["input_type"] = ints(dims(shape[s]));
                    out_edges.emplace_back(from, f.name);
                    from = f.name;
                    nodes.push_back(f);
                }
            }
            finish(lin, from, steps);
        }
    }
    add_biases(nodes, first_linear);
    add_outputs(nodes, out_edges, has_out);
    check_nir(g, false);
    return g;
}

// The biases (projections from the every-step source) go into the first Linear (then an Affine) or Conv2d
// (per output channel) into their target.
void exporter::add_biases(std::vector<nir_node>& nodes,
                          const std::map<std::size_t, std::size_t>& first_linear) const {
    for (std::size_t k = 0; k < d.projections.size(); ++k) {
        const auto& p = d.projections[k];
        if (!is_bias(d.populations[index(p.source)])) continue;
        const std::size_t t = index(p.target), nt = d.populations[t].size;
        const std::string where = "projection '" + p.name + "'";
        std::vector<std::int64_t> si, ti;
        std::vector<double> w;
        synapses(k, si, ti, w);
        std::vector<double> b(nt, 0.0);
        for (std::size_t i = 0; i < w.size(); ++i) b[static_cast<std::size_t>(ti[i])] += w[i];
        auto it = first_linear.find(t);
        if (it == first_linear.end())
            refuse(where, "a bias into a population without a Linear or Conv2d input to carry it");
        nir_node& n = nodes[it->second];
        if (n.type == "Linear") {
            n.type = "Affine";
            n.fields["bias"] = num(b, {nt});
            continue;
        }
        const std::size_t channels = n.fields.at("weight").shape[0], plane = nt / channels;
        std::vector<double> cb(channels);
        for (std::size_t c = 0; c < channels; ++c) {
            cb[c] = b[c * plane];
            for (std::size_t i = 0; i < plane; ++i)
                if (b[c * plane + i] != cb[c])
                    refuse(where, "a bias that differs within a channel of a Conv2d");
        }
        n.fields["bias"] = num(cb, {channels});
    }
}

// Populations without outgoing projections feed Output nodes; a readout (lif_delta with P = 0 that never
// fires, as import makes for an Output behind a linear node) becomes that Output node itself.
void exporter::add_outputs(std::vector<nir_node>& nodes,
                           std::vector<std::pair<std::string, std::string>>& edges,
                           const std::vector<char>& has_out) const {
    std::vector<std::size_t> sinks;
    for (std::size_t k = 0; k < d.populations.size(); ++k) {
        const auto& p = d.populations[k];
        if (!has_out[k] && !is_bias(p) && p.model != "spike_source") sinks.push_back(k);
    }
    for (auto k : sinks) {
        const auto& p = d.populations[k];
        const bool readout = p.model == "lif_delta" && par(p, "V_th", 0.0) >= never_fires &&
                             std::exp(-d.sim.dt_ms / par(p, "tau_m", 10.0)) == 0.0;
        nir_node out;
        out.type = "Output";
        out.fields["shape"] = ints(dims(shape[k]));
        if (readout) {
            for (auto& n : nodes)
                if (n.name == p.name) {
                    out.name = p.name;
                    n = out;
                }
            continue;
        }
        out.name = node_name(sinks.size() == 1 ? std::string("output") : "output_" + p.name, nodes);
        edges.emplace_back(p.name, out.name);
        nodes.push_back(out);
    }
}

} // namespace

nir_export_result export_nir(const network_description& d, const nir_export_options& o) {
    exporter x{d, o, {}, {}};
    x.res.graph = x.build();
    return std::move(x.res);
}

} // namespace spikekit::converters
