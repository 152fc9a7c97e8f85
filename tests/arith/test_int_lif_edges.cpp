// The integer LIF step at the edges of its range: every v_bits, every leak and reset mode, the extreme
// membranes, inputs, biases and thresholds. Run under UBSan in the sanitizer build, so an overflow anywhere
// in the step fails the test; every result is also checked against a 128-bit evaluation of the header's
// equations.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "spikekit/arith/int_lif.hpp"

using namespace spikekit;

namespace {
__extension__ typedef __int128 wide;

constexpr std::int32_t i32min = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t i32max = std::numeric_limits<std::int32_t>::max();

wide clamp_bits(wide x, unsigned bits) {
    const wide hi = (wide{1} << (bits - 1)) - 1, lo = -(wide{1} << (bits - 1));
    return x > hi ? hi : (x < lo ? lo : x);
}
wide toward_zero_div(wide x, unsigned k) { // x / 2^k rounded toward zero, by division
    return x / (wide{1} << k);
}

// The header's equations, written again in 128 bits.
bool reference_step(std::int32_t& v, std::uint16_t& ref, std::int32_t input, const intlif::params& p,
                    std::int32_t bias, std::int32_t threshold) {
    if (ref > 0) {
        --ref;
        return false;
    }
    wide x = v;
    switch (p.leak) {
    case intlif::leak_mode::none:
        break;
    case intlif::leak_mode::linear:
        x = x > 0 ? (x > p.leak_value ? x - p.leak_value : 0) : (-x > p.leak_value ? x + p.leak_value : 0);
        break;
    case intlif::leak_mode::shift:
        x = x - toward_zero_div(x, p.leak_shift);
        break;
    case intlif::leak_mode::multiply:
        x = toward_zero_div(x * p.leak_mul, p.leak_frac_bits);
        break;
    }
    x = clamp_bits(x + input + bias, p.v_bits);
    bool spike = x >= threshold;
    if (spike) {
        if (p.reset == intlif::reset_mode::to_value)
            x = p.reset_value;
        else if (p.reset == intlif::reset_mode::subtract)
            x = clamp_bits(x - threshold, p.v_bits);
        ref = p.refractory;
    }
    if (x < p.v_floor) x = p.v_floor;
    v = static_cast<std::int32_t>(x);
    return spike;
}

std::vector<std::int32_t> edges(unsigned bits) {
    const auto hi = static_cast<std::int32_t>(intlif::v_max(bits)),
               lo = static_cast<std::int32_t>(intlif::v_min(bits));
    return {i32min, i32min + 1, lo, lo + 1, -1, 0, 1, hi - 1, hi, i32max - 1, i32max};
}

struct leak_case {
    intlif::leak_mode mode;
    std::int32_t value, mul;
    std::uint8_t shift, frac;
};
const leak_case leaks[] = {
    {intlif::leak_mode::none, 0, 0, 0, 0},           {intlif::leak_mode::linear, 0, 0, 0, 0},
    {intlif::leak_mode::linear, 7, 0, 0, 0},         {intlif::leak_mode::linear, i32max, 0, 0, 0},
    {intlif::leak_mode::shift, 0, 0, 0, 0},          {intlif::leak_mode::shift, 0, 0, 1, 0},
    {intlif::leak_mode::shift, 0, 0, 31, 0},         {intlif::leak_mode::multiply, 0, i32min, 0, 0},
    {intlif::leak_mode::multiply, 0, i32max, 0, 0},  {intlif::leak_mode::multiply, 0, 3, 2, 0},
    {intlif::leak_mode::multiply, 0, i32max, 0, 31}, {intlif::leak_mode::multiply, 0, -5, 0, 31},
};
} // namespace

TEST_CASE("integer LIF step: every edge value, every width and mode, no overflow, as the 128-bit equations") {
    long cases = 0, mismatches = 0;
    for (unsigned bits = 2; bits <= 32; ++bits) {
        const auto vals = edges(bits);
        const auto hi = static_cast<std::int32_t>(intlif::v_max(bits)),
                   lo = static_cast<std::int32_t>(intlif::v_min(bits));
        for (const auto& lk : leaks)
            for (int reset = 0; reset <= 2; ++reset)
                for (std::int32_t threshold : {lo, 0, 1, hi}) {
                    intlif::params p;
                    p.v_bits = static_cast<std::uint8_t>(bits);
                    p.leak = lk.mode;
                    p.leak_value = lk.value;
                    p.leak_mul = lk.mul;
                    p.leak_shift = lk.shift;
                    p.leak_frac_bits = lk.frac;
                    p.reset = static_cast<intlif::reset_mode>(reset);
                    p.threshold = threshold;
                    p.reset_value = lo;
                    p.refractory = 1;
                    REQUIRE(intlif::valid(p));
                    for (std::int32_t v0 : vals)
                        for (std::int32_t input : {i32min, -1, 0, 1, i32max})
                            for (std::int32_t bias : {i32min, 0, i32max}) {
                                std::int32_t v = v0, w = v0;
                                std::uint16_t r = 0, rr = 0;
                                const bool s = intlif::step(v, r, input, p, bias, threshold);
                                const bool t = reference_step(w, rr, input, p, bias, threshold);
                                ++cases;
                                if (s != t || v != w || r != rr) ++mismatches;
                                // the membrane stays in its range (the floor is below it by default)
                                if (v > hi || v < lo) ++mismatches;
                            }
                }
    }
    CHECK(cases > 700000); // 31 widths x 12 leaks x 3 resets x 4 thresholds x 11 x 5 x 3
    CHECK(mismatches == 0);
}

