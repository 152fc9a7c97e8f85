#pragma once
// Shared pieces of the built-in models: a neuron_model made from a group class's static tables, and the
// refractory bookkeeping every spiking group shares.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "spikekit/core/model.hpp"

namespace spikekit::neurons::detail {

// G provides: static name, doc, params[], state[], receptors[], check(p), and a constructor
// G(const param_map&, std::uint32_t n, double dt, const spike_times&).
template <class G>
class table_model final : public neuron_model {
  public:
    std::string_view name() const override { return G::name; }
    std::string_view doc() const override { return G::doc; }
    std::span<const param_info> params() const override { return G::params; }
    std::span<const state_info> state() const override { return G::state; }
    std::span<const receptor_info> receptors() const override { return G::receptors; }
    std::string check(const param_map& p) const override { return G::check(p); }
    bool is_source() const override { return G::source; }
    bool takes_spike_times() const override {
        if constexpr (requires { G::spike_times; })
            return G::spike_times;
        else
            return false;
    }
    bool shared_input() const override {
        if constexpr (requires { G::shared_input; })
            return G::shared_input;
        else
            return false;
    }
    std::unique_ptr<neuron_group> lower(const param_map& p, std::uint32_t n, double dt,
                                        const std::vector<std::vector<double>>& spike_times) const override {
        return std::make_unique<G>(p, n, dt, spike_times);
    }
};

inline std::int64_t steps_of(double ms, double dt) {
    return static_cast<std::int64_t>(std::llround(ms / dt));
}

// A group with one real array per state variable (in table order) and a refractory end step per neuron:
// neuron i is refractory during steps < ref_end[i].
class soa_group : public neuron_group {
  public:
    soa_group(std::span<const state_info> vars, std::uint32_t n)
        : vars_(vars.size(), std::vector<double>(n, 0.0)), ref_end_(n, 0) {
        for (std::size_t k = 0; k < vars.size(); ++k) expose(std::string(vars[k].name), vars_[k]);
        expose("ref_end", ref_end_);
    }
    double get(std::size_t var, std::uint32_t i, std::int64_t) const override { return vars_[var][i]; }
    void set(std::size_t var, std::uint32_t i, double v) override { vars_[var][i] = v; }

  protected:
    // Threshold and reset of V (state variable 0) after a vectorized update pass: spikes are rare, so
    // this scan is separate from the update loop.
    void reset_above(double v_th, double v_reset, std::int64_t n_ref, std::int64_t s, std::uint32_t begin,
                     std::uint32_t end, std::vector<std::uint32_t>& spikes) {
        double* v = vars_[0].data();
        // Blocks of 16 are first tested together (a vectorized count), so the usual case, no neuron of the
        // block above threshold, costs no branch per neuron.
        constexpr std::uint32_t block = 16;
        for (std::uint32_t b = begin; b < end; b += block) {
            const std::uint32_t e = std::min(end, b + block);
            int above = 0;
            for (std::uint32_t i = b; i < e; ++i) above += v[i] >= v_th;
            if (!above) continue;
            for (std::uint32_t i = b; i < e; ++i)
                if (v[i] >= v_th && s >= ref_end_[i]) {
                    v[i] = v_reset;
                    ref_end_[i] = s + 1 + n_ref;
                    spikes.push_back(i);
                }
        }
    }

    std::vector<std::vector<double>> vars_;
    std::vector<std::int64_t> ref_end_;
};

inline double param(const param_map& p, const char* name) {
    return p.find(name)->second;
}

// g.advance<Ext>(a, begin, end) with Ext = whether a current input drives the group: each case compiles to a
// loop without a branch per neuron.
template <class G>
void advance_for_input(G& g, const step_args& a, std::uint32_t begin, std::uint32_t end) {
    if (a.i_ext)
        g.template advance<true>(a, begin, end);
    else
        g.template advance<false>(a, begin, end);
}

} // namespace spikekit::neurons::detail

namespace spikekit::neurons::detail {
// Each model source file adds its models.
void add_delta_models(model_registry& r);
void add_exp_models(model_registry& r);
void add_nonlinear_models(model_registry& r);
void add_integer_models(model_registry& r);
void add_source_models(model_registry& r);
} // namespace spikekit::neurons::detail
