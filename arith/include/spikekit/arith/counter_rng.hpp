#pragma once
// Integer-only counter-based random words: Philox4x32-10 (Salmon et al. 2011, "Parallel random numbers:
// as easy as 1, 2, 3", SC'11), a keyed bijection of a 128-bit counter.
//
// This is the generator of the whole project (core/random.hpp builds its doubles, normals and Poisson
// draws on it); this header holds only its integer part, so the chip models and the freestanding MCU
// runtime draw exactly the words the kernel draws (the integer STDP rule's rounding bits). C++17,
// freestanding, only <cstdint>.
#include <cstdint>

namespace spikekit::rng {

struct words {
    std::uint32_t w[4];
};

constexpr words philox4x32_words(words ctr, std::uint64_t key64) noexcept {
    constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
    constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
    auto k0 = static_cast<std::uint32_t>(key64);
    auto k1 = static_cast<std::uint32_t>(key64 >> 32);
    for (int round = 0; round < 10; ++round) {
        const std::uint64_t p0 = std::uint64_t{m0} * ctr.w[0];
        const std::uint64_t p1 = std::uint64_t{m1} * ctr.w[2];
        ctr = {{static_cast<std::uint32_t>(p1 >> 32) ^ ctr.w[1] ^ k0, static_cast<std::uint32_t>(p1),
                static_cast<std::uint32_t>(p0 >> 32) ^ ctr.w[3] ^ k1, static_cast<std::uint32_t>(p0)}};
        k0 += w0;
        k1 += w1;
    }
    return ctr;
}

// Key from (seed, stream): streams separate uses (connectivity of projection 3, initial V of population 1,
// Poisson input 2, ...).
constexpr std::uint64_t make_key(std::uint64_t seed, std::uint32_t stream) noexcept {
    std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + (std::uint64_t{stream} << 1 | 1u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// The counter block of draw block `n` of one (id, step): successive blocks of one (id, step) differ in the
// top word by 0x10000, which keeps them distinct from neighbouring steps.
constexpr words counter_of(std::uint64_t id, std::uint64_t step, std::uint32_t n) noexcept {
    return {{static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(id >> 32),
             static_cast<std::uint32_t>(step), static_cast<std::uint32_t>(step >> 32) + n * 0x10000u}};
}

// The 32-bit words of one (key, id, step), in the order core/random.hpp's stream::bits() returns them:
// words 0 and 2 of each block (its doubles use the pairs (0, 1) and (2, 3); a word draw takes one pair's
// first word, so word and double draws can be mixed on one stream).
class word_stream {
  public:
    constexpr word_stream(std::uint64_t key, std::uint64_t id, std::uint64_t step) noexcept
        : key_(key), id_(id), step_(step) {}
    constexpr std::uint32_t bits() noexcept {
        if (pos_ >= 2) {
            buf_ = philox4x32_words(counter_of(id_, step_, n_++), key_);
            pos_ = 0;
        }
        return buf_.w[2 * pos_++];
    }

  private:
    std::uint64_t key_, id_, step_;
    words buf_{};
    std::uint32_t n_ = 0;
    unsigned pos_ = 2;
};

} // namespace spikekit::rng
