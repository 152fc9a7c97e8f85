#pragma once
// What a plastic run learned, reported by `spikekit run` at its end: for every plastic projection, its
// weights before and after the run (count, means, a 10-bin histogram of each over the common range). This
// is the figure of merit of the learning examples: Song 2000's bimodal distribution, the reward example's
// volley weights rising while the background falls.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spikekit/core/simulation.hpp"

namespace spikekit::app {

struct weight_change {
    std::string projection;
    std::size_t count = 0;
    double mean_before = 0, mean_after = 0, lo = 0, hi = 0;
    std::vector<std::size_t> before, after; // histograms, 10 equal bins over [lo, hi]
};

std::vector<weight_change> compare_weights(const std::vector<projection_weights>& before,
                                           const std::vector<projection_weights>& after);
nlohmann::json weights_json(const std::vector<weight_change>& changes);
void print_weights(const std::vector<weight_change>& changes);

} // namespace spikekit::app
