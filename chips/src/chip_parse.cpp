// Chip descriptions from JSON (format: chips/README.md "Chip files").
#include <algorithm>
#include <fstream>
#include <sstream>

#include "json_cursor.hpp"
#include "spikekit/chips/chip.hpp"

namespace spikekit::chips {
namespace {

using detail::cursor;

// One of a few words: the value it names, or an error listing them.
template <class E>
E choice(const cursor& c, std::initializer_list<std::pair<const char*, E>> options) {
    const auto word = c.str();
    std::string list;
    for (const auto& [name, value] : options) {
        if (word == name) return value;
        list += (list.empty() ? "\"" : ", \"") + std::string(name) + "\"";
    }
    c.fail("expected one of " + list + ", got \"" + word + "\"");
}

capacity_rule parse_capacity(const cursor& c) {
    c.only_keys({"rule", "fanin_base", "neuron_base", "max_lcn", "source"});
    capacity_rule r;
    r.type = choice<capacity_rule::kind>(c.at("rule"), {{"fixed", capacity_rule::kind::fixed},
                                                        {"paicore_lcn", capacity_rule::kind::paicore_lcn}});
    if (r.type == capacity_rule::kind::fixed) return r;
    r.fanin_base = c.at("fanin_base").count();
    r.neuron_base = c.at("neuron_base").count();
    r.max_lcn = c.at("max_lcn").count(16);
    if (r.fanin_base == 0) c.at("fanin_base").fail("expected a fan-in base > 0");
    return r;
}

core_type parse_core_type(const cursor& c) {
    c.only_keys({"name", "count", "region", "neurons", "axons", "synapse_memory_bits", "weight_bits",
                 "capacity", "synapse_bits", "timeslots", "fan_out", "destinations_per_neuron", "v_bits",
                 "learning", "lut_length", "note", "source"});
    core_type t;
    t.name = c.at("name").str();
    t.count = c.at("count").count();
    t.max_neurons = c.at("neurons").count();
    t.max_axons = c.at("axons").number() ? c.at("axons").count() : UINT32_MAX; // unknown: no axon limit
    if (t.count == 0 || t.max_neurons == 0 || t.max_axons == 0)
        c.fail("a core type needs count, neurons and axons > 0");
    if (c.has("region")) {
        const auto r = c.at("region");
        if (r.size() != 4) r.fail("expected [x0, y0, width, height]");
        std::array<std::uint32_t, 4> a{};
        for (std::size_t i = 0; i < 4; ++i) a[i] = r[i].count();
        t.region = a;
    }
    if (c.has("synapse_memory_bits"))
        if (const auto v = c.at("synapse_memory_bits").number())
            t.synapse_memory_bits = static_cast<std::uint64_t>(*v);
    const auto wb = c.at("weight_bits").value();
    for (std::size_t i = 0; i < wb.size(); ++i) t.weight_bits.push_back(wb[i].count(32));
    if (t.weight_bits.empty()) wb.fail("expected at least one weight width");
    std::sort(t.weight_bits.begin(), t.weight_bits.end());
    if (c.has("capacity")) t.capacity = parse_capacity(c.at("capacity"));
    if (const auto v = c.count_or("synapse_bits")) t.synapse_bits = *v;
    t.timeslots = c.count_or("timeslots");
    t.fan_out = c.count_or("fan_out");
    t.destinations_per_neuron = c.count_or("destinations_per_neuron");
    if (const auto v = c.count_or("v_bits")) t.v_bits = *v;
    if (c.has("learning")) {
        if (!c.at("learning").json().is_boolean()) c.at("learning").fail("expected true or false");
        t.learning = c.at("learning").json().get<bool>();
    }
    t.lut_length = c.count_or("lut_length");
    return t;
}

hop_cost parse_hop(const cursor& c) {
    c.only_keys({"latency_s", "energy_j", "level", "source"});
    return {c.number_or("latency_s"), c.number_or("energy_j")};
}

noc_spec parse_noc(const cursor& c) {
    c.only_keys({"topology", "multicast", "arity", "levels", "width", "height", "cores_per_tile", "hops",
                 "router_entries", "link_buffer_depth", "link_bandwidth_pps", "source"});
    noc_spec n;
    n.topology = choice<noc_spec::kind>(
        c.at("topology"),
        {{"tree", noc_spec::kind::tree}, {"mesh", noc_spec::kind::mesh}, {"torus", noc_spec::kind::torus}});
    n.multicast = choice<noc_spec::multicast_kind>(
        c.at("multicast"), {{"mask_hypercube", noc_spec::multicast_kind::mask_hypercube},
                            {"per_axon_fanout", noc_spec::multicast_kind::per_axon_fanout},
                            {"key_mask_table", noc_spec::multicast_kind::key_mask_table}});
    const auto hops = c.at("hops");
    if (n.topology == noc_spec::kind::tree) {
        n.arity = c.at("arity").count(16);
        n.levels = c.at("levels").count(12);
        if (n.arity != 4) c.at("arity").fail("only 4-ary trees (2 x 2 clusters per level) are modelled");
        if (hops.size() != n.levels)
            hops.fail("expected one entry per level (" + std::to_string(n.levels) + ")");
        for (std::size_t i = 0; i < hops.size(); ++i) n.level_hop.push_back(parse_hop(hops[i]));
        n.width = n.height = 1u << n.levels;
    } else {
        n.width = c.at("width").count(4096);
        n.height = c.at("height").count(4096);
        n.cores_per_tile = c.at("cores_per_tile").count(4096);
        if (n.width == 0 || n.height == 0 || n.cores_per_tile == 0)
            c.fail("width, height and cores_per_tile must be > 0");
        hops.only_keys({"east_west", "north_south", "within_tile", "source"});
        n.east_west = parse_hop(hops.at("east_west"));
        n.north_south = parse_hop(hops.at("north_south"));
        n.within_tile = parse_hop(hops.at("within_tile"));
    }
    n.router_entries = c.count_or("router_entries");
    n.link_buffer_depth = c.count_or("link_buffer_depth");
    n.link_bandwidth_pps = c.number_or("link_bandwidth_pps");
    return n;
}

event_costs parse_costs(const cursor& c) {
    c.only_keys({"synaptic_op", "neuron_inactive", "neuron_active", "neuron_spiking", "spike_out",
                 "message_out", "message_in", "multicast_copy", "weight_update", "source"});
    event_costs e;
    e.synaptic_op = c.number_or("synaptic_op");
    e.neuron_inactive = c.number_or("neuron_inactive");
    e.neuron_active = c.number_or("neuron_active");
    e.neuron_spiking = c.number_or("neuron_spiking");
    e.spike_out = c.number_or("spike_out");
    e.message_out = c.number_or("message_out");
    e.message_in = c.number_or("message_in");
    e.multicast_copy = c.number_or("multicast_copy");
    e.weight_update = c.number_or("weight_update");
    return e;
}

void parse_clock_and_barrier(const cursor& c, chip_spec& s) {
    const auto k = c.at("clock");
    k.only_keys({"frequency_hz", "skew_ppm", "phase_s", "jitter_s", "time_step_s", "source"});
    s.clock.frequency_hz = k.number_or("frequency_hz");
    s.clock.skew_ppm = k.has("skew_ppm") ? k.at("skew_ppm").known(0, 1e6) : 0.0;
    s.clock.phase_s = k.has("phase_s") ? k.at("phase_s").known(0, 1e3) : 0.0;
    s.clock.jitter_s = k.has("jitter_s") ? k.at("jitter_s").known(0, 1e3) : 0.0;
    s.clock.time_step_s = k.number_or("time_step_s");
    const auto b = c.at("barrier");
    b.only_keys({"latency_s", "table", "source"});
    s.barrier.latency_s = b.number_or("latency_s");
    if (b.has("table")) {
        const auto t = b.at("table");
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (t[i].size() != 2) t[i].fail("expected [tile index, latency in s]");
            s.barrier.table.emplace_back(t[i][0].count(), t[i][1].known(0, 1));
        }
        std::sort(s.barrier.table.begin(), s.barrier.table.end());
    }
}

void place_regions(const cursor& c, chip_spec& s) {
    // Check the regions and the total against the grid.
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < s.core_types.size(); ++i) {
        const auto& t = s.core_types[i];
        total += t.count;
        if (!t.region) continue;
        const auto& r = *t.region;
        if (r[0] + r[2] > s.grid_width || r[1] + r[3] > s.grid_height ||
            std::uint64_t{r[2]} * r[3] != t.count)
            c.at("core_types")[i].at("region").fail(
                "region must lie inside the " + std::to_string(s.grid_width) + " x " +
                std::to_string(s.grid_height) + " core grid and hold count cores");
    }
    if (total != std::uint64_t{s.grid_width} * s.grid_height)
        c.at("core_types")
            .fail("the core types hold " + std::to_string(total) + " cores, the grid " +
                  std::to_string(std::uint64_t{s.grid_width} * s.grid_height));
}

} // namespace

