// Non-linear models: Izhikevich and AdEx.
//
// izhikevich (Izhikevich 2003; NEST izhikevich):
//   dV/dt = 0.04 V^2 + 5 V + 140 - U + I_e + I_ext     [V in mV, t in ms; currents in the model's own
//   dU/dt = a (b V - U)                                  units, as in NEST: added directly to dV/dt]
//   V >= V_th (30 mV): spike, V = c, U += d. Spikes arriving with weight w [mV] add w to V.
//   Integrated with the forward Euler step of the original paper on the step dt, using the values at the
//   start of the step for both equations (NEST's consistent_integration).
//
// adex (Brette & Gerstner 2005; NEST aeif_psc_exp):
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w + I_syn_ex + I_syn_in + I_e + I_ext
//   tau_w dw/dt = a (V - E_L) - w
//   dI_syn_x/dt = -I_syn_x / tau_syn_x; a spike of weight w [pA] adds to I_syn_x.
//   V >= V_peak: spike, V = V_reset, w += b, refractory t_ref (V clamped).
//   Classical RK4 on substeps of at most 0.01 ms (the exponential term is stiff near threshold).
#include <algorithm>

#include "model_base.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::neurons::detail {
namespace {

constexpr state_info izh_state[] = {{"V_m", "mV", "membrane potential"}, {"U_m", "1", "recovery variable"}};
constexpr receptor_info izh_receptors[] = {{"exc", "mV", "voltage jump"}, {"inh", "mV", "voltage jump"}};

struct izhikevich_group final : soa_group {
    static constexpr std::string_view name = "izhikevich";
    static constexpr std::string_view doc =
        "Izhikevich (2003) neuron (NEST izhikevich).\n"
        "  dV/dt = 0.04 V^2 + 5 V + 140 - U + I_e + I_ext; dU/dt = a (b V - U)\n"
        "  V >= V_th: spike, V = c, U += d; a spike of weight w [mV] adds w to V. Forward Euler.";
    static constexpr param_info params[] = {
        {"a", "1", 0.02, -unbounded, unbounded, "recovery time scale [1/ms]"},
        {"b", "1", 0.2, -unbounded, unbounded, "recovery sensitivity"},
        {"c", "mV", -65.0, -unbounded, unbounded, "reset potential"},
        {"d", "1", 8.0, -unbounded, unbounded, "recovery increment"},
        {"V_th", "mV", 30.0, -unbounded, unbounded, "spike cut-off"},
        {"V_min", "mV", -unbounded, -unbounded, unbounded, "lower bound of V"},
        {"I_e", "pA", 0.0, -unbounded, unbounded, "constant input (added to dV/dt as in NEST)"},
    };
    static constexpr auto& state = izh_state;
    static constexpr auto& receptors = izh_receptors;
    static constexpr bool source = false;
    static std::string check(const param_map& p) {
        return param(p, "c") >= param(p, "V_th") ? "expected c < V_th" : std::string();
    }

    izhikevich_group(const param_reader& r, std::uint32_t n, double dt,
                     const std::vector<std::vector<double>>&)
        : soa_group(izh_state, n), a_(r("a")), b_(r("b")), c_(r("c")), d_(r("d")), v_th_(r("V_th")),
          v_min_(r("V_min")), i_e_(r("I_e")), h_(dt) {
        for (std::uint32_t i = 0; i < n; ++i) {
            vars_[0][i] = c_[i];
            vars_[1][i] = b_[i] * c_[i];
        }
    }