TEST_CASE("integer LIF: the linear leak of the most negative 32-bit membrane moves it toward zero") {
    intlif::params p;
    p.v_bits = 32;
    p.threshold = i32max;
    p.leak = intlif::leak_mode::linear;
    p.leak_value = 1000;
    std::int32_t v = i32min;
    std::uint16_t ref = 0;
    CHECK_FALSE(intlif::step(v, ref, 0, p));
    CHECK(v == i32min + 1000); // was 0 when the leak negated v in 32 bits
    p.leak = intlif::leak_mode::shift;
    p.leak_shift = 1;
    v = i32min;
    intlif::step(v, ref, 0, p);
    CHECK(v == i32min / 2);
    p.leak = intlif::leak_mode::multiply; // (-2^31)(-2^31) saturates instead of wrapping
    p.leak_mul = i32min;
    p.leak_frac_bits = 0;
    v = i32min;
    CHECK(intlif::step(v, ref, 0, p));
    CHECK(v == p.reset_value);
}

TEST_CASE("integer LIF: valid() refuses what the profile cannot run, with a reason") {
    intlif::params p;
    CHECK(intlif::valid(p));
    auto refused = [](intlif::params q) { return intlif::invalid_reason(q) != nullptr; };
    p.v_bits = 1;
    CHECK(refused(p));
    p.v_bits = 33;
    CHECK(refused(p));
    p = {};
    p.leak_shift = 32;
    CHECK(refused(p));
    p = {};
    p.leak_frac_bits = 40;
    CHECK(refused(p));
    p = {};
    p.leak_value = -1;
    CHECK(refused(p));
    p = {};
    p.v_bits = 8;
    p.threshold = 128;
    CHECK(std::string(intlif::invalid_reason(p)).find("threshold") != std::string::npos);
    p.threshold = 127;
    CHECK(intlif::valid(p));
    p.reset_value = -129;
    CHECK(refused(p));
    p = {};
    p.v_bits = 8;
    p.v_floor = 128;
    CHECK(refused(p));
    p = {};
    p.leak = static_cast<intlif::leak_mode>(4);
    CHECK(refused(p));
}

TEST_CASE("integer LIF: per-neuron bias and threshold override the population's") {
    intlif::params p;
    p.threshold = 10;
    p.bias = 1;
    std::int32_t a = 0, b = 0;
    std::uint16_t ra = 0, rb = 0;
    int spikes_a = 0, spikes_b = 0;
    for (int k = 0; k < 20; ++k) {
        spikes_a += intlif::step(a, ra, 0, p);
        spikes_b += intlif::step(b, rb, 0, p, 4, 6);
    }
    CHECK(spikes_a == 2);  // every 10 steps
    CHECK(spikes_b == 10); // 4, 8 -> spike, 0, ...: every second step
}

namespace {
intlif::params leak_params(const leak_case& lk, unsigned bits, int reset, std::int32_t threshold) {
    intlif::params p;
    p.v_bits = static_cast<std::uint8_t>(bits);
    p.leak = lk.mode;
    p.leak_value = lk.value;
    p.leak_mul = lk.mul;
    p.leak_shift = lk.shift;
    p.leak_frac_bits = lk.frac;
    p.reset = static_cast<intlif::reset_mode>(reset);
    p.threshold = threshold;
    p.reset_value = static_cast<std::int32_t>(intlif::v_min(bits));
    p.refractory = 1;
    return p;
}
// Leaks whose multiply fits 32 bits at small widths too.
const leak_case small_leaks[] = {
    {intlif::leak_mode::multiply, 0, 15, 4, 0},
    {intlif::leak_mode::multiply, 0, -3, 1, 0},
    {intlif::leak_mode::multiply, 0, 40000, 16, 0},
    {intlif::leak_mode::shift, 0, 0, 4, 0},
};
} // namespace