std::uint32_t chip_spec::total_cores() const {
    return grid_width * grid_height;
}

const core_type* chip_spec::find_core_type(std::string_view n) const {
    for (const auto& t : core_types)
        if (t.name == n) return &t;
    return nullptr;
}

const core_type* chip_spec::learning_core_type() const {
    for (const auto& t : core_types)
        if (t.learning) return &t;
    return nullptr;
}

std::vector<std::string> chip_spec::unknowns() const {
    std::vector<std::string> u;
    auto add = [&](const maybe& m, const std::string& what) {
        if (!m) u.push_back(what);
    };
    for (const auto* c : {&energy, &latency}) {
        const std::string k = c == &energy ? "energy_j." : "latency_s.";
        add(c->synaptic_op, k + "synaptic_op");
        add(c->neuron_inactive, k + "neuron_inactive");
        add(c->neuron_active, k + "neuron_active");
        add(c->neuron_spiking, k + "neuron_spiking");
        add(c->spike_out, k + "spike_out");
        add(c->message_out, k + "message_out");
        add(c->message_in, k + "message_in");
        add(c->multicast_copy, k + "multicast_copy");
        if (learning_core_type()) add(c->weight_update, k + "weight_update");
    }
    for (std::size_t i = 0; i < noc.level_hop.size(); ++i) {
        add(noc.level_hop[i].latency_s, "noc.hops[" + std::to_string(i) + "].latency_s");
        add(noc.level_hop[i].energy_j, "noc.hops[" + std::to_string(i) + "].energy_j");
    }
    if (noc.topology != noc_spec::kind::tree)
        for (const auto& [h, n] :
             {std::pair{&noc.east_west, "east_west"}, std::pair{&noc.north_south, "north_south"},
              std::pair{&noc.within_tile, "within_tile"}}) {
            add(h->latency_s, std::string("noc.hops.") + n + ".latency_s");
            add(h->energy_j, std::string("noc.hops.") + n + ".energy_j");
        }
    if (!barrier.latency_s && barrier.table.empty()) u.push_back("barrier.latency_s");
    add(statics.watts_per_core, "static.watts_per_core");
    return u;
}

