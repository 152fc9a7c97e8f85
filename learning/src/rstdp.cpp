// "rstdp": reward-modulated STDP with eligibility traces (Izhikevich 2007, Cereb. Cortex 17:2443;
// Fremaux & Gerstner 2016, Front. Neural Circuits 9:85).
//
// Spike pairs do not change the weight; they change the synapse's eligibility c (weight units), with the
// pair STDP window of stdp_additive (W = w_max - w_min):
//   dc/dt = -c / tau_c + W (A+ r1 at post spikes - A- o1 at pre arrivals)
// A reward signal d (dimensionless) jumps by the amount of each reward (on_reward: the spikes of the
// population named by the config's "reward" block, or simulation::reward from a program) and decays back
// to zero:
//   dd/dt = -d / tau_d
//   dw/dt = c d / tau_d        (so a reward of 1 with tau_c >> tau_d turns an eligibility c into a change c)
// w is clipped to [w_min, w_max]. Without reward d stays exactly 0 and no weight ever changes; a positive
// reward after a pre-post pairing potentiates, after a post-pre pairing depresses. Izhikevich uses
// tau_c = 1 s, tau_d = 0.2 s and A-/A+ = 1.5.
//
// Integration: c and d are exponentials between events, so over each step the weight change is the exact
// integral c(s) d(s) / tau_d * tau (1 - exp(-(t1 - s)/tau)), tau = tau_c tau_d / (tau_c + tau_d), from
// s = the later of the step start, the last reward and the synapse's last eligibility change (a change inside
// a step counts from its own time), accumulated in double precision (the float weight plus a per-synapse
// remainder, so small late increments are not rounded away). While d is non-zero every synapse is visited
// once per step; d below 1e-12 is set to zero so that a finished reward stops costing time.
#include <algorithm>
#include <cmath>
#include <limits>

#include "rules_detail.hpp"
#include "trace_stdp.hpp"

namespace spikekit::learning::detail {
namespace {

constexpr param_info rstdp_params[] = {
    {"tau_plus", "ms", 20.0, 0.0, unbounded, "potentiation window", false, true},
    {"tau_minus", "ms", 20.0, 0.0, unbounded, "depression window", false, true},
    {"A_plus", "1", 0.1, 0.0, unbounded, "eligibility per pre-post pair, fraction of w_max - w_min"},
    {"A_minus", "1", 0.15, 0.0, unbounded, "eligibility per post-pre pair (Izhikevich 2007: 1.5 A_plus)"},
    {"tau_c", "ms", 1000.0, 0.0, unbounded, "eligibility decay (Izhikevich 2007: 1 s)", false, true},
    {"tau_d", "ms", 200.0, 0.0, unbounded, "reward signal decay (Izhikevich 2007: 0.2 s)", false, true},
    {"w_min", "weight", 0.0, -unbounded, unbounded, "lower weight bound (receptor weight unit)"},
    {"w_max", "weight", 1.0, -unbounded, unbounded, "upper weight bound (receptor weight unit)"},
    {"nearest", "1", 0.0, 0.0, 1.0, "0: all-to-all interaction, 1: nearest-spike", true}};

class eligibility_sink {
  public:
    eligibility_sink(const param_map& p, std::span<float> w, const lower_args& a)
        : c_(w.size(), 0.0), c_time_(w.size(), 0.0), w_rest_(w.size(), 0.0), w_(w), w_min_(param(p, "w_min")),
          w_max_(param(p, "w_max")), tau_c_(param(p, "tau_c")), tau_d_(param(p, "tau_d")),
          tau_(tau_c_ * tau_d_ / (tau_c_ + tau_d_)), dt_(a.dt_ms) {}

    void potentiate(std::uint32_t k, double x, double t) { add(k, (w_max_ - w_min_) * x, t); }
    void depress(std::uint32_t k, double x, double t) { add(k, -(w_max_ - w_min_) * x, t); }
    void on_reward(double t, double amount) {
        d() = d_at(t) + amount;
        d_time() = t;
    }
    bool needs_step() const { return true; }
    void on_step(std::int64_t step) {
        if (d() == 0.0) return;
        const double t1 = static_cast<double>(step + 1) * dt_;
        const double ts = std::max(static_cast<double>(step) * dt_, d_time());
        const double d_s = d_at(ts);
        for (std::size_t k = 0; k < c_.size(); ++k) {
            if (c_[k] == 0.0) continue;
            const double s = std::max(ts, c_time_[k]);
            const double c0 = c_at(k, s), d0 = d_s * std::exp(-(s - ts) / tau_d_);
            const double dw = c0 * d0 / tau_d_ * tau_ * -std::expm1(-(t1 - s) / tau_);
            const double w = std::clamp(double{w_[k]} + w_rest_[k] + dw, w_min_, w_max_);
            w_[k] = static_cast<float>(w);
            w_rest_[k] = w - double{w_[k]};
        }
        d() = d_at(t1);
        d_time() = t1;
        if (std::abs(d()) < 1e-12) d() = 0.0;
    }
    void flush(double) {}
    std::vector<std::pair<std::string, std::vector<double>*>> arrays() {
        return {{"eligibility", &c_},
                {"eligibility_time", &c_time_},
                {"weight_rest", &w_rest_},
                {"reward", &d_},
                {"reward_time", &d_time_}};
    }

  private:
    double c_at(std::size_t k, double t) const { return c_[k] * std::exp(-(t - c_time_[k]) / tau_c_); }
    double d_at(double t) const { return d_[0] == 0.0 ? 0.0 : d_[0] * std::exp(-(t - d_time_[0]) / tau_d_); }
    double& d() { return d_[0]; }
    double& d_time() { return d_time_[0]; }
    void add(std::uint32_t k, double x, double t) {
        c_[k] = c_at(k, t) + x;
        c_time_[k] = t;
    }

    // w_rest_: what the float weight cannot hold of the integrated change (below half a unit in its last
    // place), carried to the next step instead of being rounded away step after step.
    std::vector<double> c_, c_time_, w_rest_;
    std::span<float> w_;
    double w_min_, w_max_, tau_c_, tau_d_, tau_, dt_;
    // The reward signal and the time it was last brought up to date: one-element arrays so that checkpoints
    // save them with the eligibilities (a reward in progress survives a resume).
    std::vector<double> d_{0.0}, d_time_{0.0};
};

class rstdp_rule final : public plasticity_rule {
  public:
    std::string_view name() const override { return "rstdp"; }
    std::string_view doc() const override {
        return "reward-modulated STDP (Izhikevich 2007): pairs change an eligibility c (tau_c); "
               "dw/dt = c d / tau_d with d the reward signal (jumps by each reward, decays with tau_d); "
               "rewards "
               "come from the spikes of the population named in the plasticity block's \"reward\"";
    }
    std::span<const param_info> params() const override { return rstdp_params; }
    bool takes_reward() const override { return true; }
    std::string check(const param_map& p) const override { return check_bounds(p); }
    std::unique_ptr<plastic_state> lower(const param_map& p, const synapse_layout& layout,
                                         std::span<float> weights, const lower_args& a) const override {
        return std::make_unique<trace_stdp<eligibility_sink>>(stdp_amplitudes::from(p), layout,
                                                              eligibility_sink(p, weights, a));
    }
};

} // namespace

void add_rstdp_rule(rule_registry& r) {
    r.add(std::make_shared<rstdp_rule>());
}

} // namespace spikekit::learning::detail
