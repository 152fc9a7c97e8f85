#pragma once
// Helpers of the NIR tests: small graphs built in memory (written with write_nir), runs of imported networks.
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "../support/test_support.hpp"
#include "spikekit/converters/nir.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::test::nir {

using converters::nir_graph;
using converters::nir_node;
using converters::nir_value;

inline nir_value numbers(std::vector<double> v, std::vector<std::size_t> shape = {}) {
    nir_value x;
    if (shape.empty()) shape = {v.size()};
    x.numbers = std::move(v);
    x.shape = std::move(shape);
    return x;
}
inline nir_value integers(std::vector<double> v) {
    nir_value x = numbers(std::move(v));
    x.integer = true;
    return x;
}
inline nir_value scalar_int(double v) {
    nir_value x = numbers({v}, {});
    x.shape.clear();
    x.integer = true;
    return x;
}
inline nir_value text(const std::string& s) {
    nir_value x;
    x.text = true;
    x.strings = {s};
    return x;
}

inline nir_node node(const std::string& name, const std::string& type,
                     std::vector<std::pair<std::string, nir_value>> fields = {}) {
    nir_node n;
    n.name = name;
    n.type = type;
    for (auto& [k, v] : fields) n.fields[k] = v;
    return n;
}
inline nir_node io(const std::string& name, const std::string& type, std::vector<double> shape) {
    return node(name, type, {{"shape", integers(std::move(shape))}});
}
inline nir_node lif(const std::string& name, std::size_t n, double tau, double r, double v_th) {
    auto a = [&](double x) { return numbers(std::vector<double>(n, x)); };
    return node(name, "LIF", {{"tau", a(tau)}, {"r", a(r)}, {"v_leak", a(0.0)}, {"v_threshold", a(v_th)}});
}
inline nir_node linear(const std::string& name, std::size_t out, std::size_t in, std::vector<double> w) {
    return node(name, "Linear", {{"weight", numbers(std::move(w), {out, in})}});
}

inline nir_graph graph(std::vector<nir_node> nodes, std::vector<std::pair<std::string, std::string>> edges) {
    nir_graph g;
    g.root.name = "node";
    g.root.type = "NIRGraph";
    g.root.nodes = std::move(nodes);
    g.root.edges = std::move(edges);
    return g;
}

// Write `g` to dir/name and read it back through the file (the path every user graph takes).
inline std::string write(const temp_dir& dir, const std::string& name, const nir_graph& g) {
    const auto path = dir.file(name);
    converters::write_nir(g, path);
    return path;
}

// Run a description for `steps` steps with the given input spike times (ms) in population `input`.
inline std::unique_ptr<simulation> run(network_description d, const std::string& input,
                                       std::vector<std::vector<double>> times, double duration_ms) {
    for (auto& p : d.populations) {
        if (p.name == input) p.spike_times = std::move(times);
        if (p.name == converters::nir_bias_population)
            p.spike_times = {converters::nir_bias_times(d.sim.dt_ms, duration_ms)};
    }
    static const auto models = neurons::builtin_models();
    auto sim = std::make_unique<simulation>(d, models, 1);
    sim->run(duration_ms);
    return sim;
}

// Every recorded spike as (population, step * 100000 + neuron).
inline std::vector<std::pair<std::string, std::vector<std::int64_t>>> spikes(const simulation& s) {
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> out;
    for (const auto& r : s.spikes()) {
        std::vector<std::int64_t> v;
        for (std::size_t k = 0; k < r.steps.size(); ++k) v.push_back(r.steps[k] * 100000 + r.node_ids[k]);
        out.emplace_back(r.population, v);
    }
    return out;
}

// Export an imported network to NIR, write it to dir/again.nir and import that again.
inline converters::nir_import_result round_trip(const temp_dir& dir, const network_description& d,
                                                const converters::nir_import_options& o) {
    const auto exported = converters::export_nir(d);
    CHECK(exported.notes.empty());
    converters::write_nir(exported.graph, dir.file("again.nir"));
    return converters::import_nir(dir.file("again.nir"), o);
}

} // namespace spikekit::test::nir
