// if_delta and lif_delta: integrate-and-fire neurons whose synapses make the membrane jump.
//
//   dV/dt = -(V - E_L) / tau_m + (I_e + I_ext) / C_m       (lif_delta; if_delta has no leak term)
//   a spike arriving with weight w [mV]: V += w
//   V >= V_th: spike; V = V_reset (or V -= V_th - V_reset when reset_subtract = 1); refractory t_ref
//
// Exact integration over a step h: V(t+h) = E_L + (V - E_L) P + (I_e + I_ext) tau_m/C_m (1 - P) + inputs,
// P = exp(-h / tau_m) (NEST iaf_psc_delta). During the refractory period V is held and inputs are dropped.
// With no external current and E_L < V_th the neuron cannot fire on its own, so it runs event-driven:
// a neuron is only visited when input arrives, and the decay since its last visit is applied in one go.
#include <array>
#include <algorithm>
#include <limits>

#include "model_base.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::neurons::detail {
namespace {

constexpr state_info delta_state[] = {{"V_m", "mV", "membrane potential"}};
constexpr receptor_info delta_receptors[] = {
    {"exc", "mV", "voltage jump per spike (any sign)"},
    {"inh", "mV", "voltage jump per spike (any sign; same as exc, kept for readable configs)"}};

class delta_group : public soa_group {
public:
    static constexpr bool shared_input = true;
    delta_group(const param_reader& r, std::uint32_t n, double dt, bool leaky)
        : soa_group(delta_state, n), last_(n, 0), leaky_(leaky), dt_(dt) {
        tau_ = leaky ? r("tau_m") : column<double>{std::numeric_limits<double>::infinity(), {}};
        e_l_ = leaky ? r("E_L") : column<double>{};
        const auto c_m = r("C_m");
        v_th_ = r("V_th");
        v_reset_ = r("V_reset");
        v_min_ = r("V_min");
        i_e_ = r("I_e");
        subtract_ = r("reset_subtract");
        n_ref_ = derive(
            n, [dt](double t) { return steps_of(t, dt); }, r("t_ref"));
        p22_ = derive(
            n, [&](double tau) { return leaky ? std::exp(-dt / tau) : 1.0; }, tau_);
        p20_ = derive(
            n, [&](double tau, double c) { return leaky ? tau / c * (1.0 - std::exp(-dt / tau)) : dt / c; },
            tau_, c_m);
        tau_varies_ = tau_.varies();
        each_ =
            spread_if_any_varies(n, tau_, e_l_, v_th_, v_reset_, v_min_, i_e_, subtract_, n_ref_, p22_, p20_);
        for (std::uint32_t i = 0; i < n; ++i) vars_[0][i] = e_l_[i];
        expose("t_last", last_);
        for (std::size_t k = 0; k < decay_.size(); ++k)
            decay_[k] = std::exp(-static_cast<double>(k) * dt_ / tau_.one);
    }

    // V is up to date at the start of step last_[i], which cannot lie after the restored step (a later one
    // would index the decay table with a negative gap).
    std::string invalid_state(std::int64_t step) const override {
        for (std::size_t i = 0; i < last_.size(); ++i)
            if (last_[i] < 0 || last_[i] > step)
                return "t_last[" + std::to_string(i) + "] = " + std::to_string(last_[i]) + ": outside [0, " +
                       std::to_string(step) + "]";
        return {};
    }

    bool enable_event_driven() override {
        event_driven_ = true;
        for (std::size_t i = 0; i < last_.size() && event_driven_; ++i)
            event_driven_ = i_e_[i] == 0.0 && (!leaky_ || e_l_[i] < v_th_[i]);
        return event_driven_;
    }

    double get(std::size_t, std::uint32_t i, std::int64_t step) const override {
        const double v = vars_[0][i];
        if (!event_driven_ || !leaky_) return v;
        const auto from = std::max(last_[i], ref_end_[i]);
        return step <= from ? v : e_l_[i] + (v - e_l_[i]) * decay(step - from, i);
    }

