#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "../support/test_support.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {
const model_registry& models() {
    static const auto m = neurons::builtin_models();
    return m;
}

// A small valid config; tests replace one piece of it to make it wrong.
std::string base_config(const std::string& projection_extra = "", const std::string& pop_extra = "") {
    return R"({
  "name": "t",
  "simulation": {"dt": 0.1, "duration": 10},
  "populations": [
    {"name": "a", "size": 10, "model": "lif_exp", "params": {"tau_m": "20 ms"})" +
           pop_extra + R"(},
    {"name": "b", "size": 5, "model": "lif_cond_exp"}
  ],
  "projections": [
    {"source": "a", "target": "b", "receptor": "exc", "connectivity": {"rule": "all_to_all"}, "weight": 1.0)" +
           projection_extra + R"(}
  ]
})";
}

std::string error_of(const std::string& text) {
    try {
        parse_config(text, "net.json", models());
    } catch (const input_error& e) {
        CHECK(e.file() == "net.json");
        return e.what();
    }
    return "no error";
}
} // namespace

TEST_CASE("the shipped example configs load and round-trip losslessly through JSON") {
    for (const char* name : {"coba", "cuba", "brunel", "rstdp_reward"}) {
        CAPTURE(name);
        const auto d = load_config(test::source_path(std::string("examples/") + name + ".json"), models());
        const auto text = to_json(d);
        const auto again = parse_config(text, "roundtrip.json", models());
        CHECK(again.same_network(d));
        CHECK(to_json(again) == text);
    }
}

TEST_CASE("every feature of the description round-trips") {
    const std::string text = R"({
  "name": "all", "description": "every feature",
  "simulation": {"dt": 0.05, "duration": 20, "seed": 9, "threads": 2},
  "populations": [
    {"name": "src", "size": 3, "model": "spike_source", "spike_times": [[1, 2], [], [3.5]]},
    {"name": "p", "size": 4, "model": "poisson_source", "params": {"rate": "50 Hz"}},
    {"name": "n", "size": 6, "model": "lif_exp", "initial": {"V_m": {"normal": {"mean": -60, "std": 2, "min": -70, "max": -55}},
                                                              "I_syn_ex": {"values": [1, 2, 3, 4, 5, 6]}}},
    {"name": "q", "size": 6, "model": "izhikevich", "initial": {"V_m": {"uniform": {"low": -70, "high": -60}}}},
    {"name": "cam", "size": 2312, "model": "spike_source", "replay": {"kind": "events", "file": "/data/1.bs2", "downsample": 1}}
  ],
  "projections": [
    {"source": "src", "target": "n", "connectivity": {"rule": "list", "sources": [0, 1, 2], "targets": [0, 1, 5]},
     "weight": {"values": [1, 2, 3]}, "delay": {"values": [0.1, 0.2, 0.3]}},
    {"source": "p", "target": "n", "receptor": "inh", "connectivity": {"rule": "fixed_indegree", "n": 2, "multapses": false},
     "weight": {"normal": {"mean": -10, "std": 1}}, "delay": {"uniform": {"low": 0.1, "high": 2}}},
    {"source": "n", "target": "q", "connectivity": {"rule": "fixed_outdegree", "n": 3, "autapses": false}, "weight": 0.5},
    {"source": "n", "target": "n", "connectivity": {"rule": "one_to_one", "autapses": true}, "weight": 0.5},
    {"source": "n", "target": "q", "connectivity": {"rule": "fixed_probability", "p": 0.3}, "weight": 0.5}
  ],
  "inputs": [
    {"type": "poisson", "target": "n", "neurons": [0, 2], "rate": 1000, "weight": 5, "start": 1, "stop": 5},
    {"type": "current", "target": "q", "neurons": {"range": [1, 3]}, "amplitude": 5, "steps": [[2, 10], [4, 0]]}
  ],
  "record": {"spikes": [{"population": "n", "neurons": {"first": 3}}],
             "state": [{"population": "n", "variables": ["V_m", "I_syn_ex"], "neurons": [1, 2], "interval": 0.5}]}
})";
    const auto d = parse_config(text, "all.json", models());
    CHECK(d.populations.size() == 5);
    CHECK(d.populations[4].replay->options.at("downsample") == 1.0);
    CHECK(d.state_recorders[0].interval_ms == 0.5);
    CHECK(d.spike_recorders[0].neurons.ids == std::vector<std::uint32_t>{0, 1, 2});
    const auto again = parse_config(to_json(d), "again.json", models());
    CHECK(again.same_network(d));
}

