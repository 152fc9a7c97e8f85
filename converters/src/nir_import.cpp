// NIR graph -> network description (see nir.hpp and converters/README.md, "NIR").
//
// Populations: the graph's Input nodes (spike sources replaying the input), its neuron nodes
// (nir_neurons.cpp), and a readout population for an Output that follows a linear node. Between a source
// population S and a target T, the linear nodes on the paths S -> T (Affine, Linear, Scale, convolutions,
// pools, Flatten, Delay, ports of nested graphs; several paths into a node sum, as NIR's fan-in) compose to
// one linear map: a single Linear/Affine is read directly, a single Conv/pool becomes a shared-kernel conv2d
// projection, a direct edge or a Scale a one_to_one projection, anything else explicit synapses read off the
// chain by impulses. Each target neuron's gain (its input discretisation) multiplies its incoming weights.
// Biases (Affine, Conv) become projections from one source that fires every step.
//
// Time: NIR evaluates a whole graph within a time step; the kernel delivers a spike one step later at the
// earliest. A population at depth d (longest path from the inputs, back edges excluded) therefore handles
// time step t of the graph at kernel step t + d: a forward projection has the delay depth(T) - depth(S)
// steps, a recurrent one (an edge closing a cycle) depth(T) + 1 - depth(S) (the previous step's spikes, as
// snnTorch's and Norse's recurrent cells), plus the Delay nodes on its paths in whole steps of dt. A Delay
// whose elements differ, or paths of different delays between two populations, give per-synapse delays
// (the chain is evaluated per delay: an impulse is followed through each Delay element by element). A cycle
// through several populations cannot close within one step (the kernel needs a step per population): its
// back edge gets the shortest delay, one step, and the notes say how many steps later than NIR's next step
// its spikes arrive.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "nir_depth.hpp"
#include "nir_linear.hpp"
#include "nir_neurons.hpp"
#include "nir_schema.hpp"
#include "nir_shapes.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::converters {
namespace {

constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

std::size_t count(const std::vector<std::size_t>& s) {
    std::size_t n = 1;
    for (auto d : s) n *= d;
    return n;
}

struct raw_projection {
    std::size_t src = none, tgt = none; // flat node indices; src = none: the bias source
    std::string name;
    std::int64_t extra = 0;            // steps of Delay nodes
    std::vector<std::int64_t> d_extra; // per synapse, when they differ (then `extra` is unused)
    enum class kind { list, one_to_one, conv } k = kind::list;
    conv2d_spec conv;
    std::vector<std::uint32_t> s, t;
    std::vector<double> w; // list / one_to_one: per synapse; conv: the kernel
};

struct importer {
    const nir_graph& g;
    const nir_import_options& o;
    std::vector<std::vector<std::size_t>> pred, succ;
    std::vector<char> population;           // flat node is a population
    std::vector<nirneurons::mapped> mapped; // per flat node (targets)

    importer(const nir_graph& graph, const nir_import_options& opt)
        : g(graph), o(opt), pred(graph.flat.size()), succ(graph.flat.size()),
          population(graph.flat.size(), 0), mapped(graph.flat.size()) {
        for (const auto& [s, t] : g.flat_edges) {
            pred[t].push_back(s);
            succ[s].push_back(t);
        }
        for (std::size_t k = 0; k < g.flat.size(); ++k) {
            const nir_node& n = g.flat[k];
            if (n.type == "Output" && !n.port && !succ[k].empty())
                throw input_error(g.file, "node '" + n.name + "'", "an Output node has outgoing edges");
            population[k] = is_source(k) || nirschema::is_neuron(n.type) || is_readout(k);
        }
    }

    const nir_node& node(std::size_t k) const { return g.flat[k]; }
    bool is_source(std::size_t k) const { return node(k).type == "Input" && !node(k).port; }
    bool is_readout(std::size_t k) const {
        if (node(k).type != "Output" || node(k).port) return false;
        return std::any_of(pred[k].begin(), pred[k].end(),
                           [&](std::size_t p) { return nirlinear::is_linear(node(p)); });
    }

