// spikekit export NET.json --target nir --out GRAPH.nir
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "spikekit/converters/nir.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/neurons/models.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {

constexpr const char* export_nir_help =
    R"(usage: spikekit export NET.json --target nir --out GRAPH.nir [options]

Write the network as a NIR graph (the HDF5 layout of nir.write: /version, /node with a `type` per node).
Populations become Input, IF/I, LIF/LI, CubaLIF/CubaLI or Threshold nodes, projections Linear/Affine, Conv2d
(shared-kernel conv2d projections), Scale (one_to_one) and Delay nodes; populations without outgoing
projections feed Output nodes. `spikekit import GRAPH.nir --dt <the network's dt>` gives the network back.
NIR stores no reset convention: the reset of each node is written into its metadata ("reset"), which
`spikekit import` follows unless --reset is given (other readers ignore metadata).
Refused (exit 2): conductance synapses, adaptive, Izhikevich, AdEx and integer models, Poisson sources,
constant currents, random connectivity or weights, per-synapse delays; with --approximate, refractory
periods, lower bounds of V, initial values and plasticity are dropped instead, and each is listed.

options:
  --out FILE        the NIR file to write
  --approximate     drop what NIR cannot state (listed above) instead of refusing
  --json            machine-readable output on stdout
  --help, -h        this text
)";

} // namespace

int export_nir_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--approximate", "--help"}, {"--target", "--out"});
    if (a.flag("--help") || (!a.positional().empty() && a.positional()[0] == "-h")) {
        std::cout << export_nir_help;
        return ok;
    }
    if (a.positional().size() != 1) throw usage_error("export expects one NET.json");
    const auto out = a.get("--out");
    if (!out) throw usage_error("export --target nir needs --out GRAPH.nir");
    const auto models = neurons::builtin_models();
    const auto desc = load_config(a.positional()[0], models);
    converters::nir_export_options o;
    o.approximate = a.flag("--approximate");
    const auto r = converters::export_nir(desc, o);
    converters::write_nir(r.graph, *out);
    if (a.flag("--json")) {
        nlohmann::json j = {{"nir", *out},
                            {"nodes", r.graph.flat.size()},
                            {"edges", r.graph.flat_edges.size()},
                            {"dt_ms", desc.sim.dt_ms},
                            {"approximations", r.notes}};
        std::cout << j.dump(2) << "\n";
        return ok;
    }
    std::printf("exported   %s -> %s: %zu nodes, %zu edges (import with --dt %gms)\n",
                a.positional()[0].c_str(), out->c_str(), r.graph.flat.size(), r.graph.flat_edges.size(),
                desc.sim.dt_ms);
    for (const auto& n : r.notes) std::printf("  approximation: %s\n", n.c_str());
    return ok;
}

} // namespace spikekit::app
