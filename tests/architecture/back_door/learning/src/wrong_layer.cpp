// learning may not depend on neurons (docs/architecture.md).
#include "spikekit/neurons/models.hpp"