chip_spec parse_chip(std::string_view json_text, const std::string& origin) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(json_text);
    } catch (const nlohmann::json::parse_error& e) {
        throw input_error(origin, "byte " + std::to_string(e.byte),
                          "not valid JSON: " + std::string(e.what()));
    }
    const cursor c(j, origin, "");
    c.only_keys({"name", "description", "source", "note", "grid", "core_types", "noc", "clock", "barrier",
                 "energy_j", "latency_s", "static"});
    chip_spec s;
    s.origin = origin;
    s.name = c.at("name").str();
    s.description = c.has("description") ? c.at("description").str() : "";
    const auto g = c.at("grid");
    g.only_keys({"width", "height", "source"});
    s.grid_width = g.at("width").count(4096);
    s.grid_height = g.at("height").count(4096);
    const auto types = c.at("core_types");
    for (std::size_t i = 0; i < types.size(); ++i) s.core_types.push_back(parse_core_type(types[i]));
    if (s.core_types.empty()) types.fail("expected at least one core type");
    s.noc = parse_noc(c.at("noc"));
    const auto n = c.at("noc");
    if (s.noc.topology == noc_spec::kind::tree &&
        (s.noc.width != s.grid_width || s.noc.height != s.grid_height))
        n.at("levels").fail("a tree of " + std::to_string(s.noc.levels) + " levels spans a " +
                            std::to_string(s.noc.width) + " x " + std::to_string(s.noc.height) +
                            " grid, not the chip's grid");
    // mesh / torus: core (x, y) of the grid sits in tile (x / cores_per_tile, y)
    if (s.noc.topology != noc_spec::kind::tree &&
        (std::uint64_t{s.noc.width} * s.noc.cores_per_tile != s.grid_width || s.noc.height != s.grid_height))
        n.fail("the grid must be (width x cores_per_tile) x height cores");
    place_regions(c, s);
    parse_clock_and_barrier(c, s);
    s.energy = parse_costs(c.at("energy_j"));
    s.latency = parse_costs(c.at("latency_s"));
    const auto st = c.at("static");
    st.only_keys({"watts_per_core", "gating", "gate_cluster", "source"});
    s.statics.watts_per_core = st.number_or("watts_per_core");
    s.statics.gate =
        choice<static_power::gating>(st.at("gating"), {{"none", static_power::gating::none},
                                                       {"unused_cores", static_power::gating::unused_cores},
                                                       {"cluster", static_power::gating::cluster}});
    if (s.statics.gate == static_power::gating::cluster)
        s.statics.gate_cluster = st.at("gate_cluster").count();
    return s;
}

chip_spec load_chip_file(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw input_error(path, "", "cannot open the chip file");
    std::ostringstream ss;
    ss << f.rdbuf();
    return parse_chip(ss.str(), path);
}

chip_spec find_chip(const std::string& name) {
    if (name.find('/') != std::string::npos || name.ends_with(".json")) return load_chip_file(name);
    std::string list;
    for (const auto& p : presets()) {
        if (p.name == name) return parse_chip(p.json, "preset " + name);
        list += (list.empty() ? "" : ", ") + std::string(p.name);
    }
    throw input_error("--chip", "",
                      "no chip preset '" + name + "' (presets: " + list + "; or give a chip file)");
}

} // namespace spikekit::chips
