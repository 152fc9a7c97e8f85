#include "spikekit/events/event.hpp"
