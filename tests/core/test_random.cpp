#include <doctest/doctest.h>

#include <cmath>

#include "spikekit/core/random.hpp"
#include "random_batch.hpp" // private to core/

using namespace spikekit;

// Known-answer vectors of Philox4x32-10 from the Random123 distribution (kat_vectors).
TEST_CASE("philox4x32-10 matches the Random123 known answers") {
    auto a = rng::philox4x32({0, 0, 0, 0}, 0);
    CHECK(a == rng::block{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
    auto b = rng::philox4x32({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, 0xffffffffffffffffull);
    CHECK(b == rng::block{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
    auto c = rng::philox4x32({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, 0x299f31d0a4093822ull);
    CHECK(c == rng::block{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
}

TEST_CASE("a stream is a pure function of key, id and step") {
    rng::stream a(rng::make_key(7, 1), 42, 1000), b(rng::make_key(7, 1), 42, 1000), c(rng::make_key(7, 1), 43, 1000);
    const double a1 = a.uniform(), a2 = a.uniform(), a3 = a.uniform();
    CHECK(a1 == b.uniform());
    CHECK(a2 == b.uniform());
    CHECK(a3 == b.uniform());
    CHECK(a1 != c.uniform());
    CHECK(rng::make_key(7, 1) != rng::make_key(7, 2));
    CHECK(rng::make_key(7, 1) != rng::make_key(8, 1));
}

TEST_CASE("uniform, normal and Poisson draws have the right moments") {
    const int n = 200000;
    double su = 0, sn = 0, sn2 = 0, sp = 0, sp2 = 0;
    const double lambda = 2.0;
    for (int i = 0; i < n; ++i) {
        rng::stream r(rng::make_key(1, 0), static_cast<std::uint64_t>(i), 3);
        const double u = r.uniform();
        REQUIRE(u > 0.0);
        REQUIRE(u < 1.0);
        su += u;
        const double z = r.normal();
        sn += z;
        sn2 += z * z;
        const double k = r.poisson(lambda, std::exp(-lambda));
        sp += k;
        sp2 += k * k;
    }
    CHECK(su / n == doctest::Approx(0.5).epsilon(0.01));
    CHECK(sn / n == doctest::Approx(0.0).epsilon(0.01));
    CHECK(sn2 / n == doctest::Approx(1.0).epsilon(0.01));
    CHECK(sp / n == doctest::Approx(lambda).epsilon(0.01));
    CHECK(sp2 / n - (sp / n) * (sp / n) == doctest::Approx(lambda).epsilon(0.02));
}

TEST_CASE("batched draws are the scalar stream's draws") {
    const auto key = rng::make_key(99, 3);
    for (const std::uint64_t id0 : {std::uint64_t{0}, std::uint64_t{4090}, (std::uint64_t{1} << 32) - 5}) {
        double u[rng::lanes];
        rng::first_uniforms(key, id0, 12345, u);
        for (unsigned i = 0; i < rng::lanes; ++i) CHECK(u[i] == rng::stream(key, id0 + i, 12345).uniform());
    }
    for (const double lambda : {1e-4, 0.05, 2.0, 12.0}) {
        const rng::poisson_table table(lambda);
        REQUIRE(table.tabulated());
        double sum = 0;
        for (std::uint64_t id = 0; id < 20000; ++id) {
            rng::stream r(key, id, 7);
            const auto k = table.draw(key, id, 7);
            CHECK(k == r.poisson(lambda, std::exp(-lambda))); // same inversion, same u
            sum += k;
        }
        CHECK(sum / 20000 == doctest::Approx(lambda).epsilon(lambda < 0.01 ? 0.5 : 0.05));
    }
    CHECK_FALSE(rng::poisson_table(50.0).tabulated());
}
