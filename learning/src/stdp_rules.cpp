// Pair and triplet STDP on the weights (trace engine in trace_stdp.hpp).
//
// Weight change, with W = w_max - w_min and u = (w - w_min) / W the weight's place in its range:
//   potentiation  w += W * dw+ * (1 - u)^mu_plus        depression  w -= W * dw- * u^mu_minus
// then w is clipped to [w_min, w_max]. mu = 0 is the additive rule (Song, Miller & Abbott 2000), mu = 1 the
// multiplicative rule (van Rossum, Bi & Turrigiano 2000), 0 < mu < 1 interpolates (Guetig et al. 2003,
// J. Neurosci. 23:3697). dw+/dw- are the trace products of trace_stdp.hpp, so the amplitudes A are
// fractions of the weight range W per spike pair. For paired spikes with dt = t_post - t_pre the additive
// rule gives the classic window W A+ exp(-dt/tau_plus) for dt >= 0 and -W A- exp(dt/tau_minus) for dt < 0.
//
// Triplet parameters: Pfister & Gerstner (2006), J. Neurosci. 26:9673, visual cortex data of
// Sjoestroem et al. (2001), full models: all-to-all A2+ = 5e-10, A3+ = 6.2e-3, A2- = 7e-3, A3- = 2.3e-4,
// tau_x = 101 ms, tau_y = 125 ms; nearest-spike A2+ = 8.8e-11, A3+ = 5.3e-2, A2- = 6.6e-3, A3- = 3.1e-3,
// tau_x = 714 ms, tau_y = 40 ms; both with tau_plus = 16.8 ms, tau_minus = 33.7 ms. docs/learning.md lists
// the other published sets (minimal models, hippocampal data), the sources checked, and why NESTML's
// A2+, A3+ (7.5e-10, 9.3e-3, 1.5 times these) are not adopted.
#include <algorithm>
#include <cmath>
#include <utility>

#include "rules_detail.hpp"
#include "spikekit/learning/homeostasis.hpp"
#include "trace_stdp.hpp"

namespace spikekit::learning::detail {
namespace {

// The parameters every pair/triplet rule shares; `nearest_default` differs between the triplet sets.
// clang-format off
#define SPIKEKIT_STDP_COMMON(nearest_default)                                                                 \
    {"w_min", "weight", 0.0, -unbounded, unbounded, "lower weight bound (receptor weight unit)"},             \
    {"w_max", "weight", 1.0, -unbounded, unbounded, "upper weight bound (receptor weight unit)"},             \
    {"nearest", "1", nearest_default, 0.0, 1.0, "0: all-to-all interaction, 1: nearest-spike", true},        \
    {"norm_total", "weight", 0.0, 0.0, unbounded, "> 0: incoming weights of each neuron scaled to this sum"}, \
    {"norm_interval", "ms", 350.0, 0.0, unbounded, "time between normalizations", false, true}
// clang-format on

constexpr param_info additive_params[] = {
    {"tau_plus", "ms", 20.0, 0.0, unbounded, "potentiation window", false, true},
    {"tau_minus", "ms", 20.0, 0.0, unbounded, "depression window", false, true},
    {"A_plus", "1", 0.005, 0.0, unbounded, "potentiation per pair, fraction of w_max - w_min (Song 2000)"},
    {"A_minus", "1", 0.00525, 0.0, unbounded,
     "depression per pair, fraction of w_max - w_min (A-/A+ = 1.05)"},
    SPIKEKIT_STDP_COMMON(0.0)};

constexpr param_info multiplicative_params[] = {
    {"tau_plus", "ms", 20.0, 0.0, unbounded, "potentiation window", false, true},
    {"tau_minus", "ms", 20.0, 0.0, unbounded, "depression window", false, true},
    {"A_plus", "1", 0.005, 0.0, unbounded, "potentiation per pair, fraction of w_max - w_min"},
    {"A_minus", "1", 0.00525, 0.0, unbounded, "depression per pair, fraction of w_max - w_min"},
    {"mu_plus", "1", 1.0, 0.0, 1.0, "weight dependence of potentiation, (1-u)^mu (Guetig 2003)"},
    {"mu_minus", "1", 1.0, 0.0, 1.0, "weight dependence of depression, u^mu (Guetig 2003)"},
    SPIKEKIT_STDP_COMMON(0.0)};

constexpr param_info triplet_params[] = {
    {"tau_plus", "ms", 16.8, 0.0, unbounded, "pre trace r1 (P&G 2006)", false, true},
    {"tau_minus", "ms", 33.7, 0.0, unbounded, "post trace o1", false, true},
    {"tau_x", "ms", 101.0, 0.0, unbounded, "pre trace r2", false, true},
    {"tau_y", "ms", 125.0, 0.0, unbounded, "post trace o2", false, true},
    {"A2_plus", "1", 5e-10, 0.0, unbounded, "pair potentiation"},
    {"A3_plus", "1", 6.2e-3, 0.0, unbounded, "triplet potentiation"},
    {"A2_minus", "1", 7e-3, 0.0, unbounded, "pair depression"},
    {"A3_minus", "1", 2.3e-4, 0.0, unbounded, "triplet depression"},
    SPIKEKIT_STDP_COMMON(0.0)};

constexpr param_info triplet_nearest_params[] = {
    {"tau_plus", "ms", 16.8, 0.0, unbounded, "pre trace r1 (P&G 2006)", false, true},
    {"tau_minus", "ms", 33.7, 0.0, unbounded, "post trace o1", false, true},
    {"tau_x", "ms", 714.0, 0.0, unbounded, "pre trace r2", false, true},
    {"tau_y", "ms", 40.0, 0.0, unbounded, "post trace o2", false, true},
    {"A2_plus", "1", 8.8e-11, 0.0, unbounded, "pair potentiation"},
    {"A3_plus", "1", 5.3e-2, 0.0, unbounded, "triplet potentiation"},
    {"A2_minus", "1", 6.6e-3, 0.0, unbounded, "pair depression"},
    {"A3_minus", "1", 3.1e-3, 0.0, unbounded, "triplet depression"},
    SPIKEKIT_STDP_COMMON(1.0)};

#undef SPIKEKIT_STDP_COMMON

// u^mu with the common exponents done without pow().
double power(double u, double mu) {
    if (mu == 0.0) return 1.0;
    if (mu == 1.0) return u;
    return std::pow(std::max(u, 0.0), mu);
}

class weight_sink {
public:
    weight_sink(const param_map& p, const synapse_layout& layout, std::span<float> w, const lower_args& a)
        : layout_(layout), w_(w), w_min_(param(p, "w_min")), w_max_(param(p, "w_max")),
          mu_plus_(param_or(p, "mu_plus", 0.0)), mu_minus_(param_or(p, "mu_minus", 0.0)),
          norm_total_(param(p, "norm_total")),
          norm_steps_(std::max<std::int64_t>(1, std::llround(param(p, "norm_interval") / a.dt_ms))) {}

