// A reward source named in the config ("plasticity": {"rule": "rstdp", ..., "reward": {"population": P,
// "amount": a}}): every spike of P delivers a reward of a at its spike time, inside a run. Checked against
// the definition of rstdp (learning/src/rstdp.cpp), across thread counts and across checkpoint/resume.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "../support/test_support.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/learning/rules.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {
const model_registry& models() {
    static const auto m = neurons::builtin_models();
    return m;
}
const rule_registry& rules() {
    static const auto r = learning::builtin_rules();
    return r;
}

// One pre-post pairing: "pre" fires at 10 ms (arrives 1 ms later), "driver" makes "post" fire a few ms
// after that arrival; "dopamine" fires at the given times. `plasticity` is the projection's block.
std::string pairing_net(const std::string& dopamine_times, const std::string& plasticity) {
    return R"({"simulation": {"dt": 0.1, "duration": 3000},
      "populations": [{"name": "pre", "size": 1, "model": "spike_source", "spike_times": [[10]]},
                      {"name": "driver", "size": 1, "model": "spike_source", "spike_times": [[14]]},
                      {"name": "post", "size": 1, "model": "if_delta", "params": {"V_th": 1, "V_reset": 0, "reset_subtract": 0}},
                      {"name": "dopamine", "size": 1, "model": "spike_source", "spike_times": [)" +
           dopamine_times + R"(]}],
      "projections": [{"name": "learn", "source": "pre", "target": "post", "connectivity": {"rule": "all_to_all"},
                       "weight": 0.5, "delay": 1, "plasticity": )" +
           plasticity + R"(},
                      {"source": "driver", "target": "post", "connectivity": {"rule": "all_to_all"},
                       "weight": 10, "delay": 1}],
      "record": {"spikes": [{"population": "pre"}, {"population": "post"}, {"population": "dopamine"}]}})";
}
const std::string rewarded = R"({"rule": "rstdp", "reward": {"population": "dopamine", "amount": 0.5}})";

double spike_time(const simulation& sim, std::size_t recorder, double dt) {
    REQUIRE(sim.spikes()[recorder].steps.size() == 1);
    return static_cast<double>(sim.spikes()[recorder].steps[0] + 1) * dt;
}

// Poisson inputs drive 20 LIF cells through plastic R-STDP synapses; the cells drive a dopamine population
// through a 50 ms projection, whose spikes reward the projection: rewards arrive all through the run.
network_description loop_net(unsigned threads) {
    auto d = parse_config(R"({"simulation": {"dt": 0.1, "duration": 1000, "seed": 11, "threads": 1},
      "populations": [{"name": "input", "size": 200, "model": "poisson_source", "params": {"rate": 20}},
                      {"name": "cells", "size": 20, "model": "lif_delta", "params": {"tau_m": 20, "t_ref": 2}},
                      {"name": "dopamine", "size": 5, "model": "lif_delta", "params": {"tau_m": 10}}],
      "projections": [{"name": "learn", "source": "input", "target": "cells",
                       "connectivity": {"rule": "fixed_probability", "p": 0.3},
                       "weight": {"uniform": {"low": 0, "high": 1.5}}, "delay": {"uniform": {"low": 1, "high": 3}},
                       "plasticity": {"rule": "rstdp", "params": {"w_max": 1.5, "tau_c": 500},
                                      "reward": {"population": "dopamine", "amount": 0.2}}},
                      {"source": "cells", "target": "dopamine", "connectivity": {"rule": "all_to_all"},
                       "weight": 20, "delay": 50}],
      "record": {"spikes": [{"population": "cells"}, {"population": "dopamine"}]}})",
                          "loop.json", models());
    d.sim.threads = threads;
    return d;
}
} // namespace

TEST_CASE("reward source: reward spikes after a pre-post pairing potentiate by the rule's amount") {
    simulation sim(parse_config(pairing_net("[100, 300]", rewarded), "pair.json", models()), models(), 1,
                   &rules());
    sim.run(3000);
    const double dt = sim.dt_ms(), w0 = 0.5, amount = 0.5;
    const double t_arrival = spike_time(sim, 0, dt) + 1.0, t_post = spike_time(sim, 1, dt);
    REQUIRE(sim.spikes()[2].steps.size() == 2);
    // rstdp's defaults: A+ = 0.1 of W = 1, tau_plus = 20 ms, tau_c = 1000 ms, tau_d = 200 ms. The pair leaves
    // c = W A+ exp(-(t_post - t_arrival)/tau_plus); each reward r at t_r then adds
    // c(t_r) r tau / tau_d (1 - exp(-(T - t_r)/tau)), tau = tau_c tau_d / (tau_c + tau_d) (dw/dt = c d /
    // tau_d).
    const double c0 = 0.1 * std::exp(-(t_post - t_arrival) / 20.0);
    const double tau = 1000.0 * 200.0 / 1200.0, T = 3000.0;
    double expected = 0.0;
    for (const auto step : sim.spikes()[2].steps) {
        const double t_r = static_cast<double>(step + 1) * dt;
        expected +=
            c0 * std::exp(-(t_r - t_post) / 1000.0) * amount * tau / 200.0 * -std::expm1(-(T - t_r) / tau);
    }
    CAPTURE(expected);
    CHECK(expected > 0.02);
    // The float weight holds the integral to half a unit in its last place (3e-8 at w = 0.5): the rule
    // carries the rest per synapse (without that, late increments were rounded away, 7e-4 of the change).
    CHECK(double{sim.plastic_weights()[0].weight[0]} - w0 == doctest::Approx(expected).epsilon(1e-5));
}

