#pragma once
// The built-in plasticity rules. Each rule's equations, parameters (units, defaults, ranges) and sources are
// documented in its source file, returned by plasticity_rule::doc() and summarised in docs/learning.md.
//
//   stdp_additive        pair STDP, weight-independent updates clipped at the bounds (Song et al. 2000)
//   stdp_multiplicative  pair STDP with weight-dependent updates (Guetig et al. 2003; mu = 1: van Rossum
//   2000) stdp_triplet         triplet STDP, all-to-all, visual-cortex parameters (Pfister & Gerstner 2006)
//   stdp_triplet_nearest triplet STDP, nearest-spike, visual-cortex parameters (Pfister & Gerstner 2006)
//   rstdp                reward-modulated STDP with eligibility traces (Izhikevich 2007)
//   stdp_int             on-chip integer STDP: LUT window, 1-8 bit weights, stochastic rounding, decay
//   normalization        synaptic normalization alone: incoming weight sum held constant
// Every pair/triplet rule takes "nearest" (0 all-to-all, 1 nearest-spike) and "norm_total" (> 0: after
// every norm_interval the incoming weights of each neuron are scaled to sum to norm_total).
#include "spikekit/learning/rule.hpp"

namespace spikekit::learning {

rule_registry builtin_rules();

} // namespace spikekit::learning
