// Compiled, never run: the integer profile must build as freestanding C++17 without exceptions, RTTI or a
// library, clean under -Wconversion -Wsign-conversion (tests/arith/arith.cmake runs the compilers). Every
// function of the three headers is instantiated, and a few values are checked at compile time.
#include "spikekit/arith/counter_rng.hpp"
#include "spikekit/arith/int_lif.hpp"
#include "spikekit/arith/int_stdp.hpp"

namespace {
using namespace spikekit;

constexpr bool lif_check() {
    intlif::params p;
    p.v_bits = 32;
    p.leak = intlif::leak_mode::linear;
    p.leak_value = 5;
    std::int32_t v = -2147483647 - 1;
    std::uint16_t ref = 0;
    intlif::step(v, ref, 0, p);
    return v == -2147483647 - 1 + 5 && intlif::valid(p);
}
static_assert(lif_check(), "linear leak of the most negative membrane");

constexpr bool stdp_check() {
    intstdp::params p;
    p.lut[30] = 3;
    return intstdp::valid(p) && intstdp::update(10, 0, 0u, p) == 13 && intstdp::decay(10, p) == 10;
}
static_assert(stdp_check(), "integer STDP");

constexpr bool rng_check() {
    rng::word_stream a(rng::make_key(1, 2), 3, 4), b(rng::make_key(1, 2), 3, 4);
    return a.bits() == b.bits() && a.bits() == b.bits() && a.bits() == b.bits();
}
static_assert(rng_check(), "counter-based words are a pure function of the counter");
} // namespace

extern "C" int spikekit_arith_freestanding(int v, int input, unsigned seed) {
    intlif::params p;
    std::int32_t x = v;
    std::uint16_t ref = 0;
    const bool spike = intlif::step(x, ref, input, p, 3, 100);
    rng::word_stream s(rng::make_key(seed, 7), 1, 2);
    intstdp::params q;
    const std::int16_t w =
        intstdp::update(intstdp::decay(static_cast<std::int16_t>(x & 0xff), q), 1, s.bits(), q);
    return spike ? w : -w;
}