TEST_CASE("units in strings are converted once, at load") {
    const auto d = parse_config(base_config(", \"delay\": \"0.0002 s\""), "u.json", models());
    CHECK(d.populations[0].params.at("tau_m") == doctest::Approx(20.0));
    CHECK(d.projections[0].delay.value == doctest::Approx(0.2));
}

TEST_CASE("bad configs name the file, the JSON path and what was expected") {
    SUBCASE("invalid JSON gives line and column") {
        const auto e = error_of("{\n  \"name\": \"x\",\n  \"populations\": [ }\n");
        CHECK(e.find("net.json: line 3") != std::string::npos);
        CHECK(e.find("invalid JSON") != std::string::npos);
    }
    SUBCASE("missing field") {
        CHECK(error_of(R"({"populations": [{"name": "a", "model": "lif_exp"}]})")
                  .find("populations[0]: missing required key 'size'") != std::string::npos);
    }
    SUBCASE("wrong type") {
        CHECK(error_of(R"({"populations": [{"name": "a", "size": "ten", "model": "lif_exp"}]})")
                  .find("populations[0].size: expected a whole number, got a string \"ten\"") !=
              std::string::npos);
    }
    SUBCASE("unknown model") {
        const auto e = error_of(R"({"populations": [{"name": "a", "size": 1, "model": "hodgkin"}]})");
        CHECK(e.find("populations[0].model: unknown neuron model 'hodgkin' (available:") !=
              std::string::npos);
    }
    SUBCASE("unknown parameter") {
        const auto e =
            error_of(base_config("", ", \"initial\": {}").replace(base_config().find("tau_m"), 5, "tau_x"));
        CHECK(e.find("populations[0].params.tau_x: unknown parameter 'tau_x' of model lif_exp") !=
              std::string::npos);
    }
    SUBCASE("value outside its range") {
        auto t = base_config();
        t.replace(t.find("\"20 ms\""), 7, "-5");
        CHECK(error_of(t).find("populations[0].params.tau_m: expected a value > 0 ms, got -5") !=
              std::string::npos);
    }
    SUBCASE("unit of the wrong dimension") {
        auto t = base_config();
        t.replace(t.find("\"20 ms\""), 7, "\"20 mV\"");
        CHECK(error_of(t).find("populations[0].params.tau_m: expected a quantity in ms") !=
              std::string::npos);
    }
    SUBCASE("reference to an unknown population") {
        auto t = base_config();
        t.replace(t.find("\"target\": \"b\""), 13, "\"target\": \"c\"");
        CHECK(error_of(t).find("projections[0].target: unknown population 'c'") != std::string::npos);
    }
    SUBCASE("unknown receptor") {
        auto t = base_config();
        t.replace(t.find("\"exc\""), 5, "\"nmda\"");
        CHECK(error_of(t).find("projections[0].receptor: unknown receptor 'nmda'") != std::string::npos);
    }
    SUBCASE("negative conductance weight") {
        auto t = base_config();
        t.replace(t.find("\"weight\": 1.0"), 13, "\"weight\": -1.0");
        CHECK(error_of(t).find("projections[0].weight: receptor 'exc' takes conductances") !=
              std::string::npos);
    }
    SUBCASE("delay shorter than dt") {
        CHECK(error_of(base_config(", \"delay\": 0.01"))
                  .find("projections[0].delay: a delay of 0.01 ms is below the time step dt = 0.1 ms: "
                        "expected delays >= dt") != std::string::npos);
    }
    SUBCASE("misspelt key") {
        CHECK(error_of(base_config(", \"dealy\": 1")).find("projections[0].dealy: unknown key 'dealy'") !=
              std::string::npos);
    }
    SUBCASE("probability out of range") {
        auto t = base_config();
        t.replace(t.find("{\"rule\": \"all_to_all\"}"), 22, "{\"rule\": \"fixed_probability\", \"p\": 1.5}");
        CHECK(error_of(t).find("projections[0].connectivity.p: expected a probability in [0, 1]") !=
              std::string::npos);
    }
    SUBCASE("neuron index out of range") {
        auto t = base_config();
        t.insert(t.rfind('}'), ", \"record\": {\"spikes\": [{\"population\": \"a\", \"neurons\": [3, 10]}]}");
        CHECK(error_of(t).find("record.spikes[0].neurons: neuron index 10 is out of range") !=
              std::string::npos);
    }
    SUBCASE("cross-parameter constraint") {
        auto t = base_config();
        t.replace(t.find("\"tau_m\": \"20 ms\""), 16, "\"V_reset\": -40, \"V_th\": -50");
        CHECK(error_of(t).find("populations[0].params: expected V_reset < V_th") != std::string::npos);
    }
    SUBCASE("duplicate population") {
        const auto e = error_of(R"({"populations": [{"name": "a", "size": 1, "model": "lif_exp"},
                                                     {"name": "a", "size": 2, "model": "lif_exp"}]})");
        CHECK(e.find("populations[1].name: duplicate population name 'a'") != std::string::npos);
    }
}