    // The linear nodes feeding target t, in an order where each comes after its predecessors.
    std::vector<std::size_t> cone(std::size_t t) const {
        std::vector<char> in(g.flat.size(), 0);
        std::vector<std::size_t> stack(pred[t].begin(), pred[t].end()), nodes;
        while (!stack.empty()) {
            const std::size_t v = stack.back();
            stack.pop_back();
            if (in[v] || population[v]) continue;
            if (!nirlinear::is_linear(node(v)))
                throw input_error(g.file, "node '" + node(v).name + "'",
                                  "cannot feed a population (type " + node(v).type + ")");
            in[v] = 1;
            nodes.push_back(v);
            for (auto p : pred[v]) stack.push_back(p);
        }
        std::vector<std::size_t> order, indeg(g.flat.size(), 0);
        for (auto v : nodes)
            for (auto p : pred[v]) indeg[v] += in[p];
        for (auto v : nodes)
            if (indeg[v] == 0) order.push_back(v);
        for (std::size_t i = 0; i < order.size(); ++i)
            for (auto s : succ[order[i]])
                if (in[s] && --indeg[s] == 0) order.push_back(s);
        if (order.size() != nodes.size())
            throw input_error(
                g.file, "node '" + node(t).name + "'",
                "its inputs pass through a cycle of linear nodes (a cycle needs a neuron node)");
        return order;
    }

    // Drive of target t for the given source impulse (src = none: all sources silent).
    std::vector<double> eval(const std::vector<std::size_t>& order, std::size_t t, std::size_t src,
                             std::size_t j, bool with_bias) const {
        std::vector<std::vector<double>> val(g.flat.size());
        auto input = [&](std::size_t v) {
            std::vector<double> x(count(node(v).in_shape), 0.0);
            for (auto p : pred[v]) {
                if (p == src && j < x.size())
                    x[j] += 1.0;
                else if (!population[p] && !val[p].empty())
                    for (std::size_t i = 0; i < x.size(); ++i) x[i] += val[p][i];
            }
            return x;
        };
        for (auto v : order) val[v] = nirlinear::apply(g.file, node(v), input(v), with_bias);
        return input(t);
    }

    std::vector<std::size_t> between(const std::vector<std::size_t>& order, std::size_t s) const {
        std::vector<char> reach(g.flat.size(), 0);
        reach[s] = 1;
        std::vector<std::size_t> sub;
        for (auto v : order)
            if (std::any_of(pred[v].begin(), pred[v].end(), [&](std::size_t p) { return reach[p] != 0; })) {
                reach[v] = 1;
                sub.push_back(v);
            }
        return sub;
    }

