#pragma once
// The integer arithmetic of on-chip STDP: one weight update, bit-exact, no dependencies.
//
// This header is the single specification of integer learning, in the manner of
// spikekit/arith/int_lif.hpp: the simulation kernel (learning/stdp_int), the chip models and the MCU
// runtime include it and produce identical weights from identical spikes and random bits (the words of
// spikekit/arith/counter_rng.hpp). C++17, freestanding (no heap, no exceptions, no floating point), only
// <cstdint>.
//
// Model (a learning core as PAICORE's online cores run it; see notes/chips.md §1.3: 60-entry learning LUT,
// 8-bit upper/lower weight registers, 8-bit weight-decay register, 16-bit random seed):
//   * weights are integers of `weight_bits` bits (1..8), signed or unsigned, held in [w_min, w_max];
//   * time is counted in steps; each synapse remembers nothing but its weight: the last arrival step of
//     each presynaptic slot and the last spike step of each postsynaptic neuron are the "traces"
//     (nearest-spike interaction, as a chip with one timestamp per axon and neuron can do);
//   * the STDP window is a lookup table over the integer time difference dt = t_post - t_pre (steps):
//     entry k holds the change for dt = lut_first + k, as a fixed-point number with frac_bits fractional
//     bits, in weight LSBs; dt outside the table changes nothing;
//   * the fixed-point change is rounded stochastically (round up with probability equal to the fraction,
//     decided by the low frac_bits of a random word), so the expected change equals the table value;
//   * weight decay moves a weight toward zero by `decay` LSB per decay event (never past zero, never
//     outside the bounds).
// When a postsynaptic neuron spikes at t_post, each of its synapses whose slot last received a spike at t_pre
// changes by lut(t_post - t_pre) (dt >= 0); when a spike arrives at a slot at t_pre, each of its synapses
// whose neuron last spiked at t_post changes by lut(t_post - t_pre) (dt < 0).
#include <cstdint>

namespace spikekit::intstdp {

inline constexpr unsigned lut_capacity = 64; // PAICORE online cores use 60 entries

struct params {
    std::uint8_t weight_bits = 8; // 1..8
    bool is_signed = false;
    std::int16_t w_min = 0, w_max = 255; // inclusive, inside the representable range
    std::int16_t lut_first = -30;        // dt (steps) of lut[0]
    std::uint8_t lut_len = 60;           // <= lut_capacity
    std::uint8_t frac_bits = 0;          // 0..15
    std::int16_t lut[lut_capacity] = {}; // change for dt = lut_first + k, in 2^-frac_bits LSB
    std::uint8_t decay = 0;              // LSB per decay event
};

constexpr std::int32_t representable_min(std::uint8_t bits, bool is_signed) noexcept {
    return is_signed ? -(std::int32_t{1} << (bits - 1)) : 0;
}
constexpr std::int32_t representable_max(std::uint8_t bits, bool is_signed) noexcept {
    return is_signed ? (std::int32_t{1} << (bits - 1)) - 1 : (std::int32_t{1} << bits) - 1;
}

// Why a parameter set is outside the rule, or nullptr when it is valid (the kernel's stdp_int, the chip
// loaders and the MCU exporter refuse with this text).
constexpr const char* invalid_reason(const params& p) noexcept {
    if (p.weight_bits < 1 || p.weight_bits > 8) return "weight_bits must be in 1..8";
    if (p.lut_len > lut_capacity) return "the learning table holds at most 64 entries";
    if (p.frac_bits > 15) return "frac_bits must be in 0..15";
    if (p.w_min > p.w_max) return "w_min must not exceed w_max";
    if (p.w_min < representable_min(p.weight_bits, p.is_signed) ||
        p.w_max > representable_max(p.weight_bits, p.is_signed))
        return "the weight bounds do not fit in weight_bits";
    return nullptr;
}
constexpr bool valid(const params& p) noexcept {
    return invalid_reason(p) == nullptr;
}

// Table entry for a time difference in steps; 0 outside the table.
constexpr std::int32_t lut_value(const params& p, std::int64_t dt) noexcept {
    const std::int64_t k = dt - p.lut_first;
    return (k < 0 || k >= p.lut_len) ? 0 : p.lut[static_cast<unsigned>(k)];
}

// Stochastic rounding of x / 2^f: floor(x / 2^f) plus 1 with probability frac / 2^f, decided by comparing
// the low f bits of `random` with the fraction. Written without shifting negative numbers (C++17 leaves
// that implementation-defined).
constexpr std::int32_t round_stochastic(std::int32_t x, unsigned f, std::uint32_t random) noexcept {
    if (f == 0) return x;
    const std::int32_t one = std::int32_t{1} << f;
    const std::int32_t q = x >= 0 ? x / one : -((-x + one - 1) / one); // floor
    const std::int32_t frac = x - q * one;                             // in [0, 2^f)
    const auto r = static_cast<std::int32_t>(random & static_cast<std::uint32_t>(one - 1));
    return q + (r < frac ? 1 : 0);
}

constexpr std::int16_t clamp(std::int32_t w, const params& p) noexcept {
    return static_cast<std::int16_t>(w < p.w_min ? p.w_min : (w > p.w_max ? p.w_max : w));
}

// One STDP update of weight w for time difference dt = t_post - t_pre (steps).
constexpr std::int16_t update(std::int16_t w, std::int64_t dt, std::uint32_t random,
                              const params& p) noexcept {
    const std::int32_t x = lut_value(p, dt);
    if (x == 0) return w;
    return clamp(w + round_stochastic(x, p.frac_bits, random), p);
}

// One decay event: toward zero by p.decay, not past zero, then within the bounds.
constexpr std::int16_t decay(std::int16_t w, const params& p) noexcept {
    const std::int32_t d = p.decay;
    const std::int32_t v = w > 0 ? (w > d ? w - d : 0) : (-w > d ? w + d : 0);
    return clamp(v, p);
}

} // namespace spikekit::intstdp
