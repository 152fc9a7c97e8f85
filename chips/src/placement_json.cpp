// Placement files: the keys of `spikekit map --json` (PAIBox's n_core_required / n_core_occupied as
// cores_required / cores_occupied), read back by `spikekit run --chip --placement`.
#include <nlohmann/json.hpp>

#include "json_cursor.hpp"
#include "map_detail.hpp"

namespace spikekit::chips {

std::string placement_json(const placement& p, int indent) {
    nlohmann::json j = {{"chip", p.chip},
                        {"fits", p.fits},
                        {"cores_required", p.cores_required},
                        {"cores_occupied", p.cores_occupied},
                        {"layers", nlohmann::json::array()},
                        {"blocks", nlohmann::json::array()},
                        {"links", nlohmann::json::array()}};
    if (p.problem)
        j["problem"] = {{"population", p.problem->population},
                        {"resource", p.problem->resource},
                        {"needed", p.problem->needed},
                        {"available", p.problem->available},
                        {"message", p.problem->message}};
    for (const auto& l : p.layers)
        j["layers"].push_back({{"population", l.population},
                               {"n_axon", l.n_axon},
                               {"weight_bits", l.weight_bits},
                               {"lcn", 1u << l.lcn},
                               {"cores", l.cores},
                               {"neurons_per_core", l.neurons_per_core},
                               {"routing_group", l.routing_group},
                               {"core_type", l.core_type}});
    for (const auto& b : p.blocks)
        j["blocks"].push_back({{"pop", b.pop}, {"first", b.first}, {"count", b.count}, {"core", b.core}});
    for (const auto& l : p.links)
        j["links"].push_back({{"from", l.from},
                              {"to", l.to},
                              {"messages", l.messages},
                              {"synapses", l.synapses},
                              {"hops", l.hops}});
    return j.dump(indent);
}

placement placement_from_json(const std::string& text, const std::string& file, const chip_network& net,
                              const chip_spec& chip) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw input_error(file, "byte " + std::to_string(e.byte), "not valid JSON: " + std::string(e.what()));
    }
    const detail::cursor c(j, file, "");
    placement p;
    p.chip = c.at("chip").str();
    if (p.chip != chip.name)
        c.at("chip").fail("placement for chip '" + p.chip + "', the run is on '" + chip.name + "'");
    if (!c.at("fits").json().is_boolean() || !c.at("fits").json().get<bool>())
        c.at("fits").fail("the placement does not fit its chip");
    p.cores_required = c.at("cores_required").count();
    p.cores_occupied = c.at("cores_occupied").count();
    // The layers are reported, not used by the run; the blocks are checked against the network and chip.
    const auto blocks = c.at("blocks");
    std::vector<std::uint32_t> covered(net.pops.size(), 0);
    std::vector<std::uint8_t> used(chip.total_cores(), 0);
    const auto& t = detail::inference_core_type(chip);
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const auto b = blocks[i];
        b.only_keys({"pop", "first", "count", "core"});
        core_block cb{b.at("pop").count(), b.at("first").count(), b.at("count").count(),
                      b.at("core").count()};
        if (cb.pop >= net.pops.size() || net.pops[cb.pop].input)
            b.at("pop").fail("not a population placed on cores");
        if (cb.first != covered[cb.pop] || cb.count == 0 || cb.count > t.max_neurons)
            b.fail("blocks must cover population '" + net.pops[cb.pop].name + "' in order, at most " +
                   std::to_string(t.max_neurons) + " neurons each");
        if (cb.core >= chip.total_cores() || used[cb.core])
            b.at("core").fail("core out of the chip or used twice");
        covered[cb.pop] += cb.count;
        used[cb.core] = 1;
        p.blocks.push_back(cb);
    }
    for (std::size_t i = 0; i < net.pops.size(); ++i)
        if (!net.pops[i].input && covered[i] != net.pops[i].size)
            blocks.fail("population '" + net.pops[i].name + "' has " + std::to_string(covered[i]) +
                        " of its " + std::to_string(net.pops[i].size) + " neurons placed");
    return p;
}

} // namespace spikekit::chips