    std::vector<std::int64_t> delays_of(std::size_t v) const;
    std::optional<std::int64_t> delay_steps(const std::vector<std::size_t>& sub, std::size_t s,
                                            std::size_t t) const;
    std::map<std::int64_t, std::vector<double>>
    eval_delayed(const std::vector<std::size_t>& order, std::size_t t, std::size_t src, std::size_t j) const;
    bool fast_path(const std::vector<std::size_t>& sub, std::size_t s, std::size_t t,
                   raw_projection& r) const;
    void add_projections(std::size_t t, std::vector<raw_projection>& out) const;
};

// The steps of each element of a Delay node (each a whole number of steps of dt, >= 0).
std::vector<std::int64_t> importer::delays_of(std::size_t v) const {
    const auto dv = nirshapes::values(g.file, node(v), "delay", count(node(v).in_shape), 0.0);
    std::vector<std::int64_t> steps(dv.size());
    for (std::size_t i = 0; i < dv.size(); ++i) {
        const double x = dv[i] * 1000.0 / o.dt_ms;
        if (!(dv[i] >= 0.0) || std::fabs(x - std::round(x)) > 1e-6 || x > 1e9)
            throw input_error(g.file,
                              "node '" + node(v).name + "' field 'delay' element " + std::to_string(i),
                              "expected a delay >= 0 that is a whole number of steps of dt (" +
                                  std::to_string(o.dt_ms) + " ms), found " + std::to_string(dv[i]) + " s");
        steps[i] = std::llround(x);
    }
    return steps;
}

// The delay (steps) of every path from s to t when they all agree and every Delay on them is uniform.
std::optional<std::int64_t> importer::delay_steps(const std::vector<std::size_t>& sub, std::size_t s,
                                                  std::size_t t) const {
    std::vector<std::int64_t> at(g.flat.size(), -1);
    at[s] = 0;
    bool uniform = true;
    auto arrive = [&](std::size_t v) {
        std::int64_t d = -1;
        for (auto p : pred[v]) {
            if (at[p] < 0 || (population[p] && p != s)) continue;
            if (d >= 0 && at[p] != d) uniform = false;
            d = std::max(d, at[p]);
        }
        return d;
    };
    for (auto v : sub) {
        std::int64_t d = arrive(v);
        if (node(v).type == "Delay") {
            const auto dv = delays_of(v);
            const auto [lo, hi] = std::minmax_element(dv.begin(), dv.end());
            if (lo != dv.end()) {
                uniform = uniform && *lo == *hi;
                d += *lo;
            }
        }
        at[v] = d;
    }
    const auto d = arrive(t);
    if (!uniform) return std::nullopt;
    return d;
}

// Drive of target t for an impulse of source element j, per delay (steps) of the paths it took.
std::map<std::int64_t, std::vector<double>> importer::eval_delayed(const std::vector<std::size_t>& order,
                                                                   std::size_t t, std::size_t src,
                                                                   std::size_t j) const {
    using by_delay = std::map<std::int64_t, std::vector<double>>;
    std::vector<by_delay> val(g.flat.size());
    auto input = [&](std::size_t v) {
        by_delay x;
        const std::size_t n = count(node(v).in_shape);
        auto at = [&](std::int64_t d) -> std::vector<double>& {
            auto& a = x[d];
            if (a.empty()) a.assign(n, 0.0);
            return a;
        };
        for (auto p : pred[v]) {
            if (p == src && j < n)
                at(0)[j] += 1.0;
            else if (!population[p])
                for (const auto& [d, y] : val[p])
                    for (std::size_t i = 0; i < n && i < y.size(); ++i) at(d)[i] += y[i];
        }
        return x;
    };
    for (auto v : order) {
        auto x = input(v);
        if (node(v).type == "Delay") {
            const auto steps = delays_of(v);
            for (const auto& [d, y] : x)
                for (std::size_t i = 0; i < y.size(); ++i) {
                    if (y[i] == 0.0) continue;
                    auto& a = val[v][d + steps[i]];
                    if (a.empty()) a.assign(y.size(), 0.0);
                    a[i] += y[i];
                }
        } else {
            for (const auto& [d, y] : x) val[v][d] = nirlinear::apply(g.file, node(v), y, false);
        }
    }
    return input(t);
}

// A single Linear/Affine/Scale/convolution/pool (with ports, Flatten, Delay around it) in a chain.
bool importer::fast_path(const std::vector<std::size_t>& sub, std::size_t s, std::size_t t,
                         raw_projection& r) const {
    auto chain_pred = [&](std::size_t v) {
        std::size_t n = 0;
        for (auto p : pred[v]) n += p == s || std::find(sub.begin(), sub.end(), p) != sub.end();
        return n;
    };
    std::size_t essential = none, n_essential = 0;
    for (auto v : sub) {
        if (chain_pred(v) != 1) return false;
        if (!nirlinear::is_identity(node(v))) essential = v, ++n_essential;
    }
    if (chain_pred(t) != 1 || n_essential > 1) return false;
    const auto& gain = mapped[t].gain;
    const std::size_t ns = count(node(s).out_shape);
    if (essential == none || node(essential).type == "Scale") {
        if (ns != gain.size()) return false;
        const auto sc = essential == none ? std::vector<double>(ns, 1.0)
                                          : nirshapes::values(g.file, node(essential), "scale", ns, 1.0);
        r.k = raw_projection::kind::one_to_one;
        for (std::size_t i = 0; i < ns; ++i) r.w.push_back(sc[i] * gain[i]);
        return true;
    }
    const nir_node& e = node(essential);
    if (e.type == "Linear" || e.type == "Affine") {
        const nir_value& w = e.fields.at("weight");
        const std::size_t rows = w.shape[0], cols = w.shape[1];
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < cols; ++j)
                if (w.numbers[i * cols + j] != 0.0) {
                    r.s.push_back(static_cast<std::uint32_t>(j));
                    r.t.push_back(static_cast<std::uint32_t>(i));
                    r.w.push_back(w.numbers[i * cols + j] * gain[i]);
                }
        return true;
    }
    const auto geo = nirshapes::conv(g.file, e, e.in_shape);
    const std::size_t plane = geo.oh * geo.ow;
    for (std::size_t c = 0; c < geo.cout; ++c)
        for (std::size_t i = 0; i < plane; ++i)
            if (gain[c * plane + i] != gain[c * plane]) return false; // the kernel is shared per channel
    r.k = raw_projection::kind::conv;
    auto& cs = r.conv;
    auto u32 = [](std::size_t x) { return static_cast<std::uint32_t>(x); };
    cs.in_shape = {u32(geo.cin), u32(geo.h), u32(geo.w)};
    cs.out_channels = u32(geo.cout);
    cs.groups = u32(geo.groups);
    cs.kernel = {u32(geo.k[0]), u32(geo.k[1])};
    cs.stride = {u32(geo.s[0]), u32(geo.s[1])};
    cs.padding = {u32(geo.p[0]), u32(geo.p[1])};
    cs.dilation = {u32(geo.d[0]), u32(geo.d[1])};
    const std::size_t taps = geo.k[0] * geo.k[1], per_out = geo.cin / geo.groups * taps;
    if (e.type == "Conv1d" || e.type == "Conv2d") {
        r.w = e.fields.at("weight").numbers;
    } else { // a pool: each channel's window, ones (sum) or 1/window (average)
        r.w.assign(geo.cout * per_out, e.type == "AvgPool2d" ? 1.0 / static_cast<double>(taps) : 1.0);
    }
    for (std::size_t k = 0; k < r.w.size(); ++k) r.w[k] *= gain[k / per_out * plane];
    return true;
}

