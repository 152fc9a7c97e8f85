#pragma once
// Shared pieces of the built-in models: a neuron_model made from a group class's static tables, and the
// refractory bookkeeping every spiking group shares.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string_view>
#include <vector>

#include "spikekit/core/model.hpp"

namespace spikekit::neurons::detail {

// A parameter, or a value derived from parameters, of a population: one value for every neuron, or one
// per neuron (`each`, when the parameter varies). Groups keep one-value arithmetic (a local constant in the
// update loop) unless a parameter varies, and then switch to per-neuron arrays for all of their values:
// their loops are templates over `Each` and read every value through view<Each>(column)[i].
template <class T = double>
struct column {
    T one{};
    std::vector<T> each; // empty: `one` for every neuron
    bool varies() const { return !each.empty(); }
    T operator[](std::size_t i) const { return each.empty() ? one : each[i]; }
    // One value per neuron from now on (n of them).
    void spread(std::uint32_t n) {
        if (each.empty()) each.assign(n, one);
    }
};
template <class T, bool Each>
struct column_view;
template <class T>
struct column_view<T, false> {
    T one;
    T operator[](std::size_t) const { return one; }
};
template <class T>
struct column_view<T, true> {
    const T* __restrict each;
    T operator[](std::size_t i) const { return each[i]; }
};
template <bool Each, class T>
column_view<T, Each> view(const column<T>& c) {
    if constexpr (Each)
        return {c.each.data()};
    else
        return {c.one};
}

// f applied to the values of columns: one value when none varies, else one per neuron.
template <class F, class... C>
auto derive(std::uint32_t n, F f, const C&... c) {
    using T = decltype(f(c.one...));
    column<T> r;
    if (!(c.varies() || ...)) {
        r.one = f(c.one...);
        return r;
    }
    r.each.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) r.each[i] = f(c[i]...);
    r.one = r.each.empty() ? T{} : r.each[0];
    return r;
}

// True when any column varies; then every column is spread to n values (the per-neuron loops).
template <class... C>
bool spread_if_any_varies(std::uint32_t n, C&... c) {
    if (!(c.varies() || ...)) return false;
    (c.spread(n), ...);
    return true;
}

// The parameters a group is lowered from: complete (defaults filled) and checked, plus the per-neuron
// values of those that vary (lowering::lower_params).
struct param_reader {
    const param_map& p;
    const per_neuron_values& per;
    std::uint32_t n;
    column<double> operator()(std::string_view name) const {
        column<double> c{p.find(name)->second, {}};
        if (const auto it = per.find(name); it != per.end()) c.each = it->second;
        return c;
    }
    // The value of a parameter the group takes as one value for all neurons.
    double one(std::string_view name) const { return p.find(name)->second; }
};

// G provides: static name, doc, params[], state[], receptors[], check(p), and a constructor
// G(const param_reader&, std::uint32_t n, double dt, const spike_times&).
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
    std::unique_ptr<neuron_group> lower(const param_map& p, const per_neuron_values& per, std::uint32_t n,
                                        double dt,
                                        const std::vector<std::vector<double>>& spike_times) const override {
        return std::make_unique<G>(param_reader{p, per, n}, n, dt, spike_times);
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
    // `subtract` != 0: V -= V_th - V_reset instead of V = V_reset (reset by subtraction, as rate-coded and
    // NIR imported networks need).
    template <bool Each>
    void reset_above(const column<double>& v_th, const column<double>& v_reset,
                     const column<std::int64_t>& n_ref, const column<double>& subtract, std::int64_t s,
                     std::uint32_t begin, std::uint32_t end, std::vector<std::uint32_t>& spikes) {
        double* v = vars_[0].data();
        const auto th = view<Each>(v_th), vr = view<Each>(v_reset), sub = view<Each>(subtract);
        const auto nr = view<Each>(n_ref);
        // Blocks of 16 are first tested together (a vectorized count), so the usual case, no neuron of the
        // block above threshold, costs no branch per neuron.
        constexpr std::uint32_t block = 16;
        for (std::uint32_t b = begin; b < end; b += block) {
            const std::uint32_t e = std::min(end, b + block);
            int above = 0;
            for (std::uint32_t i = b; i < e; ++i) above += v[i] >= th[i];
            if (!above) continue;
            for (std::uint32_t i = b; i < e; ++i)
                if (v[i] >= th[i] && s >= ref_end_[i]) {
                    v[i] = sub[i] != 0.0 ? v[i] - (th[i] - vr[i]) : vr[i];
                    ref_end_[i] = s + 1 + nr[i];
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

// g.advance<Ext, Each>(a, begin, end) with Ext = whether a current input drives the group: each case
// compiles to a loop without a branch per neuron.
template <bool Each, class G>
void advance_for_input(G& g, const step_args& a, std::uint32_t begin, std::uint32_t end) {
    if (a.i_ext)
        g.template advance<true, Each>(a, begin, end);
    else
        g.template advance<false, Each>(a, begin, end);
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
