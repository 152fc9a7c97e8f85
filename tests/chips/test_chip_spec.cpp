#include <doctest/doctest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "spikekit/chips/chip.hpp"
#include "spikekit/core/error.hpp"

using namespace spikekit;
using namespace spikekit::chips;

namespace {
std::string error_of(const std::string& text) {
    try {
        parse_chip(text, "chip.json");
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}

// The loihi preset with one edit at a JSON pointer.
std::string loihi_with(const std::string& pointer, const nlohmann::json& value) {
    for (const auto& p : presets())
        if (p.name == "loihi") {
            auto j = nlohmann::json::parse(p.json);
            if (value.is_null())
                j.erase(pointer.substr(1));
            else
                j[nlohmann::json::json_pointer(pointer)] = value;
            return j.dump();
        }
    return "";
}
} // namespace

TEST_CASE("the four presets ship compiled in and parse") {
    std::vector<std::string> names;
    for (const auto& p : presets()) names.emplace_back(p.name);
    CHECK(names == std::vector<std::string>{"loihi", "paicore", "spinnaker", "truenorth"});
    const auto pai = find_chip("paicore");
    CHECK(pai.total_cores() == 1024);
    REQUIRE(pai.find_core_type("offline"));
    CHECK(pai.find_core_type("offline")->count == 1008);
    CHECK(pai.find_core_type("online")->count == 16);
    CHECK(pai.noc.topology == noc_spec::kind::tree);
    CHECK(pai.noc.levels == 5);
    const auto loihi = find_chip("loihi");
    CHECK(loihi.total_cores() == 128);
    CHECK(loihi.noc.cores_per_tile == 4);
    CHECK(loihi.core_types[0].max_neurons == 1024);
    CHECK(*loihi.energy.synaptic_op == doctest::Approx(35.5e-12));
    CHECK(!loihi.energy.message_in); // unknown, not invented
    CHECK(find_chip("truenorth").total_cores() == 4096);
    CHECK(*find_chip("spinnaker").noc.router_entries == 1023);
    CHECK_THROWS_WITH_AS(find_chip("loihi2"),
                         doctest::Contains("presets: loihi, paicore, spinnaker, truenorth"), input_error);
}

TEST_CASE("every number of every preset carries a source") {
    for (const auto& p : presets()) {
        const auto j = nlohmann::json::parse(p.json);
        // walk: a number (or "unknown") needs a "source" in its own object or an enclosing one below the top
        std::function<void(const nlohmann::json&, const std::string&, bool, int)> walk =
            [&](const nlohmann::json& x, const std::string& path, bool sourced, int depth) {
                if (x.is_object()) {
                    const bool here = sourced || (depth > 0 && x.contains("source"));
                    for (auto it = x.begin(); it != x.end(); ++it)
                        if (it.key() != "source" && it.key() != "note" && it.key() != "description")
                            walk(*it, path + "." + it.key(), here, depth + 1);
                } else if (x.is_array()) {
                    for (std::size_t i = 0; i < x.size(); ++i)
                        walk(x[i], path + "[" + std::to_string(i) + "]", sourced, depth + 1);
                } else if (x.is_number() || x == "unknown") {
                    INFO(p.name << path);
                    CHECK(sourced);
                }
            };
        walk(j, "", false, 0);
    }
}

TEST_CASE("chip files: errors name the JSON path") {
    CHECK(error_of("{").find("chip.json: byte") != std::string::npos);
    CHECK(error_of(loihi_with("/noc/topology", "ring"))
              .find("chip.json: noc.topology: expected one of \"tree\", \"mesh\", \"torus\", got \"ring\"") !=
          std::string::npos);
    CHECK(error_of(loihi_with("/core_types/0/nuerons", 3))
              .find("core_types[0].nuerons: unknown key 'nuerons'") != std::string::npos);
    CHECK(error_of(loihi_with("/energy_j", nullptr)).find("(top level): missing required key 'energy_j'") !=
          std::string::npos);
    CHECK(error_of(loihi_with("/core_types/0/count", 100))
              .find("core_types: the core types hold 100 cores, the grid 128") != std::string::npos);
    CHECK(error_of(loihi_with("/energy_j/synaptic_op", "lots"))
              .find("energy_j.synaptic_op: expected a number") != std::string::npos);
    CHECK(error_of(loihi_with("/barrier/table/0", nlohmann::json::array({1})))
              .find("barrier.table[0]: expected [tile index") != std::string::npos);
    CHECK(error_of(loihi_with("/noc/width", 4))
              .find("noc: the grid must be (width x cores_per_tile) x height cores") != std::string::npos);
    CHECK(error_of(loihi_with("/name", "x")) == ""); // the rest is a valid file
}

TEST_CASE("unknown costs are listed") {
    const auto pai = find_chip("paicore");
    const auto u = pai.unknowns();
    CHECK(std::find(u.begin(), u.end(), "energy_j.synaptic_op") != u.end());
    CHECK(std::find(u.begin(), u.end(), "noc.hops[4].latency_s") != u.end());
    const auto lu = find_chip("loihi").unknowns();
    CHECK(std::find(lu.begin(), lu.end(), "energy_j.message_in") != lu.end());
    CHECK(std::find(lu.begin(), lu.end(), "energy_j.synaptic_op") == lu.end());
}