void importer::add_projections(std::size_t t, std::vector<raw_projection>& out) const {
    const auto order = cone(t);
    std::vector<std::size_t> sources;
    for (auto v : order)
        for (auto p : pred[v])
            if (population[p]) sources.push_back(p);
    for (auto p : pred[t])
        if (population[p]) sources.push_back(p);
    std::sort(sources.begin(), sources.end());
    sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    const auto& gain = mapped[t].gain;
    for (auto s : sources) {
        raw_projection r;
        r.src = s;
        r.tgt = t;
        const auto sub = between(order, s);
        for (auto v : sub)
            if (!nirlinear::is_identity(node(v))) r.name += (r.name.empty() ? "" : "+") + node(v).name;
        if (r.name.empty()) r.name = node(s).name + "->" + node(t).name;
        const auto uniform = delay_steps(sub, s, t);
        if (!uniform || !fast_path(sub, s, t, r)) {
            for (std::size_t j = 0; j < count(node(s).out_shape); ++j) {
                const auto by_delay =
                    uniform
                        ? std::map<std::int64_t, std::vector<double>>{{*uniform, eval(sub, t, s, j, false)}}
                        : eval_delayed(sub, t, s, j);
                for (const auto& [d, y] : by_delay)
                    for (std::size_t i = 0; i < y.size(); ++i)
                        if (y[i] != 0.0) {
                            r.s.push_back(static_cast<std::uint32_t>(j));
                            r.t.push_back(static_cast<std::uint32_t>(i));
                            r.w.push_back(y[i] * gain[i]);
                            r.d_extra.push_back(d);
                        }
            }
        }
        if (uniform) {
            r.extra = *uniform;
            r.d_extra.clear();
        } else if (!r.d_extra.empty() && std::all_of(r.d_extra.begin(), r.d_extra.end(),
                                                     [&](std::int64_t x) { return x == r.d_extra[0]; })) {
            r.extra = r.d_extra[0];
            r.d_extra.clear();
        }
        out.push_back(std::move(r));
    }
    const auto b = eval(order, t, none, 0, true);
    raw_projection bias;
    bias.tgt = t;
    bias.name = std::string(nir_bias_population) + "->" + node(t).name;
    for (std::size_t i = 0; i < b.size(); ++i)
        if (b[i] != 0.0) {
            bias.s.push_back(0);
            bias.t.push_back(static_cast<std::uint32_t>(i));
            bias.w.push_back(b[i] * gain[i]);
        }
    if (!bias.w.empty()) out.push_back(std::move(bias));
}

} // namespace

