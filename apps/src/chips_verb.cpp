// spikekit chips [NAME]: the chip presets; spikekit map NET --chip NAME: a network mapped onto a chip.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "chip_glue.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/output.hpp"
#include "spikekit/events/replay.hpp"
#include "spikekit/neurons/models.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {

constexpr const char* chips_help = R"(usage: spikekit chips [NAME|FILE] [--json]

List the chip presets, or describe one (or a chip file): core types and their capacity, network-on-chip,
clock, barrier, per-event energy and latency, static power. --json prints the chip file itself, with the
source of every number ("unknown" where no published figure was found). Format: chips/README.md.
)";

constexpr const char* map_help = R"(usage: spikekit map CONFIG --chip NAME|FILE [options]

Partition every population of the network in CONFIG into core blocks, place them on the chip and estimate
the traffic between cores. On paicore the arithmetic is PAIBox 1.2.2's (fan-in extension LCN, neurons per
core 512 >> (LCN + log2 weight bits), power-of-two routing groups); mesh and torus chips get a greedy
partition and placement. A network that does not fit exits 2 naming the population, the resource and by
how much.

options:
  --chip NAME|FILE  chip preset (spikekit chips lists them) or chip file
  --weight-bits B   weight width (default: the smallest of the core's widths holding the weights)
  --out FILE        write the placement (JSON) for spikekit run --chip --placement
  --json            print the placement as JSON on stdout
  --help            this text

exit codes: 0 ok, 1 runtime failure, 2 bad input or does not fit
)";

std::string fmt(const chips::maybe& m, double scale, const char* unit) {
    if (!m) return "unknown";
    char b[64];
    std::snprintf(b, sizeof b, "%g %s", *m * scale, unit);
    return b;
}

void describe(const chips::chip_spec& c) {
    static const char* topo[] = {"fat 4-ary tree", "2-D mesh", "2-D torus"};
    static const char* mc[] = {"aligned hypercube (mask)", "per-axon fan-out", "key/mask routing tables"};
    std::printf("%s: %s\n\ncores      %u on a %u x %u grid\n", c.name.c_str(), c.description.c_str(),
                c.total_cores(), c.grid_width, c.grid_height);
    for (const auto& t : c.core_types) {
        std::printf("  %-12s x%-5u %u neurons, %s axons, weights", t.name.c_str(), t.count, t.max_neurons,
                    t.max_axons == UINT32_MAX ? "unlimited" : std::to_string(t.max_axons).c_str());
        for (auto b : t.weight_bits) std::printf(" %u", b);
        std::printf(" bits%s%s\n",
                    t.capacity.type == chips::capacity_rule::kind::paicore_lcn ? ", fan-in extension (LCN)"
                                                                               : "",
                    t.learning ? ", learning" : "");
    }
    const auto& n = c.noc;
    std::printf("noc        %s, multicast by %s", topo[static_cast<int>(n.topology)],
                mc[static_cast<int>(n.multicast)]);
    if (n.topology == chips::noc_spec::kind::tree)
        std::printf(", %u levels\n", n.levels);
    else
        std::printf(
            ", %u x %u tiles of %u cores; hop E/W %s %s, N/S %s %s\n", n.width, n.height, n.cores_per_tile,
            fmt(n.east_west.latency_s, 1e9, "ns").c_str(), fmt(n.east_west.energy_j, 1e12, "pJ").c_str(),
            fmt(n.north_south.latency_s, 1e9, "ns").c_str(), fmt(n.north_south.energy_j, 1e12, "pJ").c_str());
    std::printf("clock      %s, step %s\n", fmt(c.clock.frequency_hz, 1e-6, "MHz").c_str(),
                fmt(c.clock.time_step_s, 1e3, "ms").c_str());
    std::printf("barrier    %s\n", c.barrier.table.empty() ? fmt(c.barrier.latency_s, 1e6, "us").c_str()
                                                           : "table by tiles in use");
    const auto& e = c.energy;
    const auto& l = c.latency;
    std::printf("per event  %-16s %-14s %s\n", "", "energy", "latency");
    const std::pair<const char*, std::pair<const chips::maybe*, const chips::maybe*>> rows[] = {
        {"synaptic_op", {&e.synaptic_op, &l.synaptic_op}},
        {"neuron_inactive", {&e.neuron_inactive, &l.neuron_inactive}},
        {"neuron_active", {&e.neuron_active, &l.neuron_active}},
        {"neuron_spiking", {&e.neuron_spiking, &l.neuron_spiking}},
        {"spike_out", {&e.spike_out, &l.spike_out}},
        {"message_out", {&e.message_out, &l.message_out}},
        {"message_in", {&e.message_in, &l.message_in}},
        {"multicast_copy", {&e.multicast_copy, &l.multicast_copy}}};
    for (const auto& [k, v] : rows)
        std::printf("           %-16s %-14s %s\n", k, fmt(*v.first, 1e12, "pJ").c_str(),
                    fmt(*v.second, 1e9, "ns").c_str());
    std::printf("static     %s per core\n", fmt(c.statics.watts_per_core, 1e3, "mW").c_str());
}

} // namespace

