#pragma once
// The error types live in the I/O layer (spikekit::io), the lowest module; this header keeps every
// `#include "spikekit/core/error.hpp"` working.
#include "spikekit/io/error.hpp"