std::vector<double> nir_bias_times(double dt_ms, double duration_ms) {
    std::vector<double> t;
    const auto steps = static_cast<std::int64_t>(std::llround(duration_ms / dt_ms));
    for (std::int64_t k = 0; k < steps; ++k) t.push_back(static_cast<double>(k + 1) * dt_ms);
    return t;
}

nir_import_result import_nir(const std::string& path, const nir_import_options& o) {
    return import_nir(read_nir(path, o.lenient), o);
}

namespace {

projection make_projection(const raw_projection& r, const std::string& src, const std::string& tgt,
                           std::int64_t base_steps, double dt_ms) {
    projection p;
    p.name = r.name;
    p.source = src;
    p.target = tgt;
    p.receptor = "exc";
    p.delay =
        value_spec::constant_of(static_cast<double>(std::max<std::int64_t>(1, base_steps + r.extra)) * dt_ms);
    if (!r.d_extra.empty()) { // per-synapse delays
        p.delay.type = value_spec::kind::list;
        for (auto x : r.d_extra)
            p.delay.values.push_back(static_cast<double>(std::max<std::int64_t>(1, base_steps + x)) * dt_ms);
    }
    p.weight.type = value_spec::kind::list;
    p.weight.values = r.w;
    if (r.k == raw_projection::kind::conv) {
        p.conn.type = connectivity::kind::conv2d;
        p.conn.conv = r.conv;
    } else if (r.k == raw_projection::kind::one_to_one) {
        p.conn.type = connectivity::kind::one_to_one;
    } else {
        p.conn.type = connectivity::kind::list;
        p.conn.sources = r.s;
        p.conn.targets = r.t;
    }
    return p;
}

void unique_names(std::vector<projection>& ps) {
    for (std::size_t k = 0; k < ps.size(); ++k) {
        int n = 1;
        const std::string base = ps[k].name;
        for (std::size_t j = 0; j < k; ++j)
            if (ps[j].name == ps[k].name) ps[k].name = base + "#" + std::to_string(++n), j = 0;
    }
}

} // namespace

