#include <doctest/doctest.h>

#include "single_neuron.hpp"
#include "spikekit/core/random.hpp"
#include "spikekit/neurons/int_lif_arith.hpp"

using namespace spikekit;
using spikekit::test::single_neuron;

namespace {
std::int32_t leak_once(std::int32_t v, intlif::params p) {
    std::uint16_t ref = 0;
    p.threshold = 1 << 20;
    p.v_bits = 32;
    intlif::step(v, ref, 0, p);
    return v;
}
} // namespace

TEST_CASE("integer leak modes round toward zero") {
    intlif::params p;
    p.leak = intlif::leak_mode::shift;
    p.leak_shift = 2;
    CHECK(leak_once(100, p) == 75);
    CHECK(leak_once(75, p) == 57); // 75 - 18 (18.75 truncated)
    CHECK(leak_once(-100, p) == -75);
    CHECK(leak_once(-75, p) == -57);
    CHECK(leak_once(3, p) == 3); // 3/4 truncates to 0: no leak below 2^shift
    p.leak = intlif::leak_mode::multiply;
    p.leak_mul = 3;
    p.leak_frac_bits = 2;
    CHECK(leak_once(100, p) == 75);
    CHECK(leak_once(-101, p) == -75); // -303/4 = -75.75 -> -75
    p.leak = intlif::leak_mode::linear;
    p.leak_value = 3;
    CHECK(leak_once(10, p) == 7);
    CHECK(leak_once(-10, p) == -7);
    CHECK(leak_once(2, p) == 0);
    CHECK(leak_once(-2, p) == 0);
}

TEST_CASE("integer integrate, saturate, fire and reset") {
    intlif::params p;
    p.v_bits = 8;
    p.threshold = 100;
    std::int32_t v = 120;
    std::uint16_t ref = 0;
    p.threshold = 127;
    CHECK(intlif::step(v, ref, 50, p)); // saturates at 127 = threshold
    CHECK(v == 0);
    p.threshold = 10;
    p.reset = intlif::reset_mode::subtract;
    v = 9;
    CHECK(intlif::step(v, ref, 5, p));
    CHECK(v == 4);
    p.reset = intlif::reset_mode::to_value;
    p.reset_value = -3;
    p.refractory = 2;
    v = 0;
    CHECK(intlif::step(v, ref, 10, p));
    CHECK(v == -3);
    CHECK(ref == 2);
    CHECK_FALSE(intlif::step(v, ref, 50, p)); // refractory: input dropped
    CHECK_FALSE(intlif::step(v, ref, 50, p));
    CHECK(v == -3);
    CHECK(intlif::step(v, ref, 13, p)); // -3 + 13 = 10
    p.v_floor = 0;
    p.refractory = 0;
    ref = 0;
    v = 5;
    CHECK_FALSE(intlif::step(v, ref, -10, p));
    CHECK(v == 0);
    p.bias = 4;
    p.v_floor = INT32_MIN;
    v = 0;
    intlif::step(v, ref, 0, p);
    CHECK(v == 4);
    v = -128;
    p.bias = 0;
    intlif::step(v, ref, -100, p);
    CHECK(v == -128); // saturation at the negative end
}

TEST_CASE("the lif_int model in the kernel is bit-identical to the reference arithmetic") {
    const param_map given = {{"threshold", 50}, {"leak_mode", 2}, {"leak_shift", 3}, {"v_bits", 10}, {"reset_mode", 1},
                             {"refractory", 1}, {"bias", 1}};
    single_neuron n("lif_int", given, 1.0);
    intlif::params p;
    p.threshold = 50;
    p.leak = intlif::leak_mode::shift;
    p.leak_shift = 3;
    p.v_bits = 10;
    p.reset = intlif::reset_mode::subtract;
    p.refractory = 1;
    p.bias = 1;
    std::int32_t v = 0;
    std::uint16_t ref = 0;
    int spikes = 0;
    for (int k = 0; k < 5000; ++k) {
        rng::stream r(1, static_cast<std::uint64_t>(k), 0);
        const auto x = static_cast<std::int32_t>(r.bits() % 61) - 20;
        const bool ref_spike = intlif::step(v, ref, x, p);
        const bool got = !n.step(static_cast<float>(x)).empty();
        REQUIRE(got == ref_spike);
        REQUIRE(n.get("V_m") == static_cast<double>(v));
        spikes += got;
    }
    CHECK(spikes > 100);
}
