// Pair STDP: the analytic window, weight dependence, nearest vs all-to-all, heterogeneous delays, and the
// validation of plasticity blocks.
#include <cmath>
#include <stdexcept>

#include <doctest/doctest.h>

#include "plastic_fixture.hpp"
#include "spikekit/core/error.hpp"

using spikekit::param_map;
using spikekit::test::plastic_fixture;

namespace {
const param_map window_params{{"A_plus", 0.01}, {"A_minus", 0.012}, {"tau_plus", 17.0}, {"tau_minus", 34.0}};

// Weight change of one synapse after a single pre spike at 100 ms and a post spike at 100 + dt ms.
double pair_change(const std::string& rule, const param_map& p, double dt, double w0) {
    auto f = plastic_fixture::single(rule, p, w0);
    spikekit::test::play(*f, {{100.0, false, 0}, {100.0 + dt, true, 0}});
    return f->weight(0) - w0;
}
} // namespace

TEST_CASE("pair STDP reproduces the analytic window A+ exp(-dt/tau+) / -A- exp(dt/tau-)") {
    for (double dt = -80.0; dt <= 80.0; dt += 4.0) {
        const double expected = dt >= 0.0 ? 0.01 * std::exp(-dt / 17.0) : -0.012 * std::exp(dt / 34.0);
        CAPTURE(dt);
        CHECK(pair_change("stdp_additive", window_params, dt, 0.5) ==
              doctest::Approx(expected).epsilon(1e-5));
    }
    // A pair at the same time counts as pre-before-post (the kernel delivers arrivals before spikes).
    CHECK(pair_change("stdp_additive", window_params, 0.0, 0.5) == doctest::Approx(0.01).epsilon(1e-5));
}

TEST_CASE("pair STDP amplitudes are fractions of the weight range") {
    param_map p = window_params;
    p["w_min"] = -2.0;
    p["w_max"] = 2.0;
    CHECK(pair_change("stdp_additive", p, 10.0, 0.0) ==
          doctest::Approx(4.0 * 0.01 * std::exp(-10.0 / 17.0)).epsilon(1e-5));
}

TEST_CASE("multiplicative STDP scales potentiation by (1-w) and depression by w") {
    param_map p = window_params;
    for (double w0 : {0.2, 0.8}) {
        CAPTURE(w0);
        CHECK(pair_change("stdp_multiplicative", p, 10.0, w0) ==
              doctest::Approx((1.0 - w0) * 0.01 * std::exp(-10.0 / 17.0)).epsilon(1e-4));
        CHECK(pair_change("stdp_multiplicative", p, -10.0, w0) ==
              doctest::Approx(-w0 * 0.012 * std::exp(-10.0 / 34.0)).epsilon(1e-4));
    }
    // mu = 0 is the additive rule.
    p["mu_plus"] = 0.0;
    p["mu_minus"] = 0.0;
    CHECK(pair_change("stdp_multiplicative", p, 10.0, 0.8) ==
          doctest::Approx(pair_change("stdp_additive", window_params, 10.0, 0.8)));
}

TEST_CASE("additive STDP clips at the bounds while multiplicative approaches them softly") {
    param_map p = window_params;
    p["A_plus"] = 0.3;
    for (const char* rule : {"stdp_additive", "stdp_multiplicative"}) {
        auto f = plastic_fixture::single(rule, p, 0.5);
        for (int k = 0; k < 20; ++k)
            spikekit::test::play(*f, {{100.0 * k, false, 0}, {100.0 * k + 1.0, true, 0}});
        CAPTURE(rule);
        CHECK(f->w[0] <= 1.0f);
        CHECK(f->w[0] > 0.95f);
        if (std::string(rule) == "stdp_multiplicative")
            CHECK(f->w[0] < 1.0f);
        else
            CHECK(f->w[0] == 1.0f);
    }
}

TEST_CASE("all-to-all sums over all earlier spikes while nearest-spike takes only the last one") {
    const double tau = 17.0, a = 0.01;
    for (double nearest : {0.0, 1.0}) {
        param_map p = window_params;
        p["nearest"] = nearest;
        // Two pre spikes then one post: potentiation.
        auto f = plastic_fixture::single("stdp_additive", p, 0.5);
        spikekit::test::play(*f, {{0.0, false, 0}, {5.0, false, 0}, {10.0, true, 0}});
        const double both = a * (std::exp(-10.0 / tau) + std::exp(-5.0 / tau)),
                     last = a * std::exp(-5.0 / tau);
        CAPTURE(nearest);
        CHECK(f->weight(0) - 0.5 == doctest::Approx(nearest != 0.0 ? last : both).epsilon(1e-5));
        // Two post spikes then one pre: depression.
        auto g = plastic_fixture::single("stdp_additive", p, 0.5);
        spikekit::test::play(*g, {{0.0, true, 0}, {5.0, true, 0}, {10.0, false, 0}});
        const double both_d = 0.012 * (std::exp(-10.0 / 34.0) + std::exp(-5.0 / 34.0)),
                     last_d = 0.012 * std::exp(-5.0 / 34.0);
        CHECK(0.5 - g->weight(0) == doctest::Approx(nearest != 0.0 ? last_d : both_d).epsilon(1e-5));
    }
}

