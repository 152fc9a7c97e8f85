#pragma once
// The plasticity rule interface lives in core (spikekit/core/plasticity.hpp), next to the kernel that
// drives it; the rules live here. These names keep learning code short.
#include "spikekit/core/plasticity.hpp"

namespace spikekit::learning {
using spikekit::lower_args;
using spikekit::plastic_state;
using spikekit::plasticity_rule;
using spikekit::rule_registry;
using spikekit::slots_by_delay;
using spikekit::syn_range;
using spikekit::synapse_layout;
using spikekit::validate_plasticity;
} // namespace spikekit::learning
