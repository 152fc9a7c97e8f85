// Spike bitmaps of the MCU runtime (engine.cpp, stdp.cpp): one bit per node, 32 per word.
#pragma once
#include <cstdint>

namespace spikekit::runtime::detail {

inline bool test_bit(const std::uint32_t* bits, std::uint32_t i) {
    return (bits[i >> 5] >> (i & 31u)) & 1u;
}
inline void set_bit(std::uint32_t* bits, std::uint32_t i) {
    bits[i >> 5] |= 1u << (i & 31u);
}

// f(k) for every set bit k in [first, first + count), ascending.
template <class F>
void for_each_set(const std::uint32_t* bits, std::uint32_t first, std::uint32_t count, F&& f) {
    const std::uint32_t end = first + count;
    std::uint32_t i = first;
    while (i < end) {
        std::uint32_t w = bits[i >> 5] >> (i & 31u);
        if (w == 0) { // nothing left in this word
            i = (i | 31u) + 1u;
            continue;
        }
        const auto skip = static_cast<std::uint32_t>(__builtin_ctz(w));
        i += skip;
        if (i >= end) return;
        f(i);
        ++i;
    }
}

} // namespace spikekit::runtime::detail
