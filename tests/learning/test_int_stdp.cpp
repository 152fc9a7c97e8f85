// The on-chip integer rule: its arithmetic (int_stdp_arith.hpp), its table, and its convergence to the float
// rule as the resolution grows.
#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "plastic_fixture.hpp"
#include "spikekit/core/random.hpp"
#include "spikekit/learning/int_stdp.hpp"

using spikekit::param_map;
using spikekit::test::plastic_fixture;
namespace intstdp = spikekit::intstdp;

TEST_CASE("stochastic rounding is unbiased: over all random words it sums to the exact value") {
    for (unsigned f : {0u, 1u, 3u, 8u}) {
        for (std::int32_t x : {0, 1, 5, 37, 255, -1, -5, -37, -256, 1000, -1001}) {
            long long sum = 0;
            const std::int32_t lo =
                static_cast<std::int32_t>(std::floor(x / std::ldexp(1.0, static_cast<int>(f))));
            for (std::uint32_t r = 0; r < (1u << f); ++r) {
                const std::int32_t v = intstdp::round_stochastic(x, f, r);
                CHECK((v == lo || v == lo + 1));
                sum += v;
            }
            CAPTURE(f);
            CAPTURE(x);
            CHECK(sum == x); // mean over the 2^f equally likely words = x / 2^f exactly
        }
    }
}

TEST_CASE("integer updates stay within the bounds and decay moves toward zero") {
    intstdp::params q;
    q.weight_bits = 4;
    q.is_signed = true;
    q.w_min = -8;
    q.w_max = 7;
    q.lut_first = -2;
    q.lut_len = 4;
    q.lut[0] = -9; // dt = -2
    q.lut[3] = 9;  // dt = +1
    q.decay = 3;
    CHECK(intstdp::representable_min(4, true) == -8);
    CHECK(intstdp::representable_max(4, false) == 15);
    CHECK(intstdp::update(5, 1, 0, q) == 7);    // clipped at w_max
    CHECK(intstdp::update(-5, -2, 0, q) == -8); // clipped at w_min
    CHECK(intstdp::update(3, 0, 0, q) == 3);    // table entry 0: no change
    CHECK(intstdp::update(3, 2, 0, q) == 3);    // outside the table
    CHECK(intstdp::update(3, -3, 0, q) == 3);
    CHECK(intstdp::decay(5, q) == 2);
    CHECK(intstdp::decay(2, q) == 0); // never past zero
    CHECK(intstdp::decay(-7, q) == -4);
}

namespace {
param_map int_params(double bits, double frac_bits, double lut_len, double tau, double a) {
    const double w_max = std::ldexp(1.0, static_cast<int>(bits)) - 1.0;
    return {
        {"weight_bits", bits}, {"w_max", w_max},   {"frac_bits", frac_bits}, {"lut_len", lut_len},
        {"tau_plus", tau},     {"tau_minus", tau}, {"A_plus", a * w_max},    {"A_minus", 1.05 * a * w_max}};
}
param_map lowered_defaults(const param_map& given) {
    const auto rules = spikekit::learning::builtin_rules();
    return spikekit::learning::validate_plasticity(rules, {"stdp_int", given}, "test", "plasticity");
}
double float_window(double t, double tau, double a) {
    return t >= 0.0 ? a * std::exp(-t / tau) : -1.05 * a * std::exp(t / tau);
}

// Largest difference, over dt in [-span, span] steps of 1 ms, between the expected integer change (table /
// 2^f, as a fraction of the weight range) and the float window.
double window_error(double frac_bits, double lut_len, int span) {
    const double tau = 10.0, a = 0.01;
    const auto q =
        spikekit::learning::lower_int_stdp(lowered_defaults(int_params(8, frac_bits, lut_len, tau, a)), 1.0);
    double worst = 0.0;
    for (int dt = -span; dt <= span; ++dt) {
        const double expected = intstdp::lut_value(q, dt) / std::ldexp(1.0, q.frac_bits) / q.w_max;
        worst = std::max(worst, std::abs(expected - float_window(dt, tau, a)));
    }
    return worst;
}
} // namespace

TEST_CASE("the table approaches the float window as its value and time resolution grow") {
    double previous = 1.0;
    for (double f : {0.0, 2.0, 4.0, 8.0}) { // fractional bits, with a table long enough to hold the window
        const double e = window_error(f, 64, 31); // inside the table: dt in [-32, 31]
        INFO("frac_bits " << f << ": max window error " << e);
        CHECK(e < previous);
        previous = e;
    }
    CHECK(previous < 2e-5); // half an LSB of 2^-8 of the 8-bit range
    previous = 1.0;
    for (double len : {8.0, 16.0, 32.0, 60.0}) { // table length: the window truncation shrinks
        const double e = window_error(8, len, 40);
        INFO("lut_len " << len << ": max window error " << e);
        CHECK(e < previous);
        previous = e;
    }
}