    void potentiate(std::uint32_t k, double x, double) {
        const double w = w_[k], range = w_max_ - w_min_, u = (w - w_min_) / range;
        set(k, w + range * x * power(1.0 - u, mu_plus_));
    }
    void depress(std::uint32_t k, double x, double) {
        const double w = w_[k], range = w_max_ - w_min_, u = (w - w_min_) / range;
        set(k, w - range * x * power(u, mu_minus_));
    }
    void on_reward(double, double) {}
    bool needs_step() const { return norm_total_ > 0.0; }
    void on_step(std::int64_t step) {
        if ((step + 1) % norm_steps_ == 0) normalize_incoming(layout_, w_, norm_total_);
    }
    void flush(double) {}
    std::vector<std::pair<std::string, std::vector<double>*>> arrays() { return {}; }

private:
    void set(std::uint32_t k, double v) { w_[k] = static_cast<float>(std::clamp(v, w_min_, w_max_)); }
    const synapse_layout& layout_;
    std::span<float> w_;
    double w_min_, w_max_, mu_plus_, mu_minus_, norm_total_;
    std::int64_t norm_steps_;
};

class stdp_rule final : public plasticity_rule {
public:
    stdp_rule(std::string_view name, std::string_view doc, std::span<const param_info> table)
        : name_(name), doc_(doc), table_(table) {}
    std::string_view name() const override { return name_; }
    std::string_view doc() const override { return doc_; }
    std::span<const param_info> params() const override { return table_; }
    std::string check(const param_map& p) const override { return check_bounds(p); }
    std::unique_ptr<plastic_state> lower(const param_map& p, const synapse_layout& layout,
                                         std::span<float> weights, const lower_args& a) const override {
        return std::make_unique<trace_stdp<weight_sink>>(stdp_amplitudes::from(p), layout,
                                                         weight_sink(p, layout, weights, a));
    }

private:
    std::string_view name_, doc_;
    std::span<const param_info> table_;
};

} // namespace

std::string check_bounds(const param_map& p) {
    if (!(param(p, "w_min") < param(p, "w_max"))) return "expected w_min < w_max";
    return {};
}

void add_stdp_rules(rule_registry& r) {
    r.add(std::make_shared<stdp_rule>(
        "stdp_additive",
        "pair STDP, additive: w += W A+ r1 at post spikes, w -= W A- o1 at pre arrivals, clipped to "
        "[w_min, w_max]; traces r1 (tau_plus), o1 (tau_minus) jump by 1 (all-to-all) or to 1 (nearest)",
        additive_params));
    r.add(std::make_shared<stdp_rule>(
        "stdp_multiplicative",
        "pair STDP, weight-dependent (Guetig 2003): w += W A+ (1-u)^mu_plus r1, w -= W A- u^mu_minus o1, "
        "u = (w - w_min)/W",
        multiplicative_params));
    r.add(std::make_shared<stdp_rule>("stdp_triplet",
                                      "triplet STDP (Pfister & Gerstner 2006), all-to-all, visual cortex: w "
                                      "+= W r1 (A2+ + A3+ o2) at post, "
                                      "w -= W o1 (A2- + A3- r2) at pre",
                                      triplet_params));
    r.add(std::make_shared<stdp_rule>("stdp_triplet_nearest",
                                      "triplet STDP (Pfister & Gerstner 2006), nearest-spike, visual cortex",
                                      triplet_nearest_params));
}

} // namespace spikekit::learning::detail
