#pragma once
// Batched counter-based draws: the numbers of rng::stream for many consecutive ids at once, written as
// plain loops over lanes so the compiler turns them into SIMD code (Philox needs only 32x32->64
// multiplies, xor and add). Used where every neuron draws every step (Poisson drive), where one scalar
// Philox call per neuron and step would dominate the run time.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "spikekit/core/random.hpp"

namespace spikekit::rng {

constexpr unsigned lanes = 16;

// u[i] = stream(key, id0 + i, step).uniform() (the first draw of that stream), for every i < lanes.
inline void first_uniforms(std::uint64_t key, std::uint64_t id0, std::uint64_t step, double* u) noexcept {
    constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
    constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
    std::uint32_t c0[lanes], c1[lanes], c2[lanes], c3[lanes];
    for (unsigned i = 0; i < lanes; ++i) {
        const std::uint64_t id = id0 + i;
        c0[i] = static_cast<std::uint32_t>(id);
        c1[i] = static_cast<std::uint32_t>(id >> 32);
        c2[i] = static_cast<std::uint32_t>(step);
        c3[i] = static_cast<std::uint32_t>(step >> 32);
    }
    auto k0 = static_cast<std::uint32_t>(key);
    auto k1 = static_cast<std::uint32_t>(key >> 32);
    for (int round = 0; round < 10; ++round) {
        for (unsigned i = 0; i < lanes; ++i) {
            const std::uint64_t p0 = std::uint64_t{m0} * c0[i];
            const std::uint64_t p1 = std::uint64_t{m1} * c2[i];
            const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1[i] ^ k0;
            const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3[i] ^ k1;
            c1[i] = static_cast<std::uint32_t>(p1);
            c3[i] = static_cast<std::uint32_t>(p0);
            c0[i] = n0;
            c2[i] = n2;
        }
        k0 += w0;
        k1 += w1;
    }
    for (unsigned i = 0; i < lanes; ++i) u[i] = to_unit(c0[i], c1[i]);
}

// Poisson(lambda) by inversion against a precomputed CDF: k = #{j : u > cdf_j}, the same k as
// stream::poisson's sequential search for the same u, but branch-free and vectorizable over lanes.
// The table stops where the CDF no longer grows in double precision, so it is exact for every u < 1
// when lambda is small (it is events per step here); larger lambda falls back to stream::poisson.
class poisson_table {
  public:
    explicit poisson_table(double lambda) : lambda_(lambda), exp_minus_(std::exp(-lambda)) {
        if (lambda > 30.0) return;
        double p = exp_minus_, cdf = p;
        cdf_.push_back(cdf);
        for (std::uint32_t k = 1; k < 1000; ++k) {
            p *= lambda / k;
            const double next = cdf + p;
            if (next == cdf || next >= 1.0) break;
            cdf = next;
            cdf_.push_back(cdf);
        }
    }
    bool tabulated() const noexcept { return !cdf_.empty(); }
    double lambda() const noexcept { return lambda_; }

    std::uint32_t operator()(double u) const noexcept {
        std::uint32_t k = 0;
        for (const double c : cdf_) k += u > c;
        return k;
    }
    // k[i] for u[i], i < lanes.
    void lanes_of(const double* u, std::uint32_t* k) const noexcept {
        for (unsigned i = 0; i < lanes; ++i) k[i] = 0;
        for (const double c : cdf_)
            for (unsigned i = 0; i < lanes; ++i) k[i] += u[i] > c;
    }
    // One draw for (key, id, step), whatever lambda.
    std::uint32_t draw(std::uint64_t key, std::uint64_t id, std::uint64_t step) const noexcept {
        stream r(key, id, step);
        return tabulated() ? (*this)(r.uniform()) : r.poisson(lambda_, exp_minus_);
    }

  private:
    double lambda_, exp_minus_;
    std::vector<double> cdf_;
};

} // namespace spikekit::rng
