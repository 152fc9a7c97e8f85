// Reward-modulated STDP, synaptic normalization and the adaptive threshold.
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "plastic_fixture.hpp"
#include "spikekit/learning/homeostasis.hpp"

using spikekit::param_map;
using spikekit::test::plastic_fixture;

namespace {
constexpr double dt = 1.0; // ms

// A pairing (pre then post after `lag` ms; lag < 0: post first) at 10 ms, an optional reward at t_reward,
// then the kernel's steps until `until`.
double rstdp_run(double lag, double reward, double t_reward = 100.0, double until = 3000.0, double w0 = 0.5) {
    auto f = plastic_fixture::single("rstdp", {}, w0, dt);
    spikekit::test::play(*f, {{10.0, false, 0}, {10.0 + lag, true, 0}});
    REQUIRE(f->state->needs_step());
    const auto steps = std::llround(until / dt), reward_step = std::llround(t_reward / dt);
    for (std::int64_t s = 0; s < steps; ++s) {
        if (reward != 0.0 && s == reward_step) f->state->on_reward(t_reward, reward);
        f->state->on_step(s);
    }
    return f->weight(0) - w0;
}
} // namespace

TEST_CASE("R-STDP: no reward means no weight change") {
    CHECK(rstdp_run(5.0, 0.0) == 0.0);
    CHECK(rstdp_run(-5.0, 0.0) == 0.0);
}

TEST_CASE("R-STDP: reward after pre-post potentiates by the eligibility it finds") {
    // Eligibility after the pair: c = W A+ exp(-5/20) at 15 ms, decayed with tau_c = 1000 ms until the reward
    // at 100 ms; a reward r then adds c r tau / tau_d, tau = tau_c tau_d / (tau_c + tau_d), once it has
    // decayed (3 s >> tau).
    const double c = 0.1 * std::exp(-5.0 / 20.0) * std::exp(-85.0 / 1000.0);
    const double expected = c * 1.0 * (1000.0 * 200.0 / 1200.0) / 200.0;
    CHECK(rstdp_run(5.0, 1.0) == doctest::Approx(expected).epsilon(0.01));
    // Post-pre with reward depresses; a negative reward (punishment) after pre-post depresses.
    CHECK(rstdp_run(-5.0, 1.0) < 0.0);
    CHECK(rstdp_run(5.0, -1.0) == doctest::Approx(-expected).epsilon(0.01));
    // A late reward finds less eligibility.
    CHECK(rstdp_run(5.0, 1.0, 2000.0, 5000.0) < 0.2 * expected);
}

TEST_CASE("synaptic normalization keeps each neuron's incoming sum and its pattern") {
    // 3 slots x 2 neurons, weights of different sizes.
    spikekit::learning::synapse_layout layout({0, 0, 1, 1, 2, 2}, {0, 1, 0, 1, 0, 1}, 3, 2);
    std::vector<float> w{0.1f, 2.0f, 0.3f, 1.0f, 0.6f, 1.0f};
    spikekit::learning::normalize_incoming(layout, w, 5.0);
    CHECK(double{w[0] + w[2] + w[4]} == doctest::Approx(5.0));
    CHECK(double{w[1] + w[3] + w[5]} == doctest::Approx(5.0));
    CHECK(double{w[2] / w[0]} == doctest::Approx(3.0));
    CHECK(double{w[3]} == doctest::Approx(5.0 / 4.0));
}

TEST_CASE("STDP with norm_total normalizes every norm_interval") {
    plastic_fixture f("stdp_additive", {{"norm_total", 1.0}, {"norm_interval", 10.0}, {"A_plus", 0.1}},
                      {0, 1}, {0, 0}, 2, 1, 0.5, dt);
    REQUIRE(f.state->needs_step());
    spikekit::test::play(f, {{1.0, false, 0}, {2.0, true, 0}}); // potentiates synapse 0 only
    CHECK(f.weight(0) > 0.5);
    for (std::int64_t s = 0; s < 10; ++s) f.state->on_step(s);
    CHECK(f.weight(0) + f.weight(1) == doctest::Approx(1.0));
    CHECK(f.weight(0) > f.weight(1));
}

TEST_CASE("the normalization rule alone scales weights at its interval and not before") {
    plastic_fixture f("normalization", {{"total", 2.0}, {"interval", 5.0}}, {0, 1}, {0, 0}, 2, 1, 0.25, dt);
    for (std::int64_t s = 0; s < 4; ++s) f.state->on_step(s);
    CHECK(f.weight(0) == 0.25);
    f.state->on_step(4);
    CHECK(f.weight(0) == doctest::Approx(1.0));
}

TEST_CASE("adaptive threshold rises by theta_plus per spike and decays with tau_theta") {
    const auto params = spikekit::with_defaults(spikekit::learning::adaptive_threshold::params(),
                                                {{"theta_plus", 0.5}, {"tau_theta", 100.0}});
    spikekit::learning::adaptive_threshold th(params, 3);
    th.on_spike(1, 10.0);
    th.on_spike(1, 10.0 + 100.0 * std::log(2.0)); // the first jump has halved
    CHECK(th.offset(1, 10.0 + 100.0 * std::log(2.0)) == doctest::Approx(0.75));
    CHECK(th.offset(1, 10.0 + 100.0 * std::log(2.0) + 100.0) == doctest::Approx(0.75 * std::exp(-1.0)));
    CHECK(th.offset(0, 500.0) == 0.0); // neurons that never spiked
    // Diehl & Cook defaults: 0.05 mV per spike, practically no decay during a 350 ms example.
    spikekit::learning::adaptive_threshold dc(
        spikekit::with_defaults(spikekit::learning::adaptive_threshold::params(), {}), 1);
    for (int k = 0; k < 10; ++k) dc.on_spike(0, 10.0 * k);
    CHECK(dc.offset(0, 350.0) == doctest::Approx(0.5).epsilon(1e-4));
}
