#pragma once
// The unsupervised digit-learning network of Diehl & Cook (2015, Front. Comput. Neurosci. 9:99) as a network
// description, run by the simulation kernel (core/include/spikekit/core/simulation.hpp).
//
//   input   784 relays (if_delta, one spike per step with >= 1 Poisson event) of the Poisson input "pixels",
//           rate = pixel / 255 * 63.75 Hz per neuron (set_rates before each digit)
//   exc     n lif_cond_exp: tau_m 100 ms (C_m 100 pF, g_L 1 nS), E_L -65, V_reset -65, V_th -52 mV + theta,
//           t_ref 5 ms, E_ex 0, E_in -100 mV, tau_syn 1 / 2 ms; theta += theta_plus per spike, tau_theta 1e7
//           ms
//   inh     n lif_cond_exp: tau_m 10 ms (C_m 10 pF, g_L 1 nS), E_L -60, V_reset -45, V_th -40 mV, t_ref 2 ms,
//           E_in -85 mV
//   input -> exc  all-to-all, plastic: stdp_additive, nearest-spike, A_plus 0.01, A_minus 0.0001, tau 20 ms,
//                 w in [0, 1], initial uniform [0, 0.3] nS; incoming sum of each neuron normalized to 78
//                 every 500 ms (after each digit and its rest)
//   exc -> inh    one-to-one, 10.4 nS;   inh -> exc  all but the own partner, `inhibition` nS (17 in the
//   paper)
// Conductances are in units of the leak conductance (g_L = 1 nS), as in the paper's equations.
// Each digit is shown for 350 ms, then 150 ms of rest with the input off (dt 0.5 ms); with fewer than 5
// excitatory spikes it is shown again with the maximum rate raised by 32 Hz (up to 4 times), as in the paper.
// Simplifications against the paper: input -> exc delays are one step (0.5 ms) instead of random in [0, 10]
// ms, the STDP rule is pair-based (the paper's post-synaptic update also depends on a second, slower post
// trace), and the first digit sees the unnormalized initial weights.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "learning_mnist.hpp"
#include "spikekit/core/network.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/learning/rules.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::bench {

// The two homeostasis/competition strengths, exposed to study their effect; chosen on a validation split
// held out of the training digits (learning_digits.cpp --validate, docs/learning.md).
struct dc_options {
    double theta_plus = 0.05; // mV per spike (Diehl & Cook, 100 neurons)
    double inhibition = 17.0; // nS, inh -> exc
    unsigned threads = 1;
    std::uint64_t seed = 1;
};

