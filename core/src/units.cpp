#include "spikekit/core/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace spikekit::units {
namespace {
constexpr std::array<unit_info, 33> table{{
    {"s", "time", 1.0},
    {"ms", "time", 1e-3},
    {"us", "time", 1e-6},
    {"V", "voltage", 1.0},
    {"mV", "voltage", 1e-3},
    {"uV", "voltage", 1e-6},
    {"A", "current", 1.0},
    {"nA", "current", 1e-9},
    {"pA", "current", 1e-12},
    {"S", "conductance", 1.0},
    {"uS", "conductance", 1e-6},
    {"nS", "conductance", 1e-9},
    {"F", "capacitance", 1.0},
    {"nF", "capacitance", 1e-9},
    {"pF", "capacitance", 1e-12},
    {"Hz", "frequency", 1.0},
    {"kHz", "frequency", 1e3},
    {"Ohm", "resistance", 1.0},
    {"kOhm", "resistance", 1e3},
    {"MOhm", "resistance", 1e6},
    {"GOhm", "resistance", 1e9},
    {"1", "dimensionless", 1.0},
    {"int", "integer", 1.0},
    {"steps", "steps", 1.0},
    // Memory (--max-memory): decimal and binary multiples of a byte.
    {"B", "memory", 1.0},
    {"kB", "memory", 1e3},
    {"MB", "memory", 1e6},
    {"GB", "memory", 1e9},
    {"TB", "memory", 1e12},
    {"KiB", "memory", 1024.0},
    {"MiB", "memory", 1048576.0},
    {"GiB", "memory", 1073741824.0},
    {"TiB", "memory", 1099511627776.0},
}};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}
} // namespace

std::optional<unit_info> find(std::string_view symbol) {
    for (const auto& u : table)
        if (u.symbol == symbol) return u;
    return std::nullopt;
}

double convert(double value, std::string_view from, std::string_view to) {
    if (from == to) return value;
    auto f = find(from), t = find(to);
    if (!f) throw std::invalid_argument("unknown unit '" + std::string(from) + "'");
    if (!t) throw std::invalid_argument("unknown unit '" + std::string(to) + "'");
    if (f->dimension != t->dimension)
        throw std::invalid_argument("expected a quantity in " + std::string(to) + " (" +
                                    std::string(t->dimension) + "), got " + std::string(from) + " (" +
                                    std::string(f->dimension) + ")");
    return value * (f->scale / t->scale);
}

double parse_quantity(std::string_view text, std::string_view declared) {
    text = trim(text);
    double v = 0.0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (!text.empty() && *first == '+') ++first;
    auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || !std::isfinite(v))
        throw std::invalid_argument("expected a number with an optional unit such as \"20 " +
                                    std::string(declared) + "\", got \"" + std::string(text) + "\"");
    std::string_view unit = trim(std::string_view(ptr, static_cast<std::size_t>(last - ptr)));
    if (unit.empty()) return v;
    return convert(v, unit, declared);
}

} // namespace spikekit::units