TEST_CASE("reward source: without reward spikes no weight changes, and a negative amount depresses") {
    simulation quiet(parse_config(pairing_net("[]", rewarded), "pair.json", models()), models(), 1, &rules());
    quiet.run(3000);
    REQUIRE(quiet.spikes()[1].steps.size() == 1); // the pairing happened
    CHECK(quiet.plastic_weights()[0].weight[0] == 0.5f);

    const std::string punished = R"({"rule": "rstdp", "reward": {"population": "dopamine", "amount": -0.5}})";
    simulation sim(parse_config(pairing_net("[100]", punished), "pair.json", models()), models(), 1,
                   &rules());
    sim.run(3000);
    CHECK(sim.plastic_weights()[0].weight[0] < 0.49f);
}

TEST_CASE("reward source: the same weights with 1 and 2 threads, and after checkpoint/resume") {
    context ctx2(2);
    ctx2.min_parallel_work = 0; // every step parallel, however small
    simulation one(loop_net(1), models(), 1, &rules()), two(loop_net(2), models(), ctx2, &rules());
    one.run(1000);
    two.run(1000);
    REQUIRE(one.spikes()[1].steps.size() > 10); // rewards happened, all through the run
    const auto w = one.plastic_weights()[0].weight;
    CHECK(w == two.plastic_weights()[0].weight);
    CHECK(w !=
          simulation(loop_net(1), models(), 1, &rules()).plastic_weights()[0].weight); // learning happened

    // Cut where a reward signal is decaying (the dopamine population fired in the last 200 ms).
    test::temp_dir dir("reward_checkpoint");
    double cut = 0;
    for (const auto s : one.spikes()[1].steps)
        if (s < 8000) cut = std::round(static_cast<double>(s + 1) * 0.1 + 20.0);
    REQUIRE(cut > 0);
    {
        simulation first(loop_net(1), models(), 1, &rules());
        first.run(cut);
        first.save_checkpoint(dir.file("cp.h5"));
    }
    simulation resumed(loop_net(1), models(), 1, &rules());
    resumed.restore_checkpoint(dir.file("cp.h5"));
    resumed.run(1000 - cut);
    CHECK(resumed.plastic_weights()[0].weight == w);
}

TEST_CASE("reward source: errors name the JSON path, and the block round-trips") {
    auto error_of = [](const std::string& plasticity, bool lower) -> std::string {
        try {
            const auto d = parse_config(pairing_net("[100]", plasticity), "pair.json", models());
            if (lower) simulation(d, models(), 1, &rules());
        } catch (const input_error& e) {
            return e.what();
        }
        return "no error";
    };
    const auto unknown = error_of(R"({"rule": "rstdp", "reward": {"population": "dopa"}})", false);
    CHECK(unknown.find("projections[0].plasticity.reward.population") != std::string::npos);
    CHECK(unknown.find("unknown population 'dopa'") != std::string::npos);
    const auto no_reward =
        error_of(R"({"rule": "stdp_additive", "reward": {"population": "dopamine"}})", true);
    CHECK(no_reward.find("projections[0].plasticity.reward") != std::string::npos);
    CHECK(no_reward.find("rule stdp_additive takes no reward (reward-modulated rules: rstdp)") !=
          std::string::npos);
    for (const char* amount : {"0", "\"lots\""}) {
        CAPTURE(amount);
        const auto bad =
            error_of(std::string(R"({"rule": "rstdp", "reward": {"population": "dopamine", "amount": )") +
                         amount + "}}",
                     false);
        CHECK(bad.find("projections[0].plasticity.reward.amount") != std::string::npos);
    }
    CHECK(error_of(R"({"rule": "rstdp", "reward": {"population": "dopamine", "amout": 1}})", false)
              .find("plasticity.reward") != std::string::npos);

    const auto d = parse_config(pairing_net("[100]", rewarded), "pair.json", models());
    REQUIRE(d.projections[0].plasticity->reward);
    CHECK(d.projections[0].plasticity->reward->amount == 0.5);
    const auto again = parse_config(to_json(d), "again.json", models());
    CHECK(again.projections[0].plasticity == d.projections[0].plasticity);
}

TEST_CASE("examples/rstdp_reward.json: the delayed reward strengthens the volley inputs, weakens the rest") {
    auto d = load_config(test::source_path("examples/rstdp_reward.json"), models());
    auto mean = [](const std::vector<float>& w) {
        double s = 0;
        for (auto x : w) s += double{x};
        return s / static_cast<double>(w.size());
    };
    auto spikes_between = [](const simulation& sim, std::int64_t first, std::int64_t last) {
        const auto& st = sim.spikes()[0].steps; // the cell
        return std::count_if(st.begin(), st.end(), [&](std::int64_t s) { return s >= first && s < last; });
    };
    simulation sim(d, models(), 1, &rules());
    sim.run(60000);
    const auto w = sim.plastic_weights();
    REQUIRE(w.size() == 2);
    MESSAGE("mean weights after 60 s: volley inputs " << mean(w[0].weight) << " mV, background "
                                                      << mean(w[1].weight) << " mV");
    CHECK(mean(w[0].weight) > 0.9);                   // from 0.15 mV to w_max = 1 mV
    CHECK(mean(w[1].weight) < 0.3);                   // from 0.5 mV
    CHECK(spikes_between(sim, 0, 50000) <= 2);        // first 5 s: volleys rarely make the cell fire
    CHECK(spikes_between(sim, 550000, 600000) >= 10); // last 5 s: almost every volley does

    for (auto& p : d.projections)
        if (p.plasticity) p.plasticity->reward.reset();
    simulation unrewarded(d, models(), 1, &rules());
    unrewarded.run(60000);
    CHECK(mean(unrewarded.plastic_weights()[0].weight) == doctest::Approx(0.15));
    CHECK(mean(unrewarded.plastic_weights()[1].weight) == doctest::Approx(0.5));
}
