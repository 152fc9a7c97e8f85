// run --chip: the network mapped (or its --placement read) and run on the chip model.
#include "chip_glue.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "spikekit/chips/figures.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/output.hpp"
#include "spikekit/neurons/int_lif.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::app {

chips::chip_network chip_network_of(const network_description& desc) {
    static const auto models = neurons::builtin_models();
    return chips::lower_network(desc, models, [](const population& p) -> std::optional<intlif::params> {
        if (p.model != "lif_int") return std::nullopt;
        // lower_int_lif reads a complete parameter map: the description holds only the values given
        return neurons::lower_int_lif(with_defaults(models.find("lif_int")->params(), p.params));
    });
}

nlohmann::json chip_report_json(const chips::chip_report& r) {
    nlohmann::json j = {{"preset", r.preset},
                        {"mode", r.gals ? "gals" : "barrier"},
                        {"cores_used", r.cores_used},
                        {"steps", r.steps},
                        {"energy_j", r.energy_j},
                        {"energy_per_step_j", r.energy_per_step_j},
                        {"latency_per_step_s", {{"mean", r.latency_mean_s}, {"max", r.latency_max_s}}},
                        {"spikes", r.spikes},
                        {"synaptic_events", r.synaptic_events},
                        {"messages", r.messages},
                        {"hops", r.hops},
                        {"multicast_copies", r.multicast_copies},
                        {"late_spikes", r.late_spikes},
                        {"neuron_updates", r.neuron_updates},
                        {"energy_by_kind_j", r.energy_by_kind},
                        {"unknown_costs", r.unknowns},
                        {"cores", nlohmann::json::array()}};
    for (const auto& c : r.cores)
        j["cores"].push_back({{"core", c.core},
                              {"neurons", c.neurons},
                              {"spikes", c.spikes},
                              {"packets_out", c.packets_out},
                              {"packets_in", c.packets_in},
                              {"synaptic_events", c.synaptic_events},
                              {"busy_s", c.busy_s},
                              {"energy_j", c.energy_j}});
    j["link_buffer_depth"] = r.link_buffer_depth; // 0: unbounded
    j["stalls"] = r.stalls;
    j["max_queue"] = r.max_queue;
    j["links"] = nlohmann::json::object();
    for (const auto& l : r.links)
        j["links"][l.name] = {{"packets", l.packets}, {"stalls", l.stalls}, {"max_queue", l.max_queue}};
    return j;
}

int run_on_chip_verb(const args& a, const network_description& desc) {
    const auto chip = chips::find_chip(*a.get("--chip"));
    const auto net = chip_network_of(desc);
    chips::placement pl;
    if (const auto file = a.get("--placement")) {
        std::ifstream f(*file);
        if (!f) throw input_error(*file, "", "cannot open the placement file");
        std::ostringstream ss;
        ss << f.rdbuf();
        pl = chips::placement_from_json(ss.str(), *file, net, chip);
    } else {
        pl = chips::map_network(net, chip);
    }
    chips::run_options o;
    o.gals = a.flag("--gals");
    if (a.get("--step-period")) o.step_period_s = a.quantity("--step-period", "s", 0);
    if (a.get("--jitter")) o.jitter_s = a.quantity("--jitter", "s", 0);
    if (a.get("--skew-ppm")) o.skew_ppm = a.number("--skew-ppm", 0);
    if (a.get("--link-buffer"))
        o.link_buffer_depth = static_cast<std::uint32_t>(a.integer("--link-buffer", 0, 0, 1 << 30));
    const auto t0 = std::chrono::steady_clock::now();
    const auto res = chips::run_on_chip(net, chip, pl, o);
    const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto& r = res.report;
    if (const auto file = a.get("--heatmap")) chips::chip_figure(chip, r, desc.name).write(*file);
    if (const auto file = a.get("--latency-plot")) chips::latency_figure(r, desc.name).write(*file);
    std::uint64_t synapses = 0;
    for (const auto& p : net.projs) synapses += p.source.size();
    // spikekit convert writes one sample's replay per network: the run is one inference
    const bool one_inference = desc.description.rfind("converted from", 0) == 0;
    double run_time_s = 0;
    for (double l : r.step_latency_s) run_time_s += l;
    if (a.flag("--json")) {
        nlohmann::json j = {{"network", desc.name},
                            {"neurons", net.neurons()},
                            {"synapses", synapses},
                            {"spikes", r.spikes},
                            {"sim_ms", static_cast<double>(r.steps) * desc.sim.dt_ms},
                            {"dt_ms", desc.sim.dt_ms},
                            {"seed", desc.sim.seed},
                            {"run_s", run_s},
                            {"synaptic_events", r.synaptic_events},
                            {"populations", nlohmann::json::object()},
                            {"chip", chip_report_json(r)}};
        if (one_inference) {
            j["chip"]["energy_per_inference_j"] = r.energy_j;
            j["chip"]["latency_per_inference_s"] = run_time_s;
        }
        for (const auto& s : res.spikes) j["populations"][s.population] = {{"spikes", s.steps.size()}};
        std::cout << j.dump(2) << "\n";
        return ok;
    }
    std::printf("chip       %s, %u cores used, %s mode, %lld steps in %.3f s\n", r.preset.c_str(),
                r.cores_used, r.gals ? "GALS" : "barrier", static_cast<long long>(r.steps), run_s);
    std::printf("spikes     %llu, synaptic events %llu, messages %llu, hops %llu, late spikes %llu\n",
                static_cast<unsigned long long>(r.spikes), static_cast<unsigned long long>(r.synaptic_events),
                static_cast<unsigned long long>(r.messages), static_cast<unsigned long long>(r.hops),
                static_cast<unsigned long long>(r.late_spikes));
    std::printf("energy     %.4g J (%.4g J per step)\n", r.energy_j, r.energy_per_step_j);
    if (one_inference)
        std::printf("inference  %.4g J and %.4g s per inference (a network from spikekit convert replays one "
                    "sample)\n",
                    r.energy_j, run_time_s);
    for (const auto& [k, e] : r.energy_by_kind)
        if (e > 0) std::printf("  %-16s %.4g J\n", k.c_str(), e);
    std::printf("latency    %.4g s per step (max %.4g s)\n", r.latency_mean_s, r.latency_max_s);
    if (r.link_buffer_depth)
        std::printf("links      buffers of %u packets: %llu stalls (packets that waited for room), longest "
                    "queue %u\n",
                    r.link_buffer_depth, static_cast<unsigned long long>(r.stalls), r.max_queue);
    if (!r.unknowns.empty())
        std::printf("unknown    %zu costs the chip file marks unknown are counted as 0 (--json lists them)\n",
                    r.unknowns.size());
    return ok;
}

} // namespace spikekit::app
