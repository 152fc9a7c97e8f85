// lif_exp and lif_cond_exp: LIF neurons with exponentially decaying synaptic currents or conductances.
//
// lif_exp (NEST iaf_psc_exp; Brette et al. 2007 CUBA):
//   C_m dV/dt = -C_m (V - E_L)/tau_m + I_ex + I_in + I_e + I_ext
//   dI_x/dt = -I_x / tau_syn_x;  a spike of weight w [pA] adds w to I_x (w < 0 for inhibition)
//   Linear: integrated exactly with the propagator matrix of the step (Rotter & Diesmann 1999).
//
// lif_cond_exp (NEST iaf_cond_exp; Brette et al. 2007 COBA):
//   C_m dV/dt = -g_L (V - E_L) - g_ex (V - E_ex) - g_in (V - E_in) + I_e + I_ext
//   dg_x/dt = -g_x / tau_syn_x;  a spike of weight w [nS] adds w to g_x (w >= 0)
//   V is bilinear in (V, g), so it is integrated by exponential Euler: over a step each conductance is
//   replaced by its exact mean over the step, g tau/h (1 - exp(-h/tau)), and V relaxes exactly toward the
//   resulting steady state V_inf with time constant C_m / g_tot (second order in h); the conductances
//   decay exactly.
//
// Both: V >= V_th -> spike, V = V_reset, V held for t_ref while the synaptic variables keep evolving.
// lif_exp with reset_subtract = 1: V -= V_th - V_reset instead (reset by subtraction, as snnTorch's
// Synaptic neurons and NIR CubaLIF graphs trained with it).
// Order within a step (as NEST): V is advanced with the synaptic state at the start of the step, then the
// synaptic variables decay and receive the spikes arriving in this step, then the threshold is tested.
#include <algorithm>

#include "model_base.hpp"
#include "spikekit/neurons/models.hpp"
#include "vec_exp.hpp" // private to neurons/

namespace spikekit::neurons::detail {
namespace {

// Propagator from a synaptic current (decaying with tau_s) to V, over h, for a membrane with tau_m and C:
// tau_m tau_s / (C (tau_s - tau_m)) (exp(-h/tau_s) - exp(-h/tau_m)), written to stay accurate when
// tau_s ~ tau_m (limit h/C exp(-h/tau_m)).
double p21(double tau_m, double tau_s, double c, double h) {
    const double x = 1.0 / tau_m - 1.0 / tau_s;
    const double f = std::abs(x * h) < 1e-12 ? h : std::expm1(h * x) / x;
    return std::exp(-h / tau_m) * f / c;
}

std::string check_reset(const param_map& p) {
    if (param(p, "V_reset") >= param(p, "V_th")) return "expected V_reset < V_th";
    return {};
}

constexpr state_info cuba_state[] = {{"V_m", "mV", "membrane potential"},
                                     {"I_syn_ex", "pA", "excitatory synaptic current"},
                                     {"I_syn_in", "pA", "inhibitory synaptic current"}};
constexpr receptor_info cuba_receptors[] = {
    {"exc", "pA", "current jump, decays with tau_syn_ex"},
    {"inh", "pA", "current jump (negative for inhibition), decays with tau_syn_in"}};
constexpr state_info coba_state[] = {{"V_m", "mV", "membrane potential"},
                                     {"g_ex", "nS", "excitatory conductance"},
                                     {"g_in", "nS", "inhibitory conductance"},
                                     {"theta", "mV", "adaptive threshold offset (theta_plus > 0)"}};
constexpr receptor_info coba_receptors[] = {
    {"exc", "nS", "conductance jump toward E_ex, decays with tau_syn_ex", false},
    {"inh", "nS", "conductance jump toward E_in, decays with tau_syn_in", false}};
} // namespace

struct lif_exp_group final : soa_group {
    static constexpr std::string_view name = "lif_exp";
    static constexpr std::string_view doc =
        "LIF with exponential current synapses (NEST iaf_psc_exp; Brette 2007 CUBA).\n"
        "  C_m dV/dt = -C_m (V - E_L)/tau_m + I_syn_ex + I_syn_in + I_e + I_ext\n"
        "  dI_syn_x/dt = -I_syn_x/tau_syn_x; a spike of weight w [pA] adds w to I_syn_x.\n"
        "  Exact integration (propagator matrix).\n"
        "  V >= V_th: spike, V = V_reset (or V -= V_th - V_reset if reset_subtract), refractory t_ref.";
    static constexpr param_info params[] = {
        {"C_m", "pF", 250.0, 0.0, unbounded, "membrane capacitance", false, true},
        {"tau_m", "ms", 10.0, 0.0, unbounded, "membrane time constant", false, true},
        {"tau_syn_ex", "ms", 2.0, 0.0, unbounded, "excitatory synaptic time constant", false, true},
        {"tau_syn_in", "ms", 2.0, 0.0, unbounded, "inhibitory synaptic time constant", false, true},
        {"E_L", "mV", -70.0, -unbounded, unbounded, "resting potential"},
        {"V_th", "mV", -55.0, -unbounded, unbounded, "spike threshold"},
        {"V_reset", "mV", -70.0, -unbounded, unbounded, "reset potential"},
        {"t_ref", "ms", 2.0, 0.0, 1e6, "refractory period"},
        {"I_e", "pA", 0.0, -unbounded, unbounded, "constant external current"},
        {"reset_subtract", "1", 0.0, 0.0, 1.0, "1: reset by subtracting V_th - V_reset", true},
    };
    static constexpr auto& state = cuba_state;
    static constexpr auto& receptors = cuba_receptors;
    static constexpr bool source = false;
    static std::string check(const param_map& p) { return check_reset(p); }