inline network_description dc_description(std::uint32_t n, const dc_options& o) {
    network_description d;
    d.name = "diehl_cook_2015";
    d.sim = {0.5, 0.0, o.seed, o.threads};
    d.populations = {
        {"input",
         static_cast<std::uint32_t>(mnist_pixels),
         "if_delta",
         {{"reset_subtract", 0.0}},
         {},
         {},
         {},
         {}},
        {"exc",
         n,
         "lif_cond_exp",
         {{"C_m", 100.0},
          {"g_L", 1.0},
          {"E_L", -65.0},
          {"V_reset", -65.0},
          {"V_th", -52.0},
          {"t_ref", 5.0},
          {"E_ex", 0.0},
          {"E_in", -100.0},
          {"tau_syn_ex", 1.0},
          {"tau_syn_in", 2.0},
          {"theta_plus", o.theta_plus},
          {"tau_theta", 1e7}},
         {},
         {},
         {},
         {}},
        {"inh",
         n,
         "lif_cond_exp",
         {{"C_m", 10.0},
          {"g_L", 1.0},
          {"E_L", -60.0},
          {"V_reset", -45.0},
          {"V_th", -40.0},
          {"t_ref", 2.0},
          {"E_ex", 0.0},
          {"E_in", -85.0},
          {"tau_syn_ex", 1.0},
          {"tau_syn_in", 2.0}},
         {},
         {},
         {},
         {}},
    };
    projection in;
    in.name = "input->exc";
    in.source = "input";
    in.target = "exc";
    in.receptor = "exc";
    in.weight.type = value_spec::kind::uniform;
    in.weight.high = 0.3;
    in.delay = value_spec::constant_of(0.5);
    in.plasticity = plasticity_spec{"stdp_additive",
                                    {{"A_plus", 0.01},
                                     {"A_minus", 1e-4},
                                     {"tau_plus", 20.0},
                                     {"tau_minus", 20.0},
                                     {"nearest", 1},
                                     {"w_max", 1.0},
                                     {"norm_total", 78.0},
                                     {"norm_interval", 500.0}}};
    projection ei;
    ei.source = "exc";
    ei.target = "inh";
    ei.receptor = "exc";
    ei.conn.type = connectivity::kind::one_to_one;
    ei.weight = value_spec::constant_of(10.4);
    ei.delay = value_spec::constant_of(0.5);
    projection ie = ei;
    ie.source = "inh";
    ie.target = "exc";
    ie.receptor = "inh";
    ie.conn.type = connectivity::kind::list;
    for (std::uint32_t i = 0; i < n; ++i)
        for (std::uint32_t j = 0; j < n; ++j)
            if (i != j) {
                ie.conn.sources.push_back(i);
                ie.conn.targets.push_back(j);
            }
    ie.weight = value_spec::constant_of(o.inhibition);
    d.projections = {in, ei, ie};
    input px;
    px.name = "pixels";
    px.target = "input";
    px.receptor = "exc";
    px.weight = 1.0;
    d.inputs = {px};
    d.spike_recorders = {{"exc", {}}};
    return d;
}

class dc_network {
public:
  static constexpr double dt = 0.5, present_ms = 350.0, rest_ms = 150.0, max_rate_hz = 63.75;

  dc_network(std::uint32_t n, const dc_options& o = {})
      : n_(n), models_(neurons::builtin_models()), rules_(learning::builtin_rules()),
        sim_(std::make_unique<simulation>(dc_description(n, o), models_, o.threads, &rules_)) {}

  // Show one digit, then rest; returns the spike count of each excitatory neuron during the digit. With
  // `learn`, STDP, normalization and threshold adaptation run; without, weights and thresholds stay fixed.
  std::vector<std::uint32_t> present(const std::uint8_t* image, bool learn) {
      sim_->set_learning(learn);
      std::vector<std::uint32_t> counts(n_, 0);
      std::vector<double> rates(mnist_pixels, 0.0);
      for (int attempt = 0; attempt < 5; ++attempt) {
          const double top = max_rate_hz + 32.0 * attempt;
          for (std::size_t p = 0; p < mnist_pixels; ++p) rates[p] = image[p] / 255.0 * top;
          sim_->set_rates("pixels", rates);
          const std::size_t before = sim_->spikes()[0].node_ids.size();
          sim_->run(present_ms);
          std::fill(counts.begin(), counts.end(), 0u);
          const auto& ids = sim_->spikes()[0].node_ids;
          for (std::size_t k = before; k < ids.size(); ++k) ++counts[ids[k]];
          const std::size_t total = ids.size() - before;
          std::fill(rates.begin(), rates.end(), 0.0);
          sim_->set_rates("pixels", rates);
          sim_->run(rest_ms);
          if (total >= 5) break;
      }
      return counts;
    }

    std::uint32_t size() const { return n_; }
    // Learned input -> exc weights as [pixel * n + neuron].
    std::vector<float> weights() const {
        const auto w = sim_->plastic_weights().at(0);
        std::vector<float> out(mnist_pixels * n_, 0.0f);
        for (std::size_t k = 0; k < w.weight.size(); ++k)
            out[std::size_t{w.source[k]} * n_ + w.target[k]] = w.weight[k];
        return out;
    }
    simulation& sim() { return *sim_; }

  private:
    std::uint32_t n_;
    model_registry models_;
    rule_registry rules_;
    std::unique_ptr<simulation> sim_;
};

} // namespace spikekit::bench
