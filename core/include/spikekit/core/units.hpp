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

// The table of known units; nullopt for an unknown symbol.
std::optional<unit_info> find(std::string_view symbol);

// Convert `value` given in unit `from` into unit `to`. Throws std::invalid_argument naming both units if
// their dimensions differ or either is unknown.
double convert(double value, std::string_view from, std::string_view to);

// Parse "value unit" (or "value" alone, taken as `declared`) and return the value in `declared`.
// Throws std::invalid_argument with a message saying what was expected.
double parse_quantity(std::string_view text, std::string_view declared);

} // namespace spikekit::units
