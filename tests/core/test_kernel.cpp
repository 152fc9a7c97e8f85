#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "../support/test_support.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {
const model_registry& models() {
    static const auto m = neurons::builtin_models();
    return m;
}
network_description net(const std::string& text) {
    return parse_config(text, "test.json", models());
}

// Connectivity of a projection, read back from a run: one spike_source neuron fires, count the targets hit.
std::map<std::string, std::uint64_t> synapse_counts(const std::string& conn, std::uint32_t n_src,
                                                    std::uint32_t n_tgt, bool same = false) {
    const std::string src = same ? "t" : "s";
    auto d = net(R"({"populations": [{"name": "s", "size": )" + std::to_string(n_src) +
                 R"(, "model": "poisson_source"}, {"name": "t", "size": )" + std::to_string(n_tgt) +
                 R"(, "model": "lif_delta"}], "projections": [{"source": ")" + src +
                 R"(", "target": "t", "connectivity": )" + conn + R"(, "weight": 0.1}]})");
    simulation sim(d, models());
    return {{"synapses", sim.synapses()}};
}
} // namespace

TEST_CASE("connectivity rules produce the expected numbers of synapses") {
    CHECK(synapse_counts(R"({"rule": "all_to_all"})", 7, 5)["synapses"] == 35);
    CHECK(synapse_counts(R"({"rule": "all_to_all", "autapses": false})", 5, 5, true)["synapses"] == 20);
    CHECK(synapse_counts(R"({"rule": "one_to_one"})", 9, 9)["synapses"] == 9);
    CHECK(synapse_counts(R"({"rule": "fixed_indegree", "n": 13})", 50, 40)["synapses"] == 13 * 40);
    CHECK(synapse_counts(R"({"rule": "fixed_outdegree", "n": 4})", 50, 40)["synapses"] == 4 * 50);
    CHECK(synapse_counts(R"({"rule": "fixed_indegree", "n": 40, "multapses": false})", 40, 10)["synapses"] ==
          400);
    const auto n = synapse_counts(R"({"rule": "fixed_probability", "p": 0.1})", 1000, 1000)["synapses"];
    CHECK(static_cast<double>(n) == doctest::Approx(1e5).epsilon(0.02)); // 1e5 +- 0.95 %: 2 % is > 6 sigma
    CHECK(synapse_counts(R"({"rule": "fixed_probability", "p": 0.0})", 100, 100)["synapses"] == 0);
    CHECK(synapse_counts(R"({"rule": "fixed_probability", "p": 1.0})", 10, 10)["synapses"] == 100);
}

TEST_CASE("a spike reaches its target after exactly its delay") {
    // Source spikes at t = 1.0 ms (end of step 9). Delay 2.5 ms = 25 steps: the jump is added in step 34,
    // the target (if_delta, threshold 1, weight 1.5) fires at the end of step 34, i.e. t = 3.5 ms.
    for (const char* delay : {"2.5", "0.1", "7.3"}) {
        CAPTURE(delay);
        auto d = net(R"({"simulation": {"dt": 0.1, "duration": 20},
          "populations": [{"name": "s", "size": 1, "model": "spike_source", "spike_times": [[1.0]]},
                          {"name": "t", "size": 1, "model": "if_delta", "params": {"V_th": 1}}],
          "projections": [{"source": "s", "target": "t", "connectivity": {"rule": "one_to_one"}, "weight": 1.5,
                           "delay": )" +
                     std::string(delay) + R"(}],
          "record": {"spikes": [{"population": "t"}, {"population": "s"}]}})");
        simulation sim(d, models());
        sim.run(20);
        REQUIRE(sim.spikes()[1].steps.size() == 1);
        CHECK(sim.spikes()[1].steps[0] == 9);
        REQUIRE(sim.spikes()[0].steps.size() == 1);
        const auto delay_steps = std::llround(std::stod(delay) / 0.1);
        CHECK(sim.spikes()[0].steps[0] == 9 + delay_steps);
    }
}

