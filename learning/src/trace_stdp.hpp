#pragma once
// The trace engine shared by pair, triplet and reward-modulated STDP (private to learning/).
//
// Pair STDP is the triplet rule of Pfister & Gerstner (2006) with A3+ = A3- = 0, so one engine serves both.
// Four traces, each a sum of exponentials decayed analytically from its last update (never a scan of the
// spike history):
//   pre  (per slot):   r1 (tau_plus), r2 (tau_x)     post (per neuron): o1 (tau_minus), o2 (tau_y)
// At a spike the trace jumps by 1 (all-to-all: every earlier spike counts) or is set to 1 (nearest-spike:
// only the most recent spike counts; Morrison et al. 2008 "symmetric nearest-spike").
//   pre arrival at t:  dw- = o1(t) * (A2- + A3- r2(t-))   then r1, r2 jump
//   post spike at t:   dw+ = r1(t) * (A2+ + A3+ o2(t-))   then o1, o2 jump
// t- means "before this spike's own jump". A sink turns dw+/dw- into a change: of the weight (with a
// weight dependence) for plain STDP, of the eligibility trace for R-STDP.
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "spikekit/learning/rule.hpp"

namespace spikekit::learning::detail {

inline double param(const param_map& p, const char* name) {
    return p.find(name)->second;
}
inline double param_or(const param_map& p, const char* name, double fallback) {
    auto it = p.find(name);
    return it == p.end() ? fallback : it->second;
}

// n entries of two traces that share their update time.
class trace_bank {
public:
    trace_bank(std::uint32_t n, double tau_a, double tau_b)
        : a_(n, 0.0), b_(n, 0.0), t_(n, -std::numeric_limits<double>::infinity()), tau_a_(tau_a),
          tau_b_(tau_b) {}

    double a(std::uint32_t i, double t) const {
        return a_[i] == 0.0 ? 0.0 : a_[i] * std::exp(-(t - t_[i]) / tau_a_);
    }
    double b(std::uint32_t i, double t) const {
        return b_[i] == 0.0 ? 0.0 : b_[i] * std::exp(-(t - t_[i]) / tau_b_);
    }
    void spike(std::uint32_t i, double t, bool nearest) {
        const double jump_base = nearest ? 0.0 : 1.0;
        a_[i] = jump_base * a(i, t) + 1.0;
        b_[i] = jump_base * b(i, t) + 1.0;
        t_[i] = t;
    }
    std::vector<double>& a_values() { return a_; }
    std::vector<double>& b_values() { return b_; }
    std::vector<double>& times() { return t_; }

private:
    std::vector<double> a_, b_, t_;
    double tau_a_, tau_b_;
};

struct stdp_amplitudes {
    double tau_plus, tau_minus, tau_x, tau_y;
    double a2_plus, a3_plus, a2_minus, a3_minus;
    bool nearest;

    static stdp_amplitudes from(const param_map& p) {
        stdp_amplitudes s{};
        s.tau_plus = param(p, "tau_plus");
        s.tau_minus = param(p, "tau_minus");
        s.tau_x = param_or(p, "tau_x", 1.0);
        s.tau_y = param_or(p, "tau_y", 1.0);
        const bool triplet = p.count("A2_plus") != 0;
        s.a2_plus = param(p, triplet ? "A2_plus" : "A_plus");
        s.a2_minus = param(p, triplet ? "A2_minus" : "A_minus");
        s.a3_plus = param_or(p, "A3_plus", 0.0);
        s.a3_minus = param_or(p, "A3_minus", 0.0);
        s.nearest = param(p, "nearest") != 0.0;
        return s;
    }
};

// Sink: potentiate(k, x, t), depress(k, x, t) with x >= 0 in units of the weight range; on_reward,
// needs_step, on_step, flush; arrays() lists its state for exposure.
template <class Sink>
class trace_stdp final : public plastic_state {
public:
    trace_stdp(const stdp_amplitudes& s, const synapse_layout& layout, Sink sink)
        : s_(s), layout_(layout), pre_(layout.slots(), s.tau_plus, s.tau_x),
          post_(layout.posts(), s.tau_minus, s.tau_y), sink_(std::move(sink)) {
        expose("pre_r1", pre_.a_values());
        expose("pre_r2", pre_.b_values());
        expose("pre_time", pre_.times());
        expose("post_o1", post_.a_values());
        expose("post_o2", post_.b_values());
        expose("post_time", post_.times());
        for (auto& [name, v] : sink_.arrays()) expose(name, *v);
    }

    void on_pre(syn_range r, double t) override {
        if (r.begin >= r.end) return;
        const std::uint32_t slot = layout_.slot_of(r.begin);
        assert(layout_.slot_of(r.end - 1) == slot && "on_pre: a range must lie within one pre slot");
        const double triplet = s_.a3_minus == 0.0 ? 0.0 : s_.a3_minus * pre_.b(slot, t);
        const double amp = s_.a2_minus + triplet;
        for (std::uint32_t k = r.begin; k < r.end; ++k) {
            const double o1 = post_.a(layout_.post_of(k), t);
            if (o1 != 0.0) sink_.depress(k, o1 * amp, t);
        }
        pre_.spike(slot, t, s_.nearest);
    }

    void on_post(std::uint32_t i, double t) override {
        const double triplet = s_.a3_plus == 0.0 ? 0.0 : s_.a3_plus * post_.b(i, t);
        const double amp = s_.a2_plus + triplet;
        for (auto k : layout_.incoming(i)) {
            const double r1 = pre_.a(layout_.slot_of(k), t);
            if (r1 != 0.0) sink_.potentiate(k, r1 * amp, t);
        }
        post_.spike(i, t, s_.nearest);
    }

    void on_reward(double t, double amount) override { sink_.on_reward(t, amount); }
    bool needs_step() const override { return sink_.needs_step(); }
    void on_step(std::int64_t step) override { sink_.on_step(step); }
    void flush(double t) override { sink_.flush(t); }

private:
    stdp_amplitudes s_;
    const synapse_layout& layout_;
    trace_bank pre_, post_;
    Sink sink_;
};

} // namespace spikekit::learning::detail