    lif_exp_group(const param_reader& r, std::uint32_t n, double dt, const std::vector<std::vector<double>>&)
        : soa_group(cuba_state, n) {
        const auto tau_m = r("tau_m"), c = r("C_m"), te = r("tau_syn_ex"), ti = r("tau_syn_in");
        e_l_ = r("E_L");
        v_th_ = r("V_th");
        v_reset_ = r("V_reset");
        i_e_ = r("I_e");
        subtract_ = r("reset_subtract");
        n_ref_ = derive(
            n, [dt](double t) { return steps_of(t, dt); }, r("t_ref"));
        const auto decay = [dt](double tau) { return std::exp(-dt / tau); };
        p22_ = derive(n, decay, tau_m);
        p20_ = derive(
            n, [&](double tm, double cm) { return tm / cm * (1.0 - decay(tm)); }, tau_m, c);
        p11e_ = derive(n, decay, te);
        p11i_ = derive(n, decay, ti);
        const auto p21_of = [dt](double tm, double ts, double cm) { return p21(tm, ts, cm, dt); };
        p21e_ = derive(n, p21_of, tau_m, te, c);
        p21i_ = derive(n, p21_of, tau_m, ti, c);
        each_ = spread_if_any_varies(n, e_l_, v_th_, v_reset_, i_e_, subtract_, n_ref_, p22_, p20_, p11e_,
                                     p11i_, p21e_, p21i_);
        for (std::uint32_t i = 0; i < n; ++i) vars_[0][i] = e_l_[i];
    }

    void step(const step_args& a, std::uint32_t begin, std::uint32_t end,
              std::vector<std::uint32_t>& spikes) override {
        updates_ += end - begin;
        if (each_) {
            advance_for_input<true>(*this, a, begin, end);
            reset_above<true>(v_th_, v_reset_, n_ref_, subtract_, a.step, begin, end, spikes);
        } else {
            advance_for_input<false>(*this, a, begin, end);
            reset_above<false>(v_th_, v_reset_, n_ref_, subtract_, a.step, begin, end, spikes);
        }
    }

    // Constants copied to locals (or per-neuron arrays) and restrict pointers: the loop is branch-free and
    // vectorizes.
    template <bool Ext, bool Each>
    void advance(const step_args& a, std::uint32_t begin, std::uint32_t end) {
        float* __restrict in_e = a.input[0];
        float* __restrict in_i = a.input[1];
        double* __restrict v = vars_[0].data();
        double* __restrict ie = vars_[1].data();
        double* __restrict ii = vars_[2].data();
        const std::int64_t* __restrict ref = ref_end_.data();
        const double* __restrict ext = a.i_ext;
        const std::int64_t s = a.step;
        const auto e_l = view<Each>(e_l_), i_e = view<Each>(i_e_), p22 = view<Each>(p22_),
                   p20 = view<Each>(p20_), p11e = view<Each>(p11e_), p11i = view<Each>(p11i_),
                   p21e = view<Each>(p21e_), p21i = view<Each>(p21i_);
        for (std::uint32_t i = begin; i < end; ++i) {
            const double cur = Ext ? i_e[i] + ext[i] : i_e[i];
            const double vn =
                e_l[i] + (v[i] - e_l[i]) * p22[i] + p20[i] * cur + p21e[i] * ie[i] + p21i[i] * ii[i];
            v[i] = s < ref[i] ? v[i] : vn;
            ie[i] = ie[i] * p11e[i] + static_cast<double>(in_e[i]);
            ii[i] = ii[i] * p11i[i] + static_cast<double>(in_i[i]);
            in_e[i] = 0.0f;
            in_i[i] = 0.0f;
        }
    }

