// A chip run's report as JSON: the "chip" object of `spikekit run --chip --json`, and what the Python
// module's chip_run returns.
#include <nlohmann/json.hpp>

#include "spikekit/chips/run.hpp"

namespace spikekit::chips {

nlohmann::json report_json(const chip_report& r) {
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
                        {"weight_updates", r.weight_updates},
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

} // namespace spikekit::chips
