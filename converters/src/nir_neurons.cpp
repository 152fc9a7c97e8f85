// NIR neuron nodes onto the kernel's models. NIR times are in seconds (as every writer uses them,
// conversion.md 2.5), spikekit's in ms; dt = --dt. A step's input value x (the weighted spikes of the step)
// is a current held constant over the step (zero-order hold); the linear dynamics are integrated exactly over
// the step with P = exp(-dt / tau) (the propagator; as lif_exact.csv of the NIR paper):
//
//   LIF  tau v' = (v_leak - v) + r I      -> lif_delta: V <- v_leak + (V - v_leak) P + g x,  g = r (1 - P)
//   LI   (the same, no spikes)            -> lif_delta with V_th = 1e30
//   IF   v' = r I                         -> if_delta:  V <- V + r x  (one integration per step: NIR's IF has
//   I    (the same, no spikes)               no time scale and every writer - Sinabs, snnTorch, Spyx - means
//                                            one update per step)
//   CubaLIF tau_syn I' = -I + w_in S, tau_mem v' = (v_leak - v) + r I
//        -> lif_exp with C_m = tau_mem [ms] (so that dV/dt = I'/tau_mem with I' = r I), tau_syn_ex =
//           tau_syn_in = tau_syn: I' <- I' P_syn + g x, g = r w_in (1 - P_syn): I is exact at the step ends;
//           lif_exp moves V with the current at the start of the step, so the part of a step's input that V
//           would see within that step reaches it one step later (an error of order dt / tau_mem).
//   CubaLI (the same, no spikes)          -> lif_exp with V_th = 1e30
//   Threshold z = [x > theta]             -> lif_delta with tau_m = dt / 1000 (P = exp(-1000) = 0 in double):
//                                            V = x each step
// Threshold test: the kernel spikes at V >= V_th, NIR at v > v_threshold (different only when V equals the
// threshold exactly). Reset: to v_reset (--reset zero) or V -= v_threshold - v_reset (--reset subtract); no
// refractory period. Initial V = v_leak (the resting state). r and w_in may differ per neuron (they are
// folded into the incoming weights); so may every other parameter: a population holds one value when a
// node's values are all equal, else one per neuron (population::per_neuron, a list).
#include "nir_neurons.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nir_shapes.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::converters::nirneurons {
namespace {

std::size_t size_of(const nir_node& n) {
    std::size_t s = 1;
    for (auto d : n.out_shape) s *= d;
    return s;
}

std::vector<double> values(const std::string& file, const nir_node& n, const char* f, double def) {
    return nirshapes::values(file, n, f, size_of(n), def);
}

// Parameter `name` of a population: one value when all neurons agree, else one per neuron.
void set_param(population& p, const std::string& name, const std::vector<double>& v) {
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    if (lo == v.end() || *lo == *hi) {
        p.params[name] = lo == v.end() ? 0.0 : *lo;
        p.per_neuron.erase(name);
        return;
    }
    value_spec s;
    s.type = value_spec::kind::list;
    s.values = v;
    p.per_neuron[name] = s;
    p.params.erase(name);
}

std::vector<double> positive_times(const std::string& file, const nir_node& n, const char* f) {
    auto t = values(file, n, f, 0.0);
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (!(t[i] > 0.0))
            throw input_error(file, "node '" + n.name + "' field '" + f + "' element " + std::to_string(i),
                              "expected a time constant > 0 s");
        t[i] *= 1000.0; // s -> ms
    }
    return t;
}

std::string fmt(double x) {
    std::ostringstream s;
    s.precision(10);
    s << x;
    return s.str();
}

// V_reset must stay below V_th for the kernel; for a node that never spikes any lower value will do.
bool subtract(const nir_node& n, const nir_import_options& o) {
    if (o.reset) return *o.reset == nir_reset::subtract;
    auto it = n.metadata.find("reset");
    return it != n.metadata.end() && it->second == "subtract";
}

void set_reset(population& p, const std::vector<double>& v_th, std::vector<double> v_reset, bool subtract) {
    for (std::size_t i = 0; i < v_reset.size(); ++i)
        if (!(v_reset[i] < v_th[i])) v_reset[i] = v_th[i] - 1.0; // only for a node that never spikes
    set_param(p, "V_th", v_th);
    set_param(p, "V_reset", v_reset);
    p.params["reset_subtract"] = subtract ? 1.0 : 0.0;
    p.params["t_ref"] = 0.0;
}

// The threshold and reset of a node (a non-spiking node never fires).
void set_reset(population& p, const std::string& file, const nir_node& n, const nir_import_options& o,
               bool spiking) {
    const std::size_t size = size_of(n);
    set_reset(p, spiking ? values(file, n, "v_threshold", 0.0) : std::vector<double>(size, never_fires),
              spiking ? values(file, n, "v_reset", 0.0) : std::vector<double>(size, 0.0), subtract(n, o));
}

// "= x" when every neuron has the same x, else "from lo to hi per neuron".
std::string fmt_range(const std::vector<double>& v) {
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    if (lo == v.end()) return "";
    return *lo == *hi ? "= " + fmt(*lo) : "from " + fmt(*lo) + " to " + fmt(*hi) + " per neuron";
}

