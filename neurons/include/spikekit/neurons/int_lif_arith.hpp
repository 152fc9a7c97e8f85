#pragma once
// Forwarding header: the integer LIF step now lives in the spikekit::arith target.
#include "spikekit/arith/int_lif.hpp"