TEST_CASE("runs are bit-identical for 1 and 2 threads, and differ for another seed") {
    auto d = net(R"({"simulation": {"dt": 0.1, "duration": 200, "seed": 3},
      "populations": [{"name": "e", "size": 3000, "model": "lif_exp", "params": {"E_L": -49, "V_th": -50, "V_reset": -60,
                        "tau_m": 20, "C_m": 200, "tau_syn_ex": 5, "tau_syn_in": 10, "t_ref": 5},
                       "initial": {"V_m": {"uniform": {"low": -60, "high": -50}}}}],
      "projections": [{"source": "e", "target": "e", "receptor": "exc", "connectivity": {"rule": "fixed_probability", "p": 0.02},
                       "weight": {"normal": {"mean": 16, "std": 4}}, "delay": {"uniform": {"low": 0.1, "high": 3}}},
                      {"source": "e", "target": "e", "receptor": "inh", "connectivity": {"rule": "fixed_indegree", "n": 20},
                       "weight": -60, "delay": 0.5}],
      "inputs": [{"type": "poisson", "target": "e", "rate": 500, "weight": 20}],
      "record": {"spikes": [{"population": "e"}], "state": [{"population": "e", "variables": ["V_m"], "neurons": [0, 7, 2999]}]}})");
    context ctx2(2);
    ctx2.min_parallel_work = 0; // every step parallel, however small
    simulation one(d, models(), 1), two(d, models(), ctx2);
    one.run(200);
    two.run(200);
    REQUIRE(one.spikes()[0].node_ids.size() > 1000);
    CHECK(one.spikes()[0].node_ids == two.spikes()[0].node_ids);
    CHECK(one.spikes()[0].steps == two.spikes()[0].steps);
    CHECK(one.traces()[0].values == two.traces()[0].values);
    d.sim.seed = 4;
    simulation other(d, models(), 2);
    other.run(200);
    CHECK(other.spikes()[0].node_ids != one.spikes()[0].node_ids);
}

TEST_CASE("running in pieces gives the same result as one run") {
    auto d = net(R"({"simulation": {"seed": 5},
      "populations": [{"name": "e", "size": 500, "model": "lif_delta", "params": {"E_L": 0, "V_th": 20, "V_reset": 10, "tau_m": 20}}],
      "projections": [{"source": "e", "target": "e", "connectivity": {"rule": "fixed_indegree", "n": 50}, "weight": 0.2, "delay": 1.5}],
      "inputs": [{"type": "poisson", "target": "e", "rate": 12000, "weight": 0.1}],
      "record": {"spikes": [{"population": "e"}]}})");
    simulation a(d, models()), b(d, models());
    a.run(100);
    b.run(33.3);
    b.run(66.7);
    CHECK(b.steps_done() == 1000);
    CHECK(a.spikes()[0].node_ids == b.spikes()[0].node_ids);
    CHECK(a.spikes()[0].steps == b.spikes()[0].steps);
}

TEST_CASE("event-driven path: neurons without input are not updated") {
    // 1000 lif_delta neurons; only neuron 0 receives spikes (10 of them). The group visits each neuron once
    // at step 0 (initial threshold check) and afterwards only the neuron that receives input.
    auto d = net(R"({"simulation": {"duration": 100},
      "populations": [{"name": "s", "size": 1, "model": "spike_source", "spike_times": [[5, 15, 25, 35, 45, 55, 65, 75, 85, 95]]},
                      {"name": "t", "size": 1000, "model": "lif_delta", "params": {"E_L": -70, "V_th": -55}}],
      "projections": [{"source": "s", "target": "t", "connectivity": {"rule": "list", "sources": [0], "targets": [0]},
                       "weight": 3, "delay": 1}],
      "record": {"state": [{"population": "t", "variables": ["V_m"], "neurons": [0, 1], "interval": 1}]}})");
    simulation sim(d, models());
    sim.run(100);
    CHECK(sim.neuron_updates(1) == 1000 + 10); // step 0 visits all; then one visit per arriving spike
    // The decay between inputs is integrated analytically: V of neuron 0 at 15 ms, 9 ms after the first jump
    // (spike at 5 ms + 1 ms delay), before the second one arrives at 16 ms.
    const auto& tr = sim.traces()[0];
    const std::size_t sample = 15;
    const double expected = -70.0 + 3.0 * std::exp(-(15.0 - 6.0) / 10.0);
    CHECK(static_cast<double>(tr.values[sample * 2]) == doctest::Approx(expected).epsilon(1e-5));
    CHECK(tr.values[sample * 2 + 1] == doctest::Approx(-70.0f));
}

