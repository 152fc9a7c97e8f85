#pragma once
// The integer arithmetic profile of spikekit: one chip-style LIF step, bit-exact, no dependencies.
//
// This header is the single specification of integer neuron arithmetic. The simulation kernel
// (neurons/int_lif), the chip models (chips/) and the freestanding MCU runtime (runtime/) all include it,
// so they produce identical spikes for identical input. It is C++17, freestanding (no heap, no exceptions,
// no floating point, no library beyond <cstdint>), and clean under -Wconversion -Wsign-conversion.
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
//   4. Fire: if v >= threshold, spike; reset_mode zero -> v = reset_value, subtract -> v = sat(v -
//   threshold),
//      none -> v unchanged; ref = refractory.
//   5. Floor: v = max(v, v_floor) (lower bound of the membrane, e.g. 0 for non-negative chips).
// Every intermediate is computed in 64 bits, so no step overflows for any 32-bit v, input, bias or
// threshold (tests/arith/test_int_lif_edges.cpp runs the edge values under UBSan).
//
// Per-neuron bias and threshold (a chip's neuron RAM, a converted layer's biases) use the 6-argument step;
// the 4-argument step takes them from params.
#include <cstdint>

namespace spikekit::intlif {

enum class leak_mode : std::uint8_t { none = 0, linear = 1, shift = 2, multiply = 3 };
enum class reset_mode : std::uint8_t { to_value = 0, subtract = 1, none = 2 };

struct params {
    std::int32_t threshold = 64;
    std::int32_t reset_value = 0;
    reset_mode reset = reset_mode::to_value;
    leak_mode leak = leak_mode::none;
    std::int32_t leak_value = 0;     // linear
    std::uint8_t leak_shift = 0;     // shift
    std::int32_t leak_mul = 0;       // multiply
    std::uint8_t leak_frac_bits = 0; // multiply
    std::uint8_t v_bits = 16;        // membrane width, 2..32
    std::int32_t bias = 0;           // added every step
    std::uint16_t refractory = 0;    // steps
    std::int32_t v_floor = -2147483647 - 1;
};

// Largest and smallest membrane value of a v_bits-bit membrane (bits in 1..32).
constexpr std::int64_t v_max(unsigned bits) noexcept {
    return (std::int64_t{1} << (bits - 1u)) - 1;
}
constexpr std::int64_t v_min(unsigned bits) noexcept {
    return -(std::int64_t{1} << (bits - 1u));
}

// Why a parameter set is outside the profile, or nullptr when it is valid. The kernel's lif_int model,
// the chip loaders and the MCU exporter refuse what this refuses, with this text.
constexpr const char* invalid_reason(const params& p) noexcept {
    if (p.v_bits < 2 || p.v_bits > 32) return "v_bits must be in 2..32";
    if (static_cast<unsigned>(p.leak) > 3u)
        return "leak_mode must be 0 (none), 1 (linear), 2 (shift) or 3 (multiply)";
    if (static_cast<unsigned>(p.reset) > 2u)
        return "reset_mode must be 0 (to value), 1 (subtract) or 2 (none)";
    if (p.leak_value < 0) return "leak_value must be >= 0";
    if (p.leak_shift > 31) return "leak_shift must be in 0..31";
    if (p.leak_frac_bits > 31) return "leak_frac_bits must be in 0..31";
    if (p.threshold < v_min(p.v_bits) || p.threshold > v_max(p.v_bits))
        return "threshold does not fit in the membrane's v_bits";
    if (p.reset_value < v_min(p.v_bits) || p.reset_value > v_max(p.v_bits))
        return "reset_value does not fit in the membrane's v_bits";
    if (p.v_floor > v_max(p.v_bits)) return "v_floor is above the largest membrane value";
    return nullptr;
}
constexpr bool valid(const params& p) noexcept {
    return invalid_reason(p) == nullptr;
}

// Division by 2^k rounding toward zero (k <= 62; |x| < 2^63), in the width T of the caller.
template <class T>
constexpr T rdiv_pow2_t(T x, unsigned k) noexcept {
    return x >= 0 ? static_cast<T>(x >> k) : static_cast<T>(-((-x) >> k));
}
constexpr std::int64_t rdiv_pow2(std::int64_t x, unsigned k) noexcept {
    return rdiv_pow2_t<std::int64_t>(x, k);
}

constexpr std::int32_t saturate(std::int64_t v, unsigned bits) noexcept {
    const std::int64_t hi = v_max(bits), lo = v_min(bits);
    return static_cast<std::int32_t>(v > hi ? hi : (v < lo ? lo : v));
}

// The leak of step 2 in width T: 64 bits in step() (the linear leak of v = -2^31 is representable there),
// 32 bits in step32() where fits_32 proves it equal.
template <class T>
constexpr T apply_leak_t(T v, const params& p) noexcept {
    switch (p.leak) {
    case leak_mode::none:
        return v;
    case leak_mode::linear:
        if (v > 0) return v > p.leak_value ? static_cast<T>(v - p.leak_value) : T{0};
        return -v > p.leak_value ? static_cast<T>(v + p.leak_value) : T{0};
    case leak_mode::shift:
        return static_cast<T>(v - rdiv_pow2_t<T>(v, p.leak_shift));
    case leak_mode::multiply:
        return rdiv_pow2_t<T>(static_cast<T>(v * p.leak_mul), p.leak_frac_bits);
    }
    return v;
}
constexpr std::int64_t apply_leak(std::int64_t v, const params& p) noexcept {
    return apply_leak_t<std::int64_t>(v, p);
}

// One step with this neuron's bias and threshold; returns true on a spike.
constexpr bool step(std::int32_t& v, std::uint16_t& ref, std::int32_t input, const params& p,
                    std::int32_t bias, std::int32_t threshold) noexcept {
    if (ref > 0) {
        --ref;
        return false;
    }
    std::int64_t x = saturate(apply_leak(v, p) + input + bias, p.v_bits);
    bool spike = false;
    if (x >= threshold) {
        spike = true;
        if (p.reset == reset_mode::to_value)
            x = p.reset_value;
        else if (p.reset == reset_mode::subtract)
            x = saturate(x - threshold, p.v_bits);
        ref = p.refractory;
    }
    if (x < p.v_floor) x = p.v_floor;
    v = static_cast<std::int32_t>(x);
    return spike;
}

// One step with the population's bias and threshold.
constexpr bool step(std::int32_t& v, std::uint16_t& ref, std::int32_t input, const params& p) noexcept {
    return step(v, ref, input, p, p.bias, p.threshold);
}

// ---- The 32-bit form ----------------------------------------------------------------------------------
// On a 32-bit core every 64-bit intermediate above costs register pairs and carries. When the parameters
// and the largest input a neuron can receive bound every intermediate below 2^31, the same equations in
// 32 bits give the same result bit for bit. fits_32 is that range analysis; step32 is only called where it
// holds (the MCU exporter decides per population; tests/arith checks step32 against step at the bounds).
//
// Bounds, with V = 2^(v_bits - 1) (the membrane stays in [-V, V - 1] after every step, and an exported
// initial membrane is saturated into it): v_bits <= 31; the leak's result is at most V in magnitude (none,
// linear, shift) or (V |leak_mul|) / 2^leak_frac_bits (multiply, whose product V |leak_mul| must itself fit);
// leak + input + bias must fit, and so must x - threshold (subtract reset).

// Largest magnitude of apply_leak over the membrane range of p.
constexpr std::int64_t leak_bound(const params& p) noexcept {
    const std::int64_t V = -v_min(p.v_bits);
    if (p.leak != leak_mode::multiply) return V;
    const std::int64_t m = p.leak_mul < 0 ? -std::int64_t{p.leak_mul} : p.leak_mul;
    return (V * m) >> p.leak_frac_bits;
}

// True when step32 equals step for every membrane of the v_bits range, every |input| <= max_input, every
// |bias| <= max_bias and every |threshold| <= max_threshold (all >= 0).
constexpr bool fits_32(const params& p, std::int64_t max_input, std::int64_t max_bias,
                       std::int64_t max_threshold) noexcept {
    constexpr std::int64_t lim = 2147483647;
    if (!valid(p) || p.v_bits > 31 || max_input < 0 || max_bias < 0 || max_threshold < 0) return false;
    if (max_input > lim || max_bias > lim || max_threshold > lim) return false;
    const std::int64_t V = -v_min(p.v_bits);
    if (p.leak == leak_mode::multiply) {
        const std::int64_t m = p.leak_mul < 0 ? -std::int64_t{p.leak_mul} : p.leak_mul;
        if (V * m > lim) return false;
    }
    return leak_bound(p) + max_input + max_bias <= lim && V - 1 + max_threshold <= lim;
}

// step() in 32 bits: the same result for every argument fits_32 admits.
constexpr bool step32(std::int32_t& v, std::uint16_t& ref, std::int32_t input, const params& p,
                      std::int32_t bias, std::int32_t threshold) noexcept {
    if (ref > 0) {
        --ref;
        return false;
    }
    const std::int32_t hi = static_cast<std::int32_t>(v_max(p.v_bits)), lo = -hi - 1;
    std::int32_t x = apply_leak_t<std::int32_t>(v, p) + input + bias;
    x = x > hi ? hi : (x < lo ? lo : x);
    bool spike = false;
    if (x >= threshold) {
        spike = true;
        if (p.reset == reset_mode::to_value) {
            x = p.reset_value;
        } else if (p.reset == reset_mode::subtract) {
            x -= threshold;
            x = x > hi ? hi : (x < lo ? lo : x);
        }
        ref = p.refractory;
    }
    if (x < p.v_floor) x = p.v_floor;
    v = x;
    return spike;
}

// The membranes a neuron keeps without input: for v in [lo, hi], ref == 0 and input 0, step() leaves v
// unchanged and does not spike (so a runtime may skip it). Empty (lo > hi) when a bias moves it.
// `min_threshold` is the smallest threshold of the neurons concerned, `bias_zero` whether all biases are 0.
struct still_range {
    std::int32_t lo, hi;
};
constexpr still_range still_membranes(const params& p, std::int32_t min_threshold, bool bias_zero) noexcept {
    if (!bias_zero || !valid(p)) return {1, 0};
    std::int64_t lo = v_min(p.v_bits), hi = v_max(p.v_bits);
    switch (p.leak) {
    case leak_mode::none:
        break;
    case leak_mode::linear: // moves every v != 0 unless leak_value == 0
        if (p.leak_value != 0) lo = hi = 0;
        break;
    case leak_mode::shift: // v - rdiv(v, 2^s) == v  <=>  |v| < 2^s (s >= 1); s == 0 empties v
        if (p.leak_shift == 0) {
            lo = hi = 0;
        } else if (p.leak_shift < 32) {
            const std::int64_t b = (std::int64_t{1} << p.leak_shift) - 1;
            lo = lo > -b ? lo : -b;
            hi = hi < b ? hi : b;
        }
        break;
    case leak_mode::multiply: // only 0 is certain to stay
        lo = hi = 0;
        break;
    }
    if (lo < p.v_floor) lo = p.v_floor; // below the floor, the step raises v
    if (hi > std::int64_t{min_threshold} - 1) hi = std::int64_t{min_threshold} - 1; // at threshold it spikes
    if (lo > hi) return {1, 0};
    return {static_cast<std::int32_t>(lo), static_cast<std::int32_t>(hi)};
}

} // namespace spikekit::intlif