    // One loop for one value or per-neuron values: column[i] is a predictable branch, small beside the
    // Euler step.
    void step(const step_args& a, std::uint32_t begin, std::uint32_t end, std::vector<std::uint32_t>& spikes) override {
        double* v = vars_[0].data();
        double* u = vars_[1].data();
        updates_ += end - begin;
        for (std::uint32_t i = begin; i < end; ++i) {
            const double x = static_cast<double>(a.input[0][i]) + static_cast<double>(a.input[1][i]);
            a.input[0][i] = a.input[1][i] = 0.0f;
            const double cur = i_e_[i] + (a.i_ext ? a.i_ext[i] : 0.0);
            const double v0 = v[i], u0 = u[i];
            v[i] = std::max(v0 + h_ * (0.04 * v0 * v0 + 5.0 * v0 + 140.0 - u0 + cur) + x, v_min_[i]);
            u[i] = u0 + h_ * a_[i] * (b_[i] * v0 - u0);
            if (v[i] >= v_th_[i]) {
                v[i] = c_[i];
                u[i] += d_[i];
                spikes.push_back(i);
            }
        }
    }

private:
  column<double> a_, b_, c_, d_, v_th_, v_min_, i_e_;
  double h_;
};

constexpr state_info adex_state[] = {{"V_m", "mV", "membrane potential"},
                                     {"w", "pA", "adaptation current"},
                                     {"I_syn_ex", "pA", "excitatory synaptic current"},
                                     {"I_syn_in", "pA", "inhibitory synaptic current"}};
constexpr receptor_info adex_receptors[] = {{"exc", "pA", "current jump"}, {"inh", "pA", "current jump (negative)"}};

struct adex_group final : soa_group {
    static constexpr std::string_view name = "adex";
    static constexpr std::string_view doc =
        "Adaptive exponential integrate-and-fire (Brette & Gerstner 2005; NEST aeif_psc_exp).\n"
        "  C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w + I_syn + I_e + I_ext\n"
        "  tau_w dw/dt = a (V - E_L) - w; V >= V_peak: spike, V = V_reset, w += b. RK4 on <= 0.01 ms substeps.";
    static constexpr param_info params[] = {
        {"C_m", "pF", 281.0, 0.0, unbounded, "membrane capacitance", false, true},
        {"g_L", "nS", 30.0, 0.0, unbounded, "leak conductance", false, true},
        {"E_L", "mV", -70.6, -unbounded, unbounded, "leak reversal potential"},
        {"V_T", "mV", -50.4, -unbounded, unbounded, "exponential threshold"},
        {"Delta_T", "mV", 2.0, 0.0, unbounded, "slope factor", false, true},
        {"V_peak", "mV", 0.0, -unbounded, unbounded, "spike detection"},
        {"V_reset", "mV", -70.6, -unbounded, unbounded, "reset potential"},
        {"tau_w", "ms", 144.0, 0.0, unbounded, "adaptation time constant", false, true},
        {"a", "nS", 4.0, -unbounded, unbounded, "subthreshold adaptation"},
        {"b", "pA", 80.5, -unbounded, unbounded, "spike-triggered adaptation"},
        {"t_ref", "ms", 0.0, 0.0, 1e6, "refractory period"},
        {"tau_syn_ex", "ms", 0.2, 0.0, unbounded, "excitatory synaptic time constant", false, true},
        {"tau_syn_in", "ms", 2.0, 0.0, unbounded, "inhibitory synaptic time constant", false, true},
        {"I_e", "pA", 0.0, -unbounded, unbounded, "constant external current"},
    };
    static constexpr auto& state = adex_state;
    static constexpr auto& receptors = adex_receptors;
    static constexpr bool source = false;
    static std::string check(const param_map& p) {
        if (param(p, "V_reset") >= param(p, "V_peak")) return "expected V_reset < V_peak";
        if (param(p, "V_T") >= param(p, "V_peak")) return "expected V_T < V_peak";
        return {};
    }

