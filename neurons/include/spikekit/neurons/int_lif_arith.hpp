#pragma once
// The integer arithmetic profile of spikekit: one chip-style LIF step, bit-exact, no dependencies.
//
// This header is the single specification of integer neuron arithmetic. The simulation kernel
// (neurons/int_lif), the chip models (chips/) and the freestanding MCU runtime (runtime/) all include it,
// so they produce identical spikes for identical input. It is C++17, freestanding (no heap, no exceptions,
// no floating point), and uses only <cstdint>.
//
// One step of neuron i, in this order:
//   1. Refractory: if ref > 0, ref -= 1, the input of this step is discarded and nothing else happens.
//   2. Leak (leak_mode):
//        none      v unchanged
//        linear    v = v - leak_value toward zero (never crosses zero; leak_value >= 0)
//        shift     v = v - rdiv(v, 2^leak_shift)
//        multiply  v = rdiv(v * leak_mul, 2^leak_frac_bits)
//      where rdiv rounds toward zero (the one rounding rule of the profile).
//   3. Integrate: v = sat(v + input + bias), sat clamps to the signed range of v_bits bits.
//   4. Fire: if v >= threshold, spike; reset_mode zero -> v = reset_value, subtract -> v = sat(v - threshold),
//      none -> v unchanged; ref = refractory.
//   5. Floor: v = max(v, v_floor) (lower bound of the membrane, e.g. 0 for non-negative chips).
#include <cstdint>

namespace spikekit::intlif {

enum class leak_mode : std::uint8_t { none = 0, linear = 1, shift = 2, multiply = 3 };
enum class reset_mode : std::uint8_t { to_value = 0, subtract = 1, none = 2 };

struct params {
    std::int32_t threshold = 64;
    std::int32_t reset_value = 0;
    reset_mode reset = reset_mode::to_value;
    leak_mode leak = leak_mode::none;
    std::int32_t leak_value = 0;       // linear
    std::uint8_t leak_shift = 0;       // shift
    std::int32_t leak_mul = 0;         // multiply
    std::uint8_t leak_frac_bits = 0;   // multiply
    std::uint8_t v_bits = 16;          // membrane width, 2..32
    std::int32_t bias = 0;             // added every step
    std::uint16_t refractory = 0;      // steps
    std::int32_t v_floor = -2147483647 - 1;
};

// Division by 2^k rounding toward zero.
constexpr std::int64_t rdiv_pow2(std::int64_t x, unsigned k) noexcept {
    return x >= 0 ? (x >> k) : -((-x) >> k);
}

constexpr std::int32_t saturate(std::int64_t v, unsigned bits) noexcept {
    const std::int64_t hi = (std::int64_t{1} << (bits - 1)) - 1;
    const std::int64_t lo = -(std::int64_t{1} << (bits - 1));
    return static_cast<std::int32_t>(v > hi ? hi : (v < lo ? lo : v));
}

constexpr std::int32_t apply_leak(std::int32_t v, const params& p) noexcept {
    switch (p.leak) {
    case leak_mode::none: return v;
    case leak_mode::linear:
        if (v > 0) return v > p.leak_value ? v - p.leak_value : 0;
        return -v > p.leak_value ? v + p.leak_value : 0;
    case leak_mode::shift: return static_cast<std::int32_t>(v - rdiv_pow2(v, p.leak_shift));
    case leak_mode::multiply:
        return static_cast<std::int32_t>(rdiv_pow2(std::int64_t{v} * p.leak_mul, p.leak_frac_bits));
    }
    return v;
}

// One step; returns true on a spike.
constexpr bool step(std::int32_t& v, std::uint16_t& ref, std::int32_t input, const params& p) noexcept {
    if (ref > 0) {
        --ref;
        return false;
    }
    std::int64_t x = apply_leak(v, p);
    x = saturate(x + input + p.bias, p.v_bits);
    bool spike = false;
    if (x >= p.threshold) {
        spike = true;
        if (p.reset == reset_mode::to_value) x = p.reset_value;
        else if (p.reset == reset_mode::subtract) x = saturate(x - p.threshold, p.v_bits);
        ref = p.refractory;
    }
    if (x < p.v_floor) x = p.v_floor;
    v = static_cast<std::int32_t>(x);
    return spike;
}

} // namespace spikekit::intlif
