// Adaptive threshold and synaptic normalization (homeostasis.hpp).
#include <cmath>
#include <limits>

#include "spikekit/learning/homeostasis.hpp"

namespace spikekit::learning {
namespace {
constexpr param_info threshold_params[] = {
    {"theta_plus", "mV", 0.05, 0.0, unbounded, "threshold increase per spike (Diehl & Cook 2015: 0.05 mV)"},
    {"tau_theta", "ms", 1e7, 0.0, unbounded, "decay time constant of theta (Diehl & Cook 2015: 1e7 ms)",
     false, true},
};
} // namespace

std::span<const param_info> adaptive_threshold::params() {
    return threshold_params;
}

adaptive_threshold::adaptive_threshold(const param_map& p, std::uint32_t n)
    : theta_(n, 0.0), t_last_(n, 0.0), theta_plus_(p.at("theta_plus")), tau_(p.at("tau_theta")) {
    expose("theta", theta_);
    expose("theta_time", t_last_);
}

double adaptive_threshold::offset(std::uint32_t i, double t_ms) const {
    return theta_[i] * std::exp(-(t_ms - t_last_[i]) / tau_);
}

void adaptive_threshold::on_spike(std::uint32_t i, double t_ms) {
    theta_[i] = offset(i, t_ms) + theta_plus_;
    t_last_[i] = t_ms;
}

void normalize_incoming(const synapse_layout& layout, std::span<float> weights, double total) {
    for (std::uint32_t i = 0; i < layout.posts(); ++i) {
        double sum = 0.0;
        for (auto k : layout.incoming(i)) sum += double{weights[k]};
        if (sum == 0.0 || !std::isfinite(sum)) continue;
        const double scale = total / sum;
        for (auto k : layout.incoming(i)) weights[k] = static_cast<float>(double{weights[k]} * scale);
    }
}

} // namespace spikekit::learning