    adex_group(const param_reader& r, std::uint32_t n, double dt, const std::vector<std::vector<double>>&)
        : soa_group(adex_state, n) {
        for (const char* k : {"C_m", "g_L", "E_L", "V_T", "Delta_T", "V_peak", "V_reset", "tau_w", "a", "b",
                              "tau_syn_ex", "tau_syn_in", "I_e"})
            cols_.push_back(r(k));
        n_ref_ = derive(
            n, [dt](double t) { return steps_of(t, dt); }, r("t_ref"));
        substeps_ = std::max(1, static_cast<int>(std::ceil(dt / 0.01 - 1e-9)));
        h_ = dt / substeps_;
        for (std::uint32_t i = 0; i < n; ++i) vars_[0][i] = cols_[2][i];
    }

    void step(const step_args& a, std::uint32_t begin, std::uint32_t end, std::vector<std::uint32_t>& spikes) override {
        updates_ += end - begin;
        for (std::uint32_t i = begin; i < end; ++i) {
            const consts k = at(i);
            const double cur = k.i_e + (a.i_ext ? a.i_ext[i] : 0.0);
            double y[4] = {vars_[0][i], vars_[1][i], vars_[2][i], vars_[3][i]};
            const bool refractory = a.step < ref_end_[i];
            bool spiked = false;
            for (int s = 0; s < substeps_ && !spiked; ++s) {
                rk4(k, y, cur, refractory);
                spiked = !refractory && y[0] >= k.v_peak;
            }
            y[2] += static_cast<double>(a.input[0][i]);
            y[3] += static_cast<double>(a.input[1][i]);
            a.input[0][i] = a.input[1][i] = 0.0f;
            if (spiked) {
                y[0] = k.v_reset;
                y[1] += k.b;
                ref_end_[i] = a.step + 1 + n_ref_[i];
                spikes.push_back(i);
            }
            for (int j = 0; j < 4; ++j) vars_[static_cast<std::size_t>(j)][i] = y[j];
        }
    }

private:
  // The parameters of one neuron, in the order of cols_.
  struct consts {
      double c, g_l, e_l, v_t, d_t, v_peak, v_reset, tau_w, a, b, tau_e, tau_i, i_e;
  };
  consts at(std::uint32_t i) const {
      const auto& q = cols_;
      return {q[0][i], q[1][i], q[2][i], q[3][i],  q[4][i],  q[5][i], q[6][i],
              q[7][i], q[8][i], q[9][i], q[10][i], q[11][i], q[12][i]};
  }
  void deriv(const consts& k, const double* y, double cur, bool refractory, double* dy) const {
      const double v = refractory ? k.v_reset : std::min(y[0], k.v_peak);
      const double ex = k.g_l * k.d_t * std::exp(std::min((v - k.v_t) / k.d_t, 50.0));
      dy[0] = refractory ? 0.0 : (-k.g_l * (v - k.e_l) + ex - y[1] + y[2] + y[3] + cur) / k.c;
      dy[1] = (k.a * (v - k.e_l) - y[1]) / k.tau_w;
      dy[2] = -y[2] / k.tau_e;
      dy[3] = -y[3] / k.tau_i;
  }
  void rk4(const consts& k, double* y, double cur, bool refractory) const {
      double k1[4], k2[4], k3[4], k4[4], t[4];
      deriv(k, y, cur, refractory, k1);
      for (int j = 0; j < 4; ++j) t[j] = y[j] + 0.5 * h_ * k1[j];
      deriv(k, t, cur, refractory, k2);
      for (int j = 0; j < 4; ++j) t[j] = y[j] + 0.5 * h_ * k2[j];
      deriv(k, t, cur, refractory, k3);
      for (int j = 0; j < 4; ++j) t[j] = y[j] + h_ * k3[j];
      deriv(k, t, cur, refractory, k4);
      for (int j = 0; j < 4; ++j) y[j] += h_ / 6.0 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
  }
  std::vector<column<double>> cols_;
  column<std::int64_t> n_ref_;
  double h_;
  int substeps_;
};

} // namespace

void add_nonlinear_models(model_registry& r) {
    r.add(std::make_shared<table_model<izhikevich_group>>());
    r.add(std::make_shared<table_model<adex_group>>());
}

} // namespace spikekit::neurons::detail
