#pragma once
// Physical units at the boundary of the library (CONVENTIONS.md #2).
//
// Every parameter declares the unit it is stored in ("ms", "mV", "pA", "nS", "pF", "Hz", "MOhm", "1").
// Users may write a bare number (taken in the declared unit) or a string "value unit" ("20 ms", "0.2 s",
// "-65 mV"); a string is converted to the declared unit once, when the description is loaded, and a unit
// of another dimension is an error.
#include <optional>
#include <string>
#include <string_view>

namespace spikekit::units {

struct unit_info {
    std::string_view symbol;
    std::string_view dimension; // "time", "voltage", ...
    double scale;               // value of one unit in the SI base unit of its dimension
};

// The table of known units; nullopt for an unknown symbol. Brian2's long names (second, msecond, mvolt,
// nsiemens, pfarad, hertz, ...) and a micro sign (µs, μs) for the prefix u are accepted as well.
std::optional<unit_info> find(std::string_view symbol);

// The known units of `dimension` ("time", ...; empty: all), as a list for messages.
std::string known_units(std::string_view dimension);

// Convert `value` given in unit `from` into unit `to`. Throws std::invalid_argument naming both units if
// their dimensions differ or either is unknown.
double convert(double value, std::string_view from, std::string_view to);

// Parse "value unit", "valueunit" or Brian2's "value*unit" (or "value" alone, taken as `declared`) and return
// the value in `declared`: "10ms", "10 ms", "20*ms", "0.5 second", "300 µs". The one unit parser of configs
// and command-line options alike. Throws std::invalid_argument saying what was expected; an unknown unit's
// message lists the known units of the declared dimension.
double parse_quantity(std::string_view text, std::string_view declared);

} // namespace spikekit::units
