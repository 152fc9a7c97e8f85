#pragma once
// Forwarding header: the integer STDP rule now lives in the spikekit::arith target.
#include "spikekit/arith/int_stdp.hpp"