int chips_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--help"}, {});
    if (a.flag("--help")) {
        std::cout << chips_help;
        return ok;
    }
    if (a.positional().size() > 1)
        throw usage_error("chips expects at most one chip name (see spikekit chips --help)");
    if (a.positional().empty()) {
        nlohmann::json all = nlohmann::json::array();
        for (const auto& p : chips::presets()) {
            const auto c = chips::parse_chip(p.json, "preset " + std::string(p.name));
            all.push_back({{"name", c.name}, {"cores", c.total_cores()}, {"description", c.description}});
            if (!a.flag("--json"))
                std::printf("  %-10s %5u cores  %s\n", c.name.c_str(), c.total_cores(),
                            c.description.c_str());
        }
        if (a.flag("--json")) std::cout << all.dump(2) << "\n";
        return ok;
    }
    const auto& name = a.positional()[0];
    const auto c = chips::find_chip(name);
    if (!a.flag("--json")) {
        describe(c);
        return ok;
    }
    for (const auto& p : chips::presets())
        if (p.name == name) {
            std::cout << nlohmann::json::parse(p.json).dump(2) << "\n";
            return ok;
        }
    std::ifstream f(name);
    std::cout << nlohmann::json::parse(f).dump(2) << "\n";
    return ok;
}

int map_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--help"}, {"--chip", "--weight-bits", "--out"});
    if (a.flag("--help")) {
        std::cout << map_help;
        return ok;
    }
    if (a.positional().size() != 1)
        throw usage_error("map expects one CONFIG file (see spikekit map --help)");
    if (!a.get("--chip")) throw usage_error("map needs --chip NAME (spikekit chips lists them)");
    const auto chip = chips::find_chip(*a.get("--chip"));
    chips::map_options opt;
    if (a.get("--weight-bits")) opt.weight_bits = static_cast<unsigned>(a.integer("--weight-bits", 8, 1, 32));
    auto desc = load_config(a.positional()[0], neurons::builtin_models());
    events::resolve_replays(desc);
    const auto p = chips::map_network(chip_network_of(desc), chip, opt);
    if (const auto out = a.get("--out"); out && p.fits)
        write_atomically(*out, [&](const std::string& tmp) {
            std::ofstream f(tmp);
            f << chips::placement_json(p) << "\n";
            if (!f) throw runtime_error("cannot write " + tmp);
        });
    if (a.flag("--json")) std::cout << chips::placement_json(p) << "\n";
    if (!p.fits)
        throw input_error(a.positional()[0], "",
                          "does not fit chip '" + chip.name + "': " + p.problem->message);
    if (a.flag("--json")) return ok;
    std::printf("%s on %s: %llu cores required, %llu occupied\n", desc.name.c_str(), chip.name.c_str(),
                static_cast<unsigned long long>(p.cores_required),
                static_cast<unsigned long long>(p.cores_occupied));
    std::printf("  %-14s %8s %5s %5s %6s %6s  %s\n", "population", "n_axon", "bits", "lcn", "cores", "group",
                "neurons per core");
    for (const auto& l : p.layers) {
        std::string npc;
        for (std::size_t i = 0; i < l.neurons_per_core.size() && i < 12; ++i)
            npc += (i ? "/" : "") + std::to_string(l.neurons_per_core[i]);
        if (l.neurons_per_core.size() > 12) npc += "/...";
        if (const auto* t = chip.find_core_type(l.core_type); t && t->learning)
            npc += "  (" + t->name + " cores, learning)";
        std::printf("  %-14s %8llu %5u %4ux %6u %6u  %s\n", l.population.c_str(),
                    static_cast<unsigned long long>(l.n_axon), l.weight_bits, 1u << l.lcn, l.cores,
                    l.routing_group, npc.c_str());
    }
    if (const auto out = a.get("--out")) std::printf("placement  %s\n", out->c_str());
    return ok;
}

} // namespace spikekit::app