    void step(const step_args& a, std::uint32_t begin, std::uint32_t end, std::vector<std::uint32_t>& spikes) override {
        if (each_)
            step_with<true>(a, begin, end, spikes);
        else
            step_with<false>(a, begin, end, spikes);
    }

  private:
    template <bool Each>
    void step_with(const step_args& a, std::uint32_t begin, std::uint32_t end,
                   std::vector<std::uint32_t>& spikes) {
        float* in0 = a.input[0]; // both receptors share this channel (shared_input)
        double* v = vars_[0].data();
        std::int64_t* ref = ref_end_.data();
        const std::int64_t s = a.step;
        const auto e_l = view<Each>(e_l_), v_min = view<Each>(v_min_), i_e = view<Each>(i_e_),
                   p22 = view<Each>(p22_), p20 = view<Each>(p20_);
        if (event_driven_) {
            for (std::uint32_t i = begin; i < end; ++i) {
                if (in0[i] == 0.0f && s != 0) continue; // nothing arrived: not touched
                const double x = static_cast<double>(in0[i]);
                in0[i] = 0.0f;
                ++updates_;
                if (s < ref[i]) continue;
                const auto from = std::max(last_[i], ref[i]);
                double vi = v[i];
                if (leaky_) vi = e_l[i] + (vi - e_l[i]) * decay(s + 1 - from, i);
                vi = std::max(vi + x, v_min[i]);
                last_[i] = s + 1;
                fire<Each>(vi, i, s, ref, spikes);
                v[i] = vi;
            }
            return;
        }
        const double* ext = a.i_ext;
        updates_ += end - begin;
        for (std::uint32_t i = begin; i < end; ++i) {
            const double x = static_cast<double>(in0[i]);
            in0[i] = 0.0f;
            if (s < ref[i]) continue;
            const double cur = i_e[i] + (ext ? ext[i] : 0.0);
            double vi = e_l[i] + (v[i] - e_l[i]) * p22[i] + p20[i] * cur + x;
            vi = std::max(vi, v_min[i]);
            fire<Each>(vi, i, s, ref, spikes);
            v[i] = vi;
        }
    }

    // exp(-k dt / tau): tabulated for the short gaps that dominate (a neuron driven every step has k = 1),
    // computed the same way either side of the table so values never depend on the gap's length class. A
    // tau that varies from neuron to neuron is computed for each.
    double decay(std::int64_t k, std::uint32_t i) const {
        if (tau_varies_) return std::exp(-static_cast<double>(k) * dt_ / tau_.each[i]);
        return k < static_cast<std::int64_t>(decay_.size())
                   ? decay_[static_cast<std::size_t>(k)]
                   : std::exp(-static_cast<double>(k) * dt_ / tau_.one);
    }

    template <bool Each>
    void fire(double& vi, std::uint32_t i, std::int64_t s, std::int64_t* ref,
              std::vector<std::uint32_t>& spikes) const {
        const auto v_th = view<Each>(v_th_), v_reset = view<Each>(v_reset_), sub = view<Each>(subtract_);
        if (vi < v_th[i]) return;
        vi = sub[i] != 0.0 ? vi - (v_th[i] - v_reset[i]) : v_reset[i];
        ref[i] = s + 1 + view<Each>(n_ref_)[i];
        spikes.push_back(i);
    }

    std::vector<std::int64_t> last_; // event-driven: V is up to date at the start of step last_[i]
    bool leaky_;
    bool event_driven_ = false;
    bool each_ = false;       // some parameter varies: every value per neuron
    bool tau_varies_ = false; // decay computed per neuron, not from the table
    double dt_;
    column<double> tau_, e_l_, v_th_, v_reset_, v_min_, i_e_, subtract_, p22_, p20_;
    column<std::int64_t> n_ref_;
    std::array<double, 256> decay_{};
};

std::string check_reset(const param_map& p) {
    if (param(p, "V_reset") >= param(p, "V_th")) return "expected V_reset < V_th";
    return {};
}

} // namespace

