// spikekit import GRAPH.nir: a NIR graph as a network description (network.json + weights.h5), or --info.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "nir_options.hpp"
#include "spikekit/converters/nir.hpp"
#include "spikekit/core/units.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {

constexpr const char* import_help = R"(usage: spikekit import GRAPH.nir --out DIR [options]
       spikekit import GRAPH.nir --info [--lenient] [--json]

Read a NIR graph (Neuromorphic Intermediate Representation, as written by Norse, snnTorch, Sinabs, Rockpool,
Spyx, ...) and write it as a network description DIR/network.json + DIR/weights.h5 that `spikekit run`
takes. Neuron nodes become populations, the linear nodes between them projections (convolutions keep their
shared kernel). NIR stores no time step and no reset convention: both are options. NIR times are read in
seconds. The discretisation chosen for every neuron node is printed.

options:
  --out DIR         directory to write network.json and weights.h5 into (created)
  --dt T            time step, with a unit (default 1ms; e.g. 0.1ms for lif_norse.nir)
  --reset MODE      zero (V = v_reset after a spike) or subtract (V -= v_threshold - v_reset); default:
                    each node's metadata "reset" (written by spikekit export), else zero
  --duration T      simulated time written into the description (default 1000 steps)
  --lenient         accept what the reference reader refuses only for type strictness (shapes that differ
                    but hold the same number of elements, integral floats for integer fields); lists what
                    was relaxed
  --info            print the graph (nodes, shapes, edges) and stop
  --json            machine-readable output on stdout
  --help, -h        this text

exit codes: 0 ok, 1 runtime failure, 2 bad input (malformed graph: the message names the node and field)
)";

nlohmann::json graph_json(const converters::nir_graph& g) {
    nlohmann::json j = {{"file", g.file},
                        {"version", g.version},
                        {"nodes", nlohmann::json::array()},
                        {"edges", nlohmann::json::array()},
                        {"relaxed", g.relaxed}};
    for (const auto& n : g.flat)
        j["nodes"].push_back(
            {{"name", n.name}, {"type", n.type}, {"in_shape", n.in_shape}, {"out_shape", n.out_shape}});
    for (const auto& [s, t] : g.flat_edges) j["edges"].push_back({g.flat[s].name, g.flat[t].name});
    return j;
}

} // namespace

double time_option(const args& a, const std::string& o, double def) {
    const auto v = a.get(o);
    if (!v) return def;
    try {
        return units::parse_quantity(*v, "ms");
    } catch (const std::exception& e) {
        throw usage_error(o + ": " + e.what());
    }
}

converters::nir_import_options nir_options(const args& a) {
    converters::nir_import_options o;
    o.dt_ms = time_option(a, "--dt", 1.0);
    if (!(o.dt_ms > 0.0)) throw usage_error("--dt expects a time step > 0");
    o.duration_ms = time_option(a, "--duration", 0.0);
    if (const auto reset = a.get("--reset")) {
        if (*reset != "zero" && *reset != "subtract")
            throw usage_error("--reset expects zero or subtract, got '" + *reset + "'");
        o.reset = *reset == "subtract" ? converters::nir_reset::subtract : converters::nir_reset::zero;
    }
    o.lenient = a.flag("--lenient");
    return o;
}

int import_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--info", "--lenient", "--help"}, {"--out", "--dt", "--reset", "--duration"});
    if (a.flag("--help") || (!a.positional().empty() && a.positional()[0] == "-h")) {
        std::cout << import_help;
        return ok;
    }
    if (a.positional().size() != 1)
        throw usage_error("import expects one GRAPH.nir (see spikekit import --help)");
    const std::string file = a.positional()[0];
    if (a.flag("--info")) {
        const auto g = converters::read_nir(file, a.flag("--lenient"));
        if (a.flag("--json"))
            std::cout << graph_json(g).dump(2) << "\n";
        else
            std::cout << converters::describe_nir(g);
        return ok;
    }
    const auto out = a.get("--out");
    if (!out) throw usage_error("import needs --out DIR (or --info)");
    const auto o = nir_options(a);
    const auto r = converters::import_nir(file, o);
    converters::save_network(r.desc, *out);
    const std::string net = (std::filesystem::path(*out) / "network.json").string();
    std::uint64_t synapses = 0;
    for (const auto& p : r.desc.projections)
        synapses += p.conn.type == connectivity::kind::conv2d ? 0 : p.weight.values.size();
    if (a.flag("--json")) {
        nlohmann::json j = {{"network", net},
                            {"dt_ms", o.dt_ms},
                            {"inputs", r.inputs},
                            {"outputs", r.outputs},
                            {"populations", nlohmann::json::array()},
                            {"projections", r.desc.projections.size()},
                            {"explicit_synapses", synapses},
                            {"notes", r.notes},
                            {"relaxed", r.graph.relaxed}};
        for (const auto& p : r.desc.populations)
            j["populations"].push_back({{"name", p.name}, {"size", p.size}, {"model", p.model}});
        std::cout << j.dump(2) << "\n";
        return ok;
    }
    std::printf(
        "imported   %s (NIR %s): %zu nodes -> %zu populations, %zu projections, %llu explicit synapses\n",
        file.c_str(), r.graph.version.c_str(), r.graph.flat.size(), r.desc.populations.size(),
        r.desc.projections.size(), static_cast<unsigned long long>(synapses));
    for (const auto& n : r.notes) std::printf("  %s\n", n.c_str());
    std::printf("wrote      %s (+ weights.h5)\n", net.c_str());
    return ok;
}

} // namespace spikekit::app
