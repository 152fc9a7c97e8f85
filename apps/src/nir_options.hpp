#pragma once
// The import options (--dt, --reset, --duration, --lenient) shared by `spikekit import` and `evaluate`.
#include "cli.hpp"
#include "spikekit/converters/nir.hpp"

namespace spikekit::app {

converters::nir_import_options nir_options(const args& a);

} // namespace spikekit::app
