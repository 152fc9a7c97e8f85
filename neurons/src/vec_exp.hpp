#pragma once
// exp(x) written so that a loop calling it vectorizes (no libm call, no branch): range reduction
// x = k ln2 + r with |r| <= ln2/2, a degree-13 Taylor polynomial for e^r (truncation < 1e-17 relative), and
// 2^k assembled from bits. Relative error within a few ulp of std::exp for |x| <= 700 (tested); arguments
// are clamped to that range, which covers every use here (propagators of a step).
#include <algorithm>
#include <bit>
#include <cstdint>

namespace spikekit::neurons {

inline double vec_exp(double x) noexcept {
    constexpr double log2e = 1.4426950408889634074;
    constexpr double ln2_hi = 0.693147180369123816490; // ln2 split so k * ln2_hi is exact
    constexpr double ln2_lo = 1.90821492927058770002e-10;
    constexpr double shifter =
        6755399441055744.0; // 1.5 * 2^52: adding it rounds to an integer in the low bits
    x = std::clamp(x, -700.0, 700.0);
    const double t = x * log2e + shifter;
    const double kd = t - shifter;
    const std::int64_t k = std::bit_cast<std::int64_t>(t) - std::bit_cast<std::int64_t>(shifter);
    const double r = (x - kd * ln2_hi) - kd * ln2_lo;
    double p = 1.0 / 6227020800.0; // 1/13!
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    return p * std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
}

} // namespace spikekit::neurons