TEST_CASE("integer LIF 32-bit form: equal to the 64-bit step wherever fits_32 admits it, at its bounds") {
    long cases = 0, admitted = 0, mismatches = 0;
    for (unsigned bits = 2; bits <= 32; ++bits) {
        const auto hi = static_cast<std::int32_t>(intlif::v_max(bits)),
                   lo = static_cast<std::int32_t>(intlif::v_min(bits));
        std::vector<leak_case> all(std::begin(leaks), std::end(leaks));
        all.insert(all.end(), std::begin(small_leaks), std::end(small_leaks));
        for (const auto& lk : all)
            for (int reset = 0; reset <= 2; ++reset)
                for (std::int32_t threshold : {lo, 0, 1, hi}) {
                    auto p = leak_params(lk, bits, reset, threshold);
                    REQUIRE(intlif::valid(p));
                    const std::int64_t max_thr = -std::int64_t{lo};
                    for (std::int64_t max_bias : {std::int64_t{0}, std::int64_t{1000}}) {
                        // the largest input bound the analysis admits, and one more
                        const std::int64_t max_in = 2147483647 - intlif::leak_bound(p) - max_bias;
                        if (!intlif::fits_32(p, max_in, max_bias, max_thr)) {
                            CHECK((bits == 32 || max_in < 0 || lk.mode == intlif::leak_mode::multiply));
                            continue;
                        }
                        ++admitted;
                        CHECK_FALSE(intlif::fits_32(p, max_in + 1, max_bias, max_thr));
                        const auto in_hi = static_cast<std::int32_t>(max_in);
                        const auto b_hi = static_cast<std::int32_t>(max_bias);
                        for (std::int32_t v0 : {lo, lo + 1, -1, 0, 1, hi - 1, hi})
                            for (std::int32_t input : {-in_hi, -in_hi + 1, -1, 0, 1, in_hi - 1, in_hi})
                                for (std::int32_t bias : {-b_hi, 0, b_hi})
                                    for (std::int32_t thr : {lo, 0, hi}) {
                                        std::int32_t v = v0, w = v0;
                                        std::uint16_t r = 0, rr = 0;
                                        const bool s = intlif::step(v, r, input, p, bias, thr);
                                        const bool t = intlif::step32(w, rr, input, p, bias, thr);
                                        ++cases;
                                        if (s != t || v != w || r != rr) ++mismatches;
                                    }
                    }
                }
    }
    CHECK(admitted > 1500);
    CHECK(cases > 500000);
    CHECK(mismatches == 0);
}

TEST_CASE("integer LIF 32-bit form: exhaustive over small membranes and inputs") {
    long mismatches = 0, cases = 0;
    for (unsigned bits = 2; bits <= 7; ++bits) {
        const auto hi = static_cast<std::int32_t>(intlif::v_max(bits)),
                   lo = static_cast<std::int32_t>(intlif::v_min(bits));
        for (const auto& lk : small_leaks)
            for (int reset = 0; reset <= 2; ++reset) {
                auto p = leak_params(lk, bits, reset, hi / 2);
                p.v_floor = lo / 2;
                REQUIRE(intlif::fits_32(p, 300, 3, -std::int64_t{lo}));
                for (std::int32_t v0 = lo; v0 <= hi; ++v0)
                    for (std::int32_t input = -300; input <= 300; ++input)
                        for (std::int32_t bias = -3; bias <= 3; bias += 3) {
                            std::int32_t v = v0, w = v0;
                            std::uint16_t r = 0, rr = 0;
                            const bool s = intlif::step(v, r, input, p, bias, p.threshold);
                            const bool t = intlif::step32(w, rr, input, p, bias, p.threshold);
                            ++cases;
                            if (s != t || v != w) ++mismatches;
                        }
            }
    }
    CHECK(cases > 1000000);
    CHECK(mismatches == 0);
}

TEST_CASE("integer LIF: still_membranes are exactly left alone without input") {
    long checked = 0, wrong = 0;
    std::vector<leak_case> all(std::begin(leaks), std::end(leaks));
    all.insert(all.end(), std::begin(small_leaks), std::end(small_leaks));
    for (unsigned bits = 2; bits <= 10; ++bits) {
        const auto hi = static_cast<std::int32_t>(intlif::v_max(bits)),
                   lo = static_cast<std::int32_t>(intlif::v_min(bits));
        for (const auto& lk : all)
            for (std::int32_t threshold : {lo, 0, 1, hi / 3, hi})
                for (std::int32_t floor : {i32min, lo / 2, 0}) {
                    auto p = leak_params(lk, bits, 0, threshold);
                    p.v_floor = floor;
                    const auto band = intlif::still_membranes(p, threshold, true);
                    CHECK(intlif::still_membranes(p, threshold, false).lo >
                          intlif::still_membranes(p, threshold, false).hi); // a bias moves every membrane
                    for (std::int32_t v0 = lo; v0 <= hi; ++v0) {
                        if (v0 < band.lo || v0 > band.hi) continue;
                        std::int32_t v = v0;
                        std::uint16_t r = 0;
                        ++checked;
                        if (intlif::step(v, r, 0, p) || v != v0) ++wrong;
                    }
                }
    }
    CHECK(checked > 20000);
    CHECK(wrong == 0);
}
