#include "learning_report.hpp"

#include <algorithm>
#include <cstdio>

namespace spikekit::app {
namespace {

std::string counts(const std::vector<std::size_t>& h) {
    std::string s;
    for (auto c : h) s += (s.empty() ? "" : " ") + std::to_string(c);
    return s;
}

} // namespace

void print_weights(const std::vector<weight_change>& changes) {
    for (const auto& c : changes) {
        std::printf("learned    %s: %zu weights, mean %.4g -> %.4g\n", c.projection.c_str(), c.count,
                    c.mean_before, c.mean_after);
        std::printf("           histogram over [%.4g, %.4g] in %zu bins: before %s, after %s\n", c.lo, c.hi,
                    weight_histogram_bins, counts(c.before).c_str(), counts(c.after).c_str());
    }
}

} // namespace spikekit::app