struct lif_delta_group final : delta_group {
    lif_delta_group(const param_reader& p, std::uint32_t n, double dt,
                    const std::vector<std::vector<double>>&)
        : delta_group(p, n, dt, true) {}
    static constexpr std::string_view name = "lif_delta";
    static constexpr std::string_view doc =
        "Leaky integrate-and-fire with voltage-jump synapses (NEST iaf_psc_delta).\n"
        "  dV/dt = -(V - E_L)/tau_m + (I_e + I_ext)/C_m; a spike of weight w [mV] adds w to V.\n"
        "  V >= V_th: spike, V = V_reset (or V -= V_th - V_reset if reset_subtract), refractory t_ref.\n"
        "  Exact integration; event-driven when I_e = 0, no current input and E_L < V_th.";
    static constexpr param_info params[] = {
        {"tau_m", "ms", 10.0, 0.0, unbounded, "membrane time constant", false, true},
        {"C_m", "pF", 250.0, 0.0, unbounded, "membrane capacitance", false, true},
        {"E_L", "mV", -70.0, -unbounded, unbounded, "resting potential"},
        {"V_th", "mV", -55.0, -unbounded, unbounded, "spike threshold"},
        {"V_reset", "mV", -70.0, -unbounded, unbounded, "reset potential"},
        {"V_min", "mV", -unbounded, -unbounded, unbounded, "lower bound of V"},
        {"t_ref", "ms", 2.0, 0.0, 1e6, "refractory period"},
        {"I_e", "pA", 0.0, -unbounded, unbounded, "constant external current"},
        {"reset_subtract", "1", 0.0, 0.0, 1.0, "1: reset by subtracting V_th - V_reset", true},
    };
    static constexpr auto& state = delta_state;
    static constexpr auto& receptors = delta_receptors;
    static constexpr bool source = false;
    static std::string check(const param_map& p) { return check_reset(p); }
};

struct if_delta_group final : delta_group {
    if_delta_group(const param_reader& p, std::uint32_t n, double dt, const std::vector<std::vector<double>>&)
        : delta_group(p, n, dt, false) {}
    static constexpr std::string_view name = "if_delta";
    static constexpr std::string_view doc =
        "Integrate-and-fire without leak, voltage-jump synapses (the neuron of ANN-to-SNN conversion).\n"
        "  dV/dt = (I_e + I_ext)/C_m; a spike of weight w adds w to V.\n"
        "  V >= V_th: spike, V = V_reset or, with reset_subtract = 1, V -= V_th - V_reset.";
    static constexpr param_info params[] = {
        {"C_m", "pF", 1.0, 0.0, unbounded, "membrane capacitance", false, true},
        {"V_th", "mV", 1.0, -unbounded, unbounded, "spike threshold"},
        {"V_reset", "mV", 0.0, -unbounded, unbounded, "reset potential"},
        {"V_min", "mV", -unbounded, -unbounded, unbounded, "lower bound of V"},
        {"t_ref", "ms", 0.0, 0.0, 1e6, "refractory period"},
        {"I_e", "pA", 0.0, -unbounded, unbounded, "constant external current"},
        {"reset_subtract", "1", 1.0, 0.0, 1.0, "1: reset by subtracting V_th - V_reset", true},
    };
    static constexpr auto& state = delta_state;
    static constexpr auto& receptors = delta_receptors;
    static constexpr bool source = false;
    static std::string check(const param_map& p) { return check_reset(p); }
};

} // namespace spikekit::neurons::detail

namespace spikekit::neurons::detail {
void add_delta_models(model_registry& r) {
    r.add(std::make_shared<table_model<lif_delta_group>>());
    r.add(std::make_shared<table_model<if_delta_group>>());
}
} // namespace spikekit::neurons::detail