TEST_CASE("Poisson inputs and sources have the requested rates") {
    auto d = net(R"({"simulation": {"duration": 1000, "seed": 11},
      "populations": [{"name": "p", "size": 2000, "model": "poisson_source", "params": {"rate": "20 Hz"}},
                      {"name": "n", "size": 2000, "model": "if_delta", "params": {"V_th": 1, "V_reset": 0, "reset_subtract": 0}}],
      "inputs": [{"type": "poisson", "target": "n", "rate": "40 Hz", "weight": 1}],
      "record": {"spikes": [{"population": "p"}]}})");
    simulation sim(d, models());
    sim.run(1000);
    const auto st = sim.population_statistics();
    CHECK(static_cast<double>(st[0].spikes) == doctest::Approx(40000).epsilon(0.03));
    CHECK(static_cast<double>(st[1].spikes) == doctest::Approx(80000).epsilon(0.03));
}

TEST_CASE("a step current drives the membrane on schedule") {
    // if_delta, C = 1 pF: dV/dt = I/C. 2 pA from 10 to 20 ms charges 20 mV; no spike (threshold 100).
    auto d = net(R"({"simulation": {"duration": 30},
      "populations": [{"name": "n", "size": 2, "model": "if_delta", "params": {"V_th": 100, "C_m": 1}}],
      "inputs": [{"type": "current", "target": "n", "neurons": [1], "amplitude": 0, "steps": [[10, 2], [20, 0]]}],
      "record": {"state": [{"population": "n", "variables": ["V_m"], "interval": 5}]}})");
    simulation sim(d, models());
    sim.run(30);
    const auto& v = sim.traces()[0].values; // samples at 0, 5, ..., 25 ms, neurons 0 and 1
    REQUIRE(v.size() == 12);
    CHECK(v[2 * 2 + 1] == doctest::Approx(0.0f));  // 10 ms
    CHECK(v[3 * 2 + 1] == doctest::Approx(10.0f)); // 15 ms
    CHECK(v[5 * 2 + 1] == doctest::Approx(20.0f)); // 25 ms
    CHECK(v[5 * 2 + 0] == doctest::Approx(0.0f));
}

TEST_CASE("set_rates gives each neuron of a Poisson input its own rate, and survives a checkpoint") {
    auto d = net(R"({"simulation": {"seed": 9},
      "populations": [{"name": "p", "size": 4, "model": "if_delta", "params": {"V_th": 0.5, "V_reset": 0}}],
      "inputs": [{"name": "drive", "type": "poisson", "target": "p", "rate": 100, "weight": 1}],
      "record": {"spikes": [{"population": "p"}]}})");
    simulation sim(d, models(), 1);
    const std::vector<double> rates = {0.0, 50.0, 200.0, 800.0};
    sim.set_rates("drive", rates);
    sim.run(20000);
    std::vector<double> count(4, 0.0);
    for (auto id : sim.spikes()[0].node_ids) count[id] += 1;
    CHECK(count[0] == 0.0);
    for (int i = 1; i < 4; ++i)
        CHECK(count[static_cast<std::size_t>(i)] / 20.0 ==
              doctest::Approx(rates[static_cast<std::size_t>(i)]).epsilon(0.1));
    CHECK_THROWS_AS(sim.set_rates("drive", std::vector<double>{1.0}), input_error);
    CHECK_THROWS_AS(sim.set_rates("nope", rates), input_error);

    test::temp_dir dir("set_rates");
    simulation whole(d, models(), 1), first(d, models(), 1), resumed(d, models(), 1);
    whole.set_rates("drive", rates);
    first.set_rates("drive", rates);
    whole.run(300);
    first.run(100);
    first.save_checkpoint(dir.file("cp.h5"));
    resumed.restore_checkpoint(dir.file("cp.h5"));
    resumed.run(200);
    CHECK(resumed.spikes()[0].node_ids == whole.spikes()[0].node_ids);
}

TEST_CASE("an input that stops at a time beyond the step range (1e20 ms) means never, not a negative step") {
    auto d = net(R"({"simulation": {"duration": 100, "seed": 3},
      "populations": [{"name": "n", "size": 100, "model": "if_delta", "params": {"V_th": 1, "V_reset": 0, "reset_subtract": 0}}],
      "inputs": [{"type": "poisson", "target": "n", "rate": "100 Hz", "weight": 1, "stop": "1e20 ms"}]})");
    simulation sim(d, models());
    sim.run(100);
    CHECK(static_cast<double>(sim.population_statistics()[0].spikes) == doctest::Approx(1000).epsilon(0.2));
}
