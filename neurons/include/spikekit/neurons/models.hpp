#pragma once
// The built-in neuron models. Each model's equations, parameters (with units, defaults and ranges) and
// state variables are documented in its source file and printed by `spikekit models`.
//
//   if_delta       integrate-and-fire, no leak, voltage-jump synapses (ANN conversion)
//   lif_delta      leaky integrate-and-fire, voltage-jump synapses (NEST iaf_psc_delta; Brunel 2000)
//   lif_exp        LIF with exponential current synapses (NEST iaf_psc_exp; Brette 2007 CUBA)
//   lif_cond_exp   LIF with exponential conductance synapses (NEST iaf_cond_exp; Brette 2007 COBA)
//   izhikevich     Izhikevich (2003) quadratic model, voltage-jump synapses
//   adex           adaptive exponential IF (Brette & Gerstner 2005), exponential current synapses
//   lif_int        chip-style integer LIF (int_lif_arith.hpp)
//   poisson_source independent Poisson spike trains
//   spike_source   given spike times
#include "spikekit/core/model.hpp"

namespace spikekit::neurons {

model_registry builtin_models();

} // namespace spikekit::neurons