  private:
    column<double> e_l_, v_th_, v_reset_, i_e_, subtract_, p22_, p20_, p11e_, p11i_, p21e_, p21i_;
    column<std::int64_t> n_ref_;
    bool each_ = false; // some parameter varies: every value per neuron
};

struct lif_cond_exp_group final : soa_group {
    static constexpr std::string_view name = "lif_cond_exp";
    static constexpr std::string_view doc =
        "LIF with exponential conductance synapses (NEST iaf_cond_exp; Brette 2007 COBA).\n"
        "  C_m dV/dt = -g_L (V - E_L) - g_ex (V - E_ex) - g_in (V - E_in) + I_e + I_ext\n"
        "  dg_x/dt = -g_x/tau_syn_x; a spike of weight w [nS] adds w to g_x.\n"
        "  Exponential Euler for V (conductances held over a step), exact decay of g.\n"
        "  Optional adaptive threshold (Diehl & Cook 2015): spike when V >= V_th + theta; each spike adds\n"
        "  theta_plus to theta, which decays with tau_theta (theta_plus = 0: off).";
    static constexpr param_info params[] = {
        {"C_m", "pF", 250.0, 0.0, unbounded, "membrane capacitance", false, true},
        {"g_L", "nS", 16.6667, 0.0, unbounded, "leak conductance", false, true},
        {"E_L", "mV", -70.0, -unbounded, unbounded, "leak reversal potential"},
        {"E_ex", "mV", 0.0, -unbounded, unbounded, "excitatory reversal potential"},
        {"E_in", "mV", -85.0, -unbounded, unbounded, "inhibitory reversal potential"},
        {"tau_syn_ex", "ms", 0.2, 0.0, unbounded, "excitatory synaptic time constant", false, true},
        {"tau_syn_in", "ms", 2.0, 0.0, unbounded, "inhibitory synaptic time constant", false, true},
        {"V_th", "mV", -55.0, -unbounded, unbounded, "spike threshold"},
        {"V_reset", "mV", -60.0, -unbounded, unbounded, "reset potential"},
        {"t_ref", "ms", 2.0, 0.0, 1e6, "refractory period"},
        {"I_e", "pA", 0.0, -unbounded, unbounded, "constant external current"},
        {"theta_plus", "mV", 0.0, 0.0, unbounded, "adaptive threshold: increase per spike (0: off)"},
        {"tau_theta", "ms", 1e7, 0.0, unbounded, "adaptive threshold: decay time constant", false, true},
    };
    static constexpr auto& state = coba_state;
    static constexpr auto& receptors = coba_receptors;
    static constexpr bool source = false;
    static std::string check(const param_map& p) { return check_reset(p); }

    lif_cond_exp_group(const param_reader& r, std::uint32_t n, double dt,
                       const std::vector<std::vector<double>>&)
        : soa_group(coba_state, n) {
        g_l_ = r("g_L");
        e_l_ = r("E_L");
        e_ex_ = r("E_ex");
        e_in_ = r("E_in");
        v_th_ = r("V_th");
        v_reset_ = r("V_reset");
        i_e_ = r("I_e");
        theta_plus_ = r("theta_plus");
        h_c_ = derive(
            n, [dt](double c) { return dt / c; }, r("C_m"));
        g_tiny_ = derive(
            n, [](double g) { return 1e-12 * g; }, g_l_);
        n_ref_ = derive(
            n, [dt](double t) { return steps_of(t, dt); }, r("t_ref"));
        const auto decay = [dt](double tau) { return std::exp(-dt / tau); };
        const auto mean = [&](double tau) { return tau / dt * (1.0 - decay(tau)); };
        p_ex_ = derive(n, decay, r("tau_syn_ex"));
        p_in_ = derive(n, decay, r("tau_syn_in"));
        mean_ex_ = derive(n, mean, r("tau_syn_ex"));
        mean_in_ = derive(n, mean, r("tau_syn_in"));
        p_theta_ = derive(n, decay, r("tau_theta"));
        adaptive_ = theta_plus_.varies() || theta_plus_.one > 0.0;
        each_ =
            spread_if_any_varies(n, g_l_, e_l_, e_ex_, e_in_, v_th_, v_reset_, i_e_, theta_plus_, h_c_,
                                 g_tiny_, n_ref_, p_ex_, p_in_, mean_ex_, mean_in_, p_theta_, no_subtract_);
        for (std::uint32_t i = 0; i < n; ++i) vars_[0][i] = e_l_[i];
    }

    void set(std::size_t var, std::uint32_t i, double value) override {
        soa_group::set(var, i, value);
        if (var == 3 && value != 0.0) adaptive_ = true;
    }

    void freeze_adaptation(bool frozen) override { frozen_ = frozen; }

    void step(const step_args& a, std::uint32_t begin, std::uint32_t end,
              std::vector<std::uint32_t>& spikes) override {
        updates_ += end - begin;
        if (each_)
            step_with<true>(a, begin, end, spikes);
        else
            step_with<false>(a, begin, end, spikes);
    }

