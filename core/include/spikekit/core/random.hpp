#pragma once
// Counter-based random numbers (CONVENTIONS.md #7).
//
// Philox4x32-10 (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3", SC'11): a keyed
// bijection of a 128-bit counter. A draw is a pure function of (seed, stream, id, step, index), so a run
// gives the same numbers whatever the number of threads or the order in which neurons are visited, and a
// resumed run needs no saved generator state: the step number is the position. The generator and the key
// derivation are the integer ones of spikekit/arith/counter_rng.hpp; this header adds the floating-point
// draws (uniform, normal, Poisson).
#include <array>
#include <cmath>
#include <cstdint>

#include "spikekit/arith/counter_rng.hpp"

namespace spikekit::rng {

using block = std::array<std::uint32_t, 4>;

inline block philox4x32(block ctr, std::uint64_t key64) noexcept {
    const words r = philox4x32_words({{ctr[0], ctr[1], ctr[2], ctr[3]}}, key64);
    return {r.w[0], r.w[1], r.w[2], r.w[3]};
}

// Uniform in (0, 1): never 0 so log() is safe, never 1.
inline double to_unit(std::uint32_t hi, std::uint32_t lo) noexcept {
    const std::uint64_t bits = (std::uint64_t{hi} << 21) ^ lo; // 53 random bits
    return (static_cast<double>(bits & ((1ull << 53) - 1)) + 0.5) * 0x1.0p-53;
}

// A stream of uniforms for one (key, id, step): four 32-bit words per Philox call, two per double.
class stream {
  public:
    stream(std::uint64_t key, std::uint64_t id, std::uint64_t step) noexcept
        : key_(key), id_(id), step_(step) {}

    double uniform() noexcept {
        if (pos_ >= 2) refill();
        const double u = to_unit(buf_[2 * pos_], buf_[2 * pos_ + 1]);
        ++pos_;
        return u;
    }
    std::uint32_t bits() noexcept {
        if (pos_ >= 2) refill();
        return buf_[2 * pos_++];
    }
    double normal() noexcept { // Box-Muller, one value per call (no cached pair: keeps position simple)
        const double u1 = uniform(), u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    // Poisson(lambda) by inversion of the CDF; lambda is small in every use here (events per step).
    std::uint32_t poisson(double lambda, double exp_minus_lambda) noexcept {
        if (lambda > 30.0) return poisson_large(lambda);
        double u = uniform();
        std::uint32_t k = 0;
        double p = exp_minus_lambda, cdf = p;
        while (u > cdf && k < 1000) {
            ++k;
            p *= lambda / k;
            cdf += p;
        }
        return k;
    }

  private:
    std::uint32_t poisson_large(double lambda) noexcept { // normal approximation with continuity correction
        const double x = lambda + std::sqrt(lambda) * normal() + 0.5;
        return x < 0.0 ? 0u : static_cast<std::uint32_t>(x);
    }
    void refill() noexcept {
        const words r = philox4x32_words(counter_of(id_, step_, n_++), key_);
        buf_ = {r.w[0], r.w[1], r.w[2], r.w[3]};
        pos_ = 0;
    }
    std::uint64_t key_, id_, step_;
    block buf_{};
    std::uint32_t n_ = 0; // blocks drawn so far (counter_of)
    unsigned pos_ = 2;
};

} // namespace spikekit::rng
