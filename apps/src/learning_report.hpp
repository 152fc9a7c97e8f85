#pragma once
// What a plastic run learned, printed by `spikekit run` at its end (the JSON form is in the run summary).
#include <vector>

#include "spikekit/core/summary.hpp"

namespace spikekit::app {

// The learned weights at the end of `spikekit run`'s text report (compare_weights in core/summary.hpp).
void print_weights(const std::vector<weight_change>& changes);

} // namespace spikekit::app