  private:
    template <bool Each>
    void step_with(const step_args& a, std::uint32_t begin, std::uint32_t end,
                   std::vector<std::uint32_t>& spikes) {
        advance_for_input<Each>(*this, a, begin, end);
        if (adaptive_)
            reset_adaptive<Each>(a.step, begin, end, spikes);
        else
            reset_above<Each>(v_th_, v_reset_, n_ref_, no_subtract_, a.step, begin, end, spikes);
    }

    // Threshold V_th + theta; theta decays every step (eagerly: one multiply, vectorized) and jumps at
    // spikes, unless frozen (then it is held).
    template <bool Each>
    void reset_adaptive(std::int64_t s, std::uint32_t begin, std::uint32_t end,
                        std::vector<std::uint32_t>& spikes) {
        double* v = vars_[0].data();
        double* th = vars_[3].data();
        const auto p = view<Each>(p_theta_), plus = view<Each>(theta_plus_), v_th = view<Each>(v_th_),
                   v_reset = view<Each>(v_reset_);
        const auto n_ref = view<Each>(n_ref_);
        if (!frozen_)
            for (std::uint32_t i = begin; i < end; ++i) th[i] *= p[i];
        for (std::uint32_t i = begin; i < end; ++i)
            if (v[i] >= v_th[i] + th[i] && s >= ref_end_[i]) {
                v[i] = v_reset[i];
                th[i] += frozen_ ? 0.0 : plus[i];
                ref_end_[i] = s + 1 + n_ref[i];
                spikes.push_back(i);
            }
    }

  public:
    // Branch-free (both integrators computed, one selected) with an inlined exp, so the loop vectorizes.
    template <bool Ext, bool Each>
    void advance(const step_args& a, std::uint32_t begin, std::uint32_t end) {
        float* __restrict in_e = a.input[0];
        float* __restrict in_i = a.input[1];
        double* __restrict v = vars_[0].data();
        double* __restrict ge = vars_[1].data();
        double* __restrict gi = vars_[2].data();
        const std::int64_t* __restrict ref = ref_end_.data();
        const double* __restrict ext = a.i_ext;
        const std::int64_t s = a.step;
        const auto g_l = view<Each>(g_l_), e_l = view<Each>(e_l_), e_ex = view<Each>(e_ex_),
                   e_in = view<Each>(e_in_), i_e = view<Each>(i_e_), h_c = view<Each>(h_c_),
                   p_ex = view<Each>(p_ex_), p_in = view<Each>(p_in_), mean_ex = view<Each>(mean_ex_),
                   mean_in = view<Each>(mean_in_), g_tiny = view<Each>(g_tiny_);
        for (std::uint32_t i = begin; i < end; ++i) {
            const double cur = Ext ? i_e[i] + ext[i] : i_e[i];
            const double vi = v[i];
            const double gex = ge[i] * mean_ex[i], gin = gi[i] * mean_in[i];
            const double g = g_l[i] + gex + gin;
            const double drive = g_l[i] * e_l[i] + gex * e_ex[i] + gin * e_in[i] + cur;
            const bool tiny =
                !(g > g_tiny[i]); // total conductance ~ 0 (negative initial conductances): Euler
            const double g_safe = tiny ? 1.0 : g;
            const double v_inf = drive / g_safe;
            const double expo = v_inf + (vi - v_inf) * vec_exp(-h_c[i] * g_safe);
            const double euler = vi + h_c[i] * (drive - g * vi);
            v[i] = s < ref[i] ? vi : (tiny ? euler : expo);
            ge[i] = ge[i] * p_ex[i] + static_cast<double>(in_e[i]);
            gi[i] = gi[i] * p_in[i] + static_cast<double>(in_i[i]);
            in_e[i] = 0.0f;
            in_i[i] = 0.0f;
        }
    }

  private:
    bool frozen_ = false;   // simulation::set_learning(false)
    bool adaptive_ = false; // theta in use: theta_plus > 0, or theta given as initial state (a trained net)
    bool each_ = false;     // some parameter varies: every value per neuron
    column<double> g_l_, e_l_, e_ex_, e_in_, v_th_, v_reset_, i_e_, theta_plus_, h_c_, g_tiny_, p_ex_, p_in_,
        mean_ex_, mean_in_, p_theta_;
    column<double> no_subtract_; // lif_cond_exp resets to V_reset
    column<std::int64_t> n_ref_;
};

} // namespace spikekit::neurons::detail

namespace spikekit::neurons::detail {
void add_exp_models(model_registry& r) {
    r.add(std::make_shared<table_model<lif_exp_group>>());
    r.add(std::make_shared<table_model<lif_cond_exp_group>>());
}
} // namespace spikekit::neurons::detail