TEST_CASE("heterogeneous delays: each synapse sees its own arrival time") {
    // One presynaptic neuron, two synapses onto one neuron with delays of 1 ms and 8 ms: two pre slots.
    const std::vector<std::uint32_t> pre{0, 0};
    const std::vector<std::int64_t> delay_steps{10, 80};
    std::uint32_t n_slots = 0;
    auto slots = spikekit::learning::slots_by_delay(pre, delay_steps, n_slots);
    REQUIRE(n_slots == 2);
    plastic_fixture f("stdp_additive", window_params, slots, {0, 0}, n_slots, 1, 0.5);
    // Spike at 0 ms arrives at 1 ms (slot 0) and 8 ms (slot 1); the postsynaptic neuron fires at 5 ms.
    spikekit::test::play(f, {{1.0, false, 0}, {8.0, false, 1}, {5.0, true, 0}});
    CHECK(f.weight(0) - 0.5 == doctest::Approx(0.01 * std::exp(-4.0 / 17.0)).epsilon(1e-5));
    CHECK(f.weight(1) - 0.5 == doctest::Approx(-0.012 * std::exp(-3.0 / 34.0)).epsilon(1e-5));
}

TEST_CASE("synapse layouts and delay slots reject unsorted input and indices out of range") {
    using spikekit::learning::synapse_layout;
    CHECK_THROWS_AS(synapse_layout({1, 0}, {0, 0}, 2, 1), std::invalid_argument);
    CHECK_THROWS_AS(synapse_layout({0, 2}, {0, 0}, 2, 1), std::invalid_argument);
    CHECK_THROWS_AS(synapse_layout({0, 1}, {0, 1}, 2, 1), std::invalid_argument);
    const std::vector<std::uint32_t> pre{0, 0, 1, 1};
    const std::vector<std::int64_t> unsorted{5, 3, 1, 1}, sorted{3, 5, 1, 1};
    std::uint32_t n = 0;
    CHECK_THROWS_AS(spikekit::learning::slots_by_delay(pre, unsorted, n), std::invalid_argument);
    CHECK(spikekit::learning::slots_by_delay(pre, sorted, n) == std::vector<std::uint32_t>{0, 1, 2, 2});
    CHECK(n == 3);
    const synapse_layout ok({0, 0, 1}, {1, 0, 1}, 2, 2);
    CHECK(ok.incoming(1).size() == 2);
    CHECK(ok.slot_synapses(1).begin == 2);
}

TEST_CASE("plasticity blocks are checked against the rule's parameter table") {
    const auto rules = spikekit::learning::builtin_rules();
    auto message = [&](const spikekit::plasticity_spec& s) -> std::string {
        try {
            spikekit::learning::validate_plasticity(rules, s, "net.json", "projections[1].plasticity");
        } catch (const spikekit::input_error& e) {
            return e.what();
        }
        return "";
    };
    CHECK(message({"stdp_addtive", {}})
              .find("net.json: projections[1].plasticity.rule: unknown plasticity rule 'stdp_addtive'") == 0);
    CHECK(message({"stdp_additive", {{"tau", 3.0}}})
              .find("projections[1].plasticity.params.tau: rule stdp_additive has no parameter 'tau'") !=
          std::string::npos);
    CHECK(message({"stdp_additive", {{"tau_plus", -1.0}}})
              .find("params.tau_plus: expected a value > 0 ms, got -1") != std::string::npos);
    CHECK(message({"stdp_additive", {{"nearest", 0.5}}}).find("expected a whole number") !=
          std::string::npos);
    CHECK(message({"stdp_triplet", {{"w_min", 2.0}}}).find("expected w_min < w_max") != std::string::npos);
    CHECK(message({"stdp_int", {{"weight_bits", 4.0}}}).find("expected w_min and w_max in [0, 15]") !=
          std::string::npos);
    CHECK(message({"stdp_additive", {{"tau_plus", 5.0}}}).empty());
    for (const auto& name : rules.names()) {
        CAPTURE(name);
        CHECK(!rules.find(name)->doc().empty());
        CHECK(message({name, {}}).empty()); // defaults are valid
    }
}
