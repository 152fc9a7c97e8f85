#include "learning_report.hpp"

#include <algorithm>
#include <cstdio>

namespace spikekit::app {
namespace {

constexpr std::size_t bins = 10;

std::vector<std::size_t> histogram(const std::vector<float>& w, double lo, double hi) {
    std::vector<std::size_t> h(bins, 0);
    const double width = hi > lo ? (hi - lo) / bins : 1.0;
    for (float v : w)
        h[std::min(bins - 1,
                   static_cast<std::size_t>(std::max(0.0, (static_cast<double>(v) - lo) / width)))]++;
    return h;
}

double mean(const std::vector<float>& w) {
    double s = 0;
    for (float v : w) s += static_cast<double>(v);
    return w.empty() ? 0.0 : s / static_cast<double>(w.size());
}

std::string counts(const std::vector<std::size_t>& h) {
    std::string s;
    for (auto c : h) s += (s.empty() ? "" : " ") + std::to_string(c);
    return s;
}

} // namespace

std::vector<weight_change> compare_weights(const std::vector<projection_weights>& before,
                                           const std::vector<projection_weights>& after) {
    std::vector<weight_change> out;
    for (const auto& a : after) {
        const auto b = std::find_if(before.begin(), before.end(), [&](const projection_weights& p) {
            return p.projection == a.projection;
        });
        const std::vector<float>& w0 = b != before.end() ? b->weight : a.weight;
        weight_change c{a.projection, a.weight.size(), mean(w0), mean(a.weight), 0, 0, {}, {}};
        if (!a.weight.empty()) {
            const auto [lo1, hi1] = std::minmax_element(a.weight.begin(), a.weight.end());
            c.lo = std::min(0.0, static_cast<double>(*lo1));
            c.hi = *hi1;
            for (float v : w0)
                c.lo = std::min(c.lo, static_cast<double>(v)), c.hi = std::max(c.hi, static_cast<double>(v));
        }
        c.before = histogram(w0, c.lo, c.hi);
        c.after = histogram(a.weight, c.lo, c.hi);
        out.push_back(std::move(c));
    }
    return out;
}

nlohmann::json weights_json(const std::vector<weight_change>& changes) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& c : changes)
        j[c.projection] = {{"synapses", c.count},          {"mean_before", c.mean_before},
                           {"mean_after", c.mean_after},   {"histogram_range", {c.lo, c.hi}},
                           {"histogram_before", c.before}, {"histogram_after", c.after}};
    return j;
}

void print_weights(const std::vector<weight_change>& changes) {
    for (const auto& c : changes) {
        std::printf("learned    %s: %zu weights, mean %.4g -> %.4g\n", c.projection.c_str(), c.count,
                    c.mean_before, c.mean_after);
        std::printf("           histogram over [%.4g, %.4g] in %zu bins: before %s, after %s\n", c.lo, c.hi,
                    bins, counts(c.before).c_str(), counts(c.after).c_str());
    }
}

} // namespace spikekit::app
