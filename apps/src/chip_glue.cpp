// run --chip: the network mapped (or its --placement read) and run on the chip model.
#include "chip_glue.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>

#include "spikekit/chips/figures.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/output.hpp"
#include "spikekit/learning/int_stdp.hpp"
#include "spikekit/learning/rules.hpp"
#include "spikekit/neurons/int_lif.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::app {

chips::chip_network chip_network_of(const network_description& desc) {
    static const auto models = neurons::builtin_models();
    static const auto rules = learning::builtin_rules();
    return chips::lower_network(
        desc, models,
        [](const population& p) -> std::optional<intlif::params> {
            if (p.model != "lif_int") return std::nullopt;
            // lower_int_lif reads a complete parameter map: the description holds only the values given
            return neurons::lower_int_lif(with_defaults(models.find("lif_int")->params(), p.params));
        },
        [&](const plasticity_spec& spec, const std::string& where) -> std::optional<chips::lowered_rule> {
            if (spec.rule != "stdp_int")
                return std::nullopt; // the online cores' learning engine runs this one
            const auto p = validate_plasticity(rules, spec, desc.source_file, where);
            return chips::lowered_rule{learning::lower_int_stdp(p, desc.sim.dt_ms),
                                       learning::int_stdp_decay_steps(p, desc.sim.dt_ms)};
        });
}

std::vector<recorded_spikes> recorded_chip_spikes(const network_description& desc,
                                                  const std::vector<chips::chip_spikes>& spikes) {
    std::vector<recorded_spikes> out;
    for (const auto& r : desc.spike_recorders) {
        const auto it = std::find_if(spikes.begin(), spikes.end(), [&](const chips::chip_spikes& s) {
            return s.population == r.population;
        });
        if (it == spikes.end()) continue; // a spike_source: its spikes are the host's input
        std::vector<std::size_t> order(it->steps.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        // the kernel's order: by step, then by neuron
        std::sort(order.begin(), order.end(), [&](auto a, auto b) {
            return it->steps[a] != it->steps[b] ? it->steps[a] < it->steps[b]
                                                : it->node_ids[a] < it->node_ids[b];
        });
        recorded_spikes rs;
        rs.population = r.population;
        for (const auto k : order)
            if (r.neurons.all || std::find(r.neurons.ids.begin(), r.neurons.ids.end(), it->node_ids[k]) !=
                                     r.neurons.ids.end()) {
                rs.node_ids.push_back(it->node_ids[k]);
                rs.steps.push_back(it->steps[k]);
            }
        out.push_back(std::move(rs));
    }
    return out;
}

int run_on_chip_verb(const args& a, const network_description& desc, const std::optional<std::string>& out) {
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
    if (out) { // where the kernel's run writes them: recorded spikes, learned weights, the config
        const auto recorded = recorded_chip_spikes(desc, res.spikes);
        const std::vector<recorded_trace> no_traces;
        write_results_hdf5(*out,
                           run_results{desc, desc.sim.dt_ms, static_cast<double>(r.steps) * desc.sim.dt_ms,
                                       recorded, no_traces, res.weights});
    }
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
                            {"output", out ? nlohmann::json(*out) : nlohmann::json(nullptr)},
                            {"populations", nlohmann::json::object()},
                            {"chip", chips::report_json(r)}};
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
    if (!res.weights.empty())
        std::printf("learning   %llu weight updates on the online cores (%zu plastic projection%s)\n",
                    static_cast<unsigned long long>(r.weight_updates), res.weights.size(),
                    res.weights.size() == 1 ? "" : "s");
    if (out) std::printf("output     %s\n", out->c_str());
    if (!r.unknowns.empty())
        std::printf("unknown    %zu costs the chip file marks unknown are counted as 0 (--json lists them)\n",
                    r.unknowns.size());
    return ok;
}

} // namespace spikekit::app