TEST_CASE("one integer pair changes the weight by the table entry") {
    param_map p = int_params(8, 0, 60, 20.0, 0.04); // A_plus = 10.2 LSB: entries are whole numbers
    auto f = plastic_fixture::single("stdp_int", p, 100.0, 1.0);
    spikekit::test::play(*f, {{10.0, false, 0}, {15.0, true, 0}});
    CHECK(f->weight(0) == 100.0 + std::round(0.04 * 255.0 * std::exp(-5.0 / 20.0)));
    spikekit::test::play(*f, {{40.0, true, 0}, {47.0, false, 0}});
    CHECK(f->weight(0) == 100.0 + std::round(0.04 * 255.0 * std::exp(-5.0 / 20.0)) -
                              std::round(1.05 * 0.04 * 255.0 * std::exp(-7.0 / 20.0)));
}

TEST_CASE("integer weight decay runs every decay_interval") {
    param_map p = int_params(8, 0, 60, 20.0, 0.04);
    p["decay"] = 2;
    p["decay_interval"] = 10; // ms = 10 steps
    auto f = plastic_fixture::single("stdp_int", p, 9.0, 1.0);
    REQUIRE(f->state->needs_step());
    for (std::int64_t s = 0; s < 30; ++s) f->state->on_step(s);
    CHECK(f->weight(0) == 3.0);
    for (std::int64_t s = 30; s < 100; ++s) f->state->on_step(s);
    CHECK(f->weight(0) == 0.0);
}

namespace {
constexpr std::uint32_t n_syn = 64;

// Poisson trains on a 1 ms grid: n_syn presynaptic slots (one synapse each, onto neuron 0) and the
// postsynaptic neuron, 30 Hz each for 10 s; the same trains for every rule and resolution.
std::vector<spikekit::test::spike_event> poisson_events() {
    std::vector<spikekit::test::spike_event> ev;
    const auto key = spikekit::rng::make_key(7, 1);
    for (std::int64_t step = 0; step < 10000; ++step) {
        spikekit::rng::stream r(key, 0, static_cast<std::uint64_t>(step));
        for (std::uint32_t i = 0; i <= n_syn; ++i)
            if (r.uniform() < 0.03)
                ev.push_back({static_cast<double>(step), i == n_syn, i == n_syn ? 0u : i});
    }
    return ev;
}

// RMS difference between the integer rule's weights (as fractions of the range) and the float rule's.
double rms_error(double bits, const std::vector<spikekit::test::spike_event>& ev, std::uint64_t key = 42) {
    const double tau = 5.0, a = 0.02, w_max = std::ldexp(1.0, static_cast<int>(bits)) - 1.0;
    const double w0 = std::round(0.5 * w_max); // representable start, the same for both rules
    std::vector<std::uint32_t> slots(n_syn), posts(n_syn, 0);
    for (std::uint32_t k = 0; k < n_syn; ++k) slots[k] = k;
    plastic_fixture fl(
        "stdp_additive",
        {{"A_plus", a}, {"A_minus", 1.05 * a}, {"tau_plus", tau}, {"tau_minus", tau}, {"nearest", 1}}, slots,
        posts, n_syn, 1, w0 / w_max, 1.0);
    plastic_fixture in("stdp_int", int_params(bits, 8, 60, tau, a), slots, posts, n_syn, 1, w0, 1.0, key);
    spikekit::test::play(fl, ev);
    spikekit::test::play(in, ev);
    double sum = 0.0;
    for (std::uint32_t k = 0; k < n_syn; ++k) sum += std::pow(in.weight(k) / w_max - fl.weight(k), 2);
    return std::sqrt(sum / n_syn);
}
} // namespace

TEST_CASE("the integer rule approaches the float rule as the weight resolution grows") {
    const auto ev = poisson_events();
    double previous = 1.0;
    for (double bits : {2.0, 4.0, 6.0, 8.0}) {
        const double e = rms_error(bits, ev);
        INFO(bits << "-bit weights: RMS weight error vs float rule " << e);
        CHECK(e < previous);
        previous = e;
    }
    CHECK(previous < 0.05);
    // Deterministic: the same key gives the same weights, another key other roundings.
    CHECK(rms_error(4, ev) == rms_error(4, ev));
    CHECK(rms_error(4, ev, 43) != rms_error(4, ev));
}