TEST_CASE("a missing config file is an input error naming it") {
    CHECK_THROWS_WITH_AS(load_config("/nonexistent/net.json", models()),
                         doctest::Contains("/nonexistent/net.json"), input_error);
}

TEST_CASE("nonsense values are refused with the file and the JSON path (issue #12, items 3 and 7)") {
    auto replaced = [](std::string t, const std::string& from, const std::string& to) {
        REQUIRE(t.find(from) != std::string::npos);
        return t.replace(t.find(from), from.size(), to);
    };
    SUBCASE("a duration of more than 2^53 steps") {
        const auto e = error_of(replaced(base_config(), "\"duration\": 10", "\"duration\": \"1e20 ms\""));
        CHECK(e.find("net.json: simulation.duration: 1e+20 ms is 1e+21 steps of dt = 0.1 ms: expected at "
                     "most 2^53") != std::string::npos);
        CHECK(duration_problem(1e300, 0.1).find("expected at most 2^53") != std::string::npos);
        CHECK(duration_problem(1000, 0.1).empty());
    }
    SUBCASE("a number beyond the range of a double names its JSON path") {
        const auto p = error_of(replaced(base_config(), "{\"rule\": \"all_to_all\"}",
                                         "{\"rule\": \"fixed_probability\", \"p\": 1e999}"));
        CHECK(p.find("net.json: projections[0].connectivity.p (line 9, column") != std::string::npos);
        CHECK(p.find("the number 1e999 is out of the range of a double") != std::string::npos);
        const auto s = error_of(replaced(base_config(), "\"size\": 5", "\"size\": 1e999"));
        CHECK(s.find("net.json: populations[1].size (line 6") != std::string::npos);
        CHECK(s.find("json.exception") == std::string::npos);
    }
    SUBCASE("a state recording interval of 0 or below dt") {
        const std::string rec =
            ", \"record\": {\"state\": [{\"population\": \"a\", \"variables\": [\"V_m\"], \"interval\": ";
        auto with = [&](const std::string& interval) {
            auto t = base_config();
            return t.insert(t.rfind('}'), rec + interval + "}]}");
        };
        CHECK(error_of(with("0")).find("record.state[0].interval: expected an interval > 0 ms") !=
              std::string::npos);
        CHECK(error_of(with("0.01"))
                  .find("record.state[0].interval: an interval of 0.01 ms is shorter than the time step") !=
              std::string::npos);
        CHECK(error_of(with("\"1 ms\"")) == "no error");
    }
    SUBCASE("a weight list of the wrong length names the config and the JSON path") {
        const auto e = error_of(base_config().replace(base_config().find("\"weight\": 1.0"), 13,
                                                      "\"weight\": {\"values\": [1, 2, 3]}"));
        CHECK(e.find("net.json: projections[0].weight: expected 50 values (one per synapse), got 3") !=
              std::string::npos);
    }
    SUBCASE("a constant delay below dt is called a delay below dt") {
        const auto e = error_of(base_config(", \"delay\": 0.01"));
        CHECK(e.find("projections[0].delay: a delay of 0.01 ms is below the time step dt = 0.1 ms") !=
              std::string::npos);
        CHECK(e.find("normal") == std::string::npos);
        const auto n =
            error_of(base_config(", \"delay\": {\"normal\": {\"mean\": 1, \"std\": 0.1, \"min\": 0.05}}"));
        CHECK(n.find("projections[0].delay.normal: 'min' = 0.05 ms is below the time step") !=
              std::string::npos);
    }
    SUBCASE("a time step out of range is refused as the time step") {
        const auto e = error_of(replaced(base_config(), "\"dt\": 0.1", "\"dt\": \"1e-300 ms\""));
        CHECK(e.find("net.json: simulation.dt: expected a time step in [0.0001, 100] ms") !=
              std::string::npos);
        CHECK(e.find("4096") == std::string::npos);
    }
}

TEST_CASE("delay lists are counted like weight lists, and need a rule with a known synapse count") {
    auto t = base_config(", \"delay\": {\"values\": [1, 2]}");
    CHECK(error_of(t).find("net.json: projections[0].delay: expected 50 values (one per synapse), got 2") !=
          std::string::npos);
    t.replace(t.find("{\"rule\": \"all_to_all\"}"), 22, "{\"rule\": \"fixed_probability\", \"p\": 0.5}");
    CHECK(error_of(t).find(
              "projections[0].delay: a list of values needs a rule with a known number of synapses") !=
          std::string::npos);
}
