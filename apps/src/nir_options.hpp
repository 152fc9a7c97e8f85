#pragma once
// The import options (--dt, --reset, --duration, --lenient) shared by `spikekit import` and `evaluate`.
#include "cli.hpp"
#include "spikekit/converters/nir.hpp"

namespace spikekit::app {

converters::nir_import_options nir_options(const args& a);
// A time option with a unit ("0.1ms", "1 s"; a bare number is in ms), or `def` when absent.
double time_option(const args& a, const std::string& o, double def);

} // namespace spikekit::app
