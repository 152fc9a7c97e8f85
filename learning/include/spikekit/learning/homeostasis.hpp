#pragma once
// Homeostasis: the two mechanisms of Diehl & Cook (2015, Front. Comput. Neurosci. 9:99) that keep the
// neurons of a competitive layer from dominating or dying.
#include <cstdint>
#include <span>
#include <vector>

#include "spikekit/core/model.hpp"
#include "spikekit/core/params.hpp"
#include "spikekit/learning/rule.hpp"

namespace spikekit::learning {

// Adaptive threshold, a neuron-side component (Diehl & Cook 2015, eq. 5 and "Homoeostasis"):
//
//   effective threshold  V_th + theta_i
//   each spike of i:     theta_i += theta_plus                               [mV]
//   between spikes:      d theta_i / dt = -theta_i / tau_theta                [ms]
//
// theta decays analytically from its last update (lazy), so neurons that do not spike cost nothing.
// Diehl & Cook use theta_plus = 0.05 mV and tau_theta = 1e7 ms (practically no decay during training).
// The neuron group adds offset(i, t) to its threshold; on_spike(i, t) is called after each spike of i.
class adaptive_threshold : public group_state {
public:
    static std::span<const param_info> params();
    adaptive_threshold(const param_map& p, std::uint32_t n); // p complete (with_defaults)

    void on_spike(std::uint32_t i, double t_ms);
    double offset(std::uint32_t i, double t_ms) const; // theta_i(t) [mV]
    std::uint32_t size() const { return static_cast<std::uint32_t>(theta_.size()); }

private:
    std::vector<double> theta_, t_last_;
    double theta_plus_, tau_;
};

// Synaptic normalization (Diehl & Cook 2015, after each example; Goodhill & Barrow 1994): scale the
// incoming weights of every postsynaptic neuron so that they sum to `total`. Neurons whose incoming sum is
// zero are left alone (nothing to scale). Multiplicative, so the relative pattern a neuron learned is kept.
void normalize_incoming(const synapse_layout& layout, std::span<float> weights, double total);

} // namespace spikekit::learning