mapped leaky(const std::string& file, const nir_node& n, const nir_import_options& o, bool spiking) {
    mapped m;
    const auto tau = positive_times(file, n, "tau");
    m.pop.model = "lif_delta";
    m.pop.params = {{"C_m", 1.0}};
    set_param(m.pop, "tau_m", tau);
    set_param(m.pop, "E_L", values(file, n, "v_leak", 0.0));
    set_reset(m.pop, file, n, o, spiking);
    const auto r = values(file, n, "r", 1.0);
    // r / (1 / (1 - P)) rather than r (1 - P): exactly 1 for the r = 1 / (1 - P) that export writes, so a
    // round trip keeps every weight bit for bit.
    std::vector<double> p;
    for (std::size_t i = 0; i < r.size(); ++i) {
        m.gain.push_back(r[i] / (1.0 / -std::expm1(-o.dt_ms / tau[i])));
        p.push_back(std::exp(-o.dt_ms / tau[i]));
    }
    m.note = n.name + " (" + n.type +
             "): lif_delta, V <- v_leak + (V - v_leak) P + r (1 - P) x, P = exp(-dt/tau) " + fmt_range(p);
    m.spiking = spiking;
    return m;
}

mapped integrator(const std::string& file, const nir_node& n, const nir_import_options& o, bool spiking) {
    mapped m;
    m.pop.model = "if_delta";
    set_reset(m.pop, file, n, o, spiking);
    m.gain = values(file, n, "r", 1.0);
    m.note = n.name + " (" + n.type + "): if_delta, V <- V + r x (one integration per step)";
    m.spiking = spiking;
    return m;
}

mapped cuba(const std::string& file, const nir_node& n, const nir_import_options& o, bool spiking) {
    mapped m;
    const auto tau_syn = positive_times(file, n, "tau_syn"), tau_mem = positive_times(file, n, "tau_mem");
    m.pop.model = "lif_exp";
    m.pop.params = {{"I_e", 0.0}};
    set_param(m.pop, "C_m", tau_mem);
    set_param(m.pop, "tau_m", tau_mem);
    set_param(m.pop, "tau_syn_ex", tau_syn);
    set_param(m.pop, "tau_syn_in", tau_syn);
    set_param(m.pop, "E_L", values(file, n, "v_leak", 0.0));
    set_reset(m.pop, file, n, o, spiking);
    const auto r = values(file, n, "r", 1.0), w_in = values(file, n, "w_in", 1.0);
    std::vector<double> p_syn, p_mem;
    for (std::size_t i = 0; i < r.size(); ++i) {
        const double one_minus = -std::expm1(-o.dt_ms / tau_syn[i]), unit = 1.0 / one_minus; // as for LIF
        m.gain.push_back(r[i] * (w_in[i] / unit));
        p_syn.push_back(1.0 - one_minus);
        p_mem.push_back(std::exp(-o.dt_ms / tau_mem[i]));
    }
    m.note = n.name + " (" + n.type +
             "): lif_exp, C_m = tau_mem, I <- I P_syn + r w_in (1 - P_syn) x, P_syn " + fmt_range(p_syn) +
             ", P_mem " + fmt_range(p_mem);
    m.spiking = spiking;
    return m;
}

mapped passthrough(const nir_node& n, const nir_import_options& o, const std::vector<double>& threshold,
                   bool spiking) {
    mapped m;
    m.pop.model = "lif_delta";
    m.pop.params = {{"tau_m", o.dt_ms * 1e-3}, {"E_L", 0.0}, {"C_m", 1.0}};
    set_reset(m.pop, threshold, std::vector<double>(threshold.size(), 0.0), false);
    m.gain.assign(size_of(n), 1.0);
    m.spiking = spiking;
    return m;
}

} // namespace

mapped map_neuron(const std::string& file, const nir_node& n, const nir_import_options& o) {
    mapped m;
    if (n.type == "LIF" || n.type == "LI")
        m = leaky(file, n, o, n.type == "LIF");
    else if (n.type == "IF" || n.type == "I")
        m = integrator(file, n, o, n.type == "IF");
    else if (n.type == "CubaLIF" || n.type == "CubaLI")
        m = cuba(file, n, o, n.type == "CubaLIF");
    else {
        m = passthrough(n, o, values(file, n, "threshold", 0.0), true);
        m.note = n.name + " (Threshold): lif_delta with P = 0, V = x, spike when V >= threshold";
    }
    m.pop.name = n.name;
    m.pop.size = static_cast<std::uint32_t>(size_of(n));
    return m;
}

mapped map_readout(const nir_node& out, const nir_import_options& o) {
    mapped m = passthrough(out, o, std::vector<double>(size_of(out), never_fires), false);
    m.pop.name = out.name;
    m.pop.size = static_cast<std::uint32_t>(size_of(out));
    m.note =
        out.name + " (Output after a linear node): lif_delta with P = 0 and no spikes, V = the step's input";
    return m;
}

} // namespace spikekit::converters::nirneurons