nir_import_result import_nir(nir_graph g, const nir_import_options& o) {
    if (!(o.dt_ms > 0.0)) throw input_error("", "--dt", "expected a time step > 0");
    nir_import_result res;
    importer im(g, o);
    const std::size_t n = g.flat.size();
    std::vector<char> source(n, 0);
    for (std::size_t k = 0; k < n; ++k) {
        source[k] = im.is_source(k);
        if (!im.population[k] || source[k]) continue;
        im.mapped[k] = im.is_readout(k) ? nirneurons::map_readout(g.flat[k], o)
                                        : nirneurons::map_neuron(g.file, g.flat[k], o);
        res.notes.push_back(im.mapped[k].note);
    }
    std::vector<raw_projection> raw;
    for (std::size_t k = 0; k < n; ++k)
        if (im.population[k] && !source[k]) im.add_projections(k, raw);
    std::vector<std::pair<std::size_t, std::size_t>> edges; // bias projections excluded (not a population)
    std::vector<std::size_t> edge_of(raw.size(), none);
    for (std::size_t k = 0; k < raw.size(); ++k)
        if (raw[k].src != none) edge_of[k] = edges.size(), edges.emplace_back(raw[k].src, raw[k].tgt);
    std::vector<char> back;
    const auto depth = nirdepth::depths(im.population, source, edges, back);

    network_description& d = res.desc;
    d.name = std::filesystem::path(g.file).stem().string();
    d.sim.dt_ms = o.dt_ms;
    d.sim.duration_ms = o.duration_ms > 0.0 ? o.duration_ms : 1000.0 * o.dt_ms;
    d.description = "imported from NIR graph " + std::filesystem::path(g.file).filename().string() +
                    " by spikekit import (dt " + std::to_string(o.dt_ms) + " ms, reset " +
                    (!o.reset                          ? std::string("per node metadata, else zero")
                     : *o.reset == nir_reset::subtract ? "subtract"
                                                       : "zero") +
                    ")";
    for (std::size_t k = 0; k < n; ++k)
        if (source[k]) {
            population p;
            p.name = g.flat[k].name;
            p.size = static_cast<std::uint32_t>(count(g.flat[k].out_shape));
            p.model = "spike_source";
            d.populations.push_back(p);
            res.inputs.push_back(p.name);
        }
    for (std::size_t k = 0; k < n; ++k)
        if (im.population[k] && !source[k]) d.populations.push_back(im.mapped[k].pop);
    const bool any_bias =
        std::any_of(raw.begin(), raw.end(), [](const raw_projection& r) { return r.src == none; });
    if (any_bias) {
        if (d.find_population(nir_bias_population))
            throw input_error(g.file, std::string("node '") + nir_bias_population + "'",
                              "the name is taken by the every-step source of the biases");
        population b;
        b.name = nir_bias_population;
        b.size = 1;
        b.model = "spike_source";
        b.spike_times = {nir_bias_times(d.sim.dt_ms, d.sim.duration_ms)};
        d.populations.push_back(b);
    }
    for (std::size_t k = 0; k < raw.size(); ++k) {
        const auto& r = raw[k];
        const std::int64_t base =
            r.src == none ? depth[r.tgt]
                          : nirdepth::structural_delay(depth, r.src, r.tgt, back[edge_of[k]] != 0);
        std::int64_t shortest = base + (r.d_extra.empty() ? r.extra : r.d_extra[0]);
        for (auto x : r.d_extra) shortest = std::min(shortest, base + x);
        if (shortest < 1)
            res.notes.push_back("edge " + g.flat[r.src].name + " -> " + g.flat[r.tgt].name +
                                " closes a cycle through populations of depths " +
                                std::to_string(depth[r.tgt]) + ".." + std::to_string(depth[r.src]) +
                                ": NIR runs the cycle within one step, the kernel needs a step per "
                                "population; its spikes arrive " +
                                std::to_string(1 - shortest) + " step(s) after NIR's next step");
        d.projections.push_back(make_projection(r, r.src == none ? nir_bias_population : g.flat[r.src].name,
                                                g.flat[r.tgt].name, base, o.dt_ms));
    }
    unique_names(d.projections);
    for (std::size_t k = 0; k < n; ++k) {
        const nir_node& v = g.flat[k];
        if (v.type != "Output" || v.port) continue;
        if (im.is_readout(k))
            res.outputs.push_back(v.name);
        else
            for (auto p : im.pred[k]) res.outputs.push_back(g.flat[p].name);
    }
    for (const auto& p : d.populations)
        if (p.name != nir_bias_population) d.spike_recorders.push_back({p.name, {}});
    for (const auto& out : res.outputs) {
        const population* p = d.find_population(out);
        if (p && p->model != "spike_source") d.state_recorders.push_back({out, {"V_m"}, {}, 0.0});
    }
    res.notes.insert(res.notes.begin(),
                     "dt = " + std::to_string(o.dt_ms) +
                         " ms; NIR times read in seconds; a step's input is held over the step");
    for (const auto& r : g.relaxed) res.notes.push_back("relaxed (--lenient): " + r);
    res.graph = std::move(g);
    return res;
}

} // namespace spikekit::converters
