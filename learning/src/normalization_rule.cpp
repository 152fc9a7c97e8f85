// "normalization": synaptic normalization as a rule of its own, for projections whose weights are not
// otherwise plastic (pair/triplet rules have it built in through norm_total). Every `interval` the incoming
// weights of each postsynaptic neuron are scaled so that they sum to `total` (Diehl & Cook 2015 normalise
// the 784 input weights of each excitatory neuron to 78 after every example).
#include <algorithm>
#include <cmath>

#include "rules_detail.hpp"
#include "spikekit/learning/homeostasis.hpp"

namespace spikekit::learning::detail {
namespace {

constexpr param_info normalization_params[] = {
    {"total", "weight", 78.0, 0.0, unbounded, "sum of the incoming weights of each neuron", false, true},
    {"interval", "ms", 350.0, 0.0, unbounded, "time between normalizations", false, true}};

class normalization_state final : public plastic_state {
public:
    normalization_state(const synapse_layout& layout, std::span<float> w, double total, std::int64_t steps)
        : layout_(layout), w_(w), total_(total), steps_(steps) {}
    void on_pre(syn_range, double) override {}
    void on_post(std::uint32_t, double) override {}
    bool needs_step() const override { return true; }
    void on_step(std::int64_t step) override {
        if ((step + 1) % steps_ == 0) normalize_incoming(layout_, w_, total_);
    }

private:
    const synapse_layout& layout_;
    std::span<float> w_;
    double total_;
    std::int64_t steps_;
};

class normalization_rule final : public plasticity_rule {
public:
    std::string_view name() const override { return "normalization"; }
    std::string_view doc() const override {
        return "synaptic normalization: every interval, w_ij *= total / sum_j w_ij for each postsynaptic i";
    }
    std::span<const param_info> params() const override { return normalization_params; }
    std::unique_ptr<plastic_state> lower(const param_map& p, const synapse_layout& layout,
                                         std::span<float> weights, const lower_args& a) const override {
        const auto steps = std::max<std::int64_t>(1, std::llround(p.at("interval") / a.dt_ms));
        return std::make_unique<normalization_state>(layout, weights, p.at("total"), steps);
    }
};

} // namespace

void add_normalization_rule(rule_registry& r) {
    r.add(std::make_shared<normalization_rule>());
}

} // namespace spikekit::learning::detail
