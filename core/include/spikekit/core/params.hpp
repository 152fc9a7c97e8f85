#pragma once
// Parameters declared as data (CONVENTIONS.md #4): one table per model or rule drives config parsing,
// validation, documentation, output and (later) conversion and chip mapping.
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>

namespace spikekit {

inline constexpr double unbounded = std::numeric_limits<double>::infinity();

struct param_info {
    std::string_view name;
    std::string_view unit; // declared unit, see units.hpp ("1" = dimensionless)
    double default_value;
    double min = -unbounded; // inclusive
    double max = unbounded;  // inclusive
    std::string_view doc = {};
    bool integer = false; // the value must be a whole number
    bool min_exclusive = false;
};

struct state_info {
    std::string_view name;
    std::string_view unit;
    std::string_view doc = {};
};

using param_map = std::map<std::string, double, std::less<>>;

// Default-filled copy of `given` (given values override defaults).
param_map with_defaults(std::span<const param_info> table, const param_map& given);

// Find a parameter by name; nullptr if absent.
const param_info* find_param(std::span<const param_info> table, std::string_view name);

// Empty string when `value` is valid for `p`, otherwise a message such as "expected a value > 0 ms, got -1".
std::string check_range(const param_info& p, double value);

} // namespace spikekit
