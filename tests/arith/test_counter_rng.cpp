// The integer generator of spikekit::arith is the kernel's: its words equal core/random.hpp's stream bits,
// and the doubles of the kernel's stream come from the same blocks.
#include <doctest/doctest.h>

#include "spikekit/arith/counter_rng.hpp"
#include "spikekit/core/random.hpp"

using namespace spikekit;

TEST_CASE("counter_rng: word_stream gives the kernel stream's words, block after block") {
    for (std::uint64_t seed : {0ull, 1ull, 12345ull, ~0ull})
        for (std::uint64_t id : {0ull, 7ull, (1ull << 40) + 3}) {
            const auto key = rng::make_key(seed, 5);
            rng::word_stream w(key, id, 99);
            rng::stream s(key, id, 99);
            for (int k = 0; k < 9; ++k) CHECK(w.bits() == s.bits());
        }
}

TEST_CASE("counter_rng: Philox4x32-10 known-answer vectors") {
    // Random123's published known-answer test for philox4x32_10 (kat_vectors): counter and key all zero,
    // and all ones.
    const rng::words z = rng::philox4x32_words({{0, 0, 0, 0}}, 0);
    CHECK(z.w[0] == 0x6627e8d5u);
    CHECK(z.w[1] == 0xe169c58du);
    CHECK(z.w[2] == 0xbc57ac4cu);
    CHECK(z.w[3] == 0x9b00dbd8u);
    const rng::words f = rng::philox4x32_words({{~0u, ~0u, ~0u, ~0u}}, ~0ull);
    CHECK(f.w[0] == 0x408f276du);
    CHECK(f.w[1] == 0x41c83b0eu);
    CHECK(f.w[2] == 0xa20bc7c6u);
    CHECK(f.w[3] == 0x6d5451fdu);
}
