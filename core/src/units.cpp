#include "spikekit/core/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace spikekit::units {
namespace {
constexpr std::array<unit_info, 38> table{{
    {"s", "time", 1.0},
    {"ms", "time", 1e-3},
    {"us", "time", 1e-6},
    {"ns", "time", 1e-9},
    {"V", "voltage", 1.0},
    {"mV", "voltage", 1e-3},
    {"uV", "voltage", 1e-6},
    {"A", "current", 1.0},
    {"mA", "current", 1e-3},
    {"uA", "current", 1e-6},
    {"nA", "current", 1e-9},
    {"pA", "current", 1e-12},
    {"S", "conductance", 1.0},
    {"mS", "conductance", 1e-3},
    {"uS", "conductance", 1e-6},
    {"nS", "conductance", 1e-9},
    {"F", "capacitance", 1.0},
    {"uF", "capacitance", 1e-6},
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

// Brian2's names of the same units (brian2.units: second, msecond, ...), accepted wherever a symbol is.
constexpr std::array<std::pair<std::string_view, std::string_view>, 26> long_names{{
    {"second", "s"},    {"msecond", "ms"}, {"usecond", "us"}, {"nsecond", "ns"},  {"volt", "V"},
    {"mvolt", "mV"},    {"uvolt", "uV"},   {"amp", "A"},      {"mamp", "mA"},     {"uamp", "uA"},
    {"namp", "nA"},     {"pamp", "pA"},    {"siemens", "S"},  {"msiemens", "mS"}, {"usiemens", "uS"},
    {"nsiemens", "nS"}, {"farad", "F"},    {"ufarad", "uF"},  {"nfarad", "nF"},   {"pfarad", "pF"},
    {"hertz", "Hz"},    {"khertz", "kHz"}, {"ohm", "Ohm"},    {"kohm", "kOhm"},   {"Mohm", "MOhm"},
    {"Gohm", "GOhm"},
}};

// The symbol a spelling stands for: itself, a Brian2 long name's symbol, or with the micro sign (U+00B5) or
// Greek mu (U+03BC) as the prefix "u".
std::string canonical(std::string_view u) {
    std::string s(u);
    for (std::string_view mu : {"\xC2\xB5", "\xCE\xBC"})
        if (s.rfind(mu, 0) == 0) s = "u" + s.substr(mu.size());
    for (const auto& [name, symbol] : long_names)
        if (name == s) return std::string(symbol);
    return s;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}
} // namespace

std::optional<unit_info> find(std::string_view symbol) {
    const std::string c = canonical(symbol);
    for (const auto& u : table)
        if (u.symbol == c) return u;
    return std::nullopt;
}

std::string known_units(std::string_view dimension) {
    std::string s;
    for (const auto& u : table)
        if (dimension.empty() || u.dimension == dimension)
            s += (s.empty() ? "" : ", ") + std::string(u.symbol);
    std::string brian;
    for (const auto& [name, symbol] : long_names) {
        const auto u = find(symbol);
        if (u && (dimension.empty() || u->dimension == dimension)) brian += std::string(name) + ", ";
    }
    if (!brian.empty()) s += "; Brian2's " + brian.substr(0, brian.size() - 2);
    if (dimension.empty() || dimension == "time" || dimension == "voltage" || dimension == "current" ||
        dimension == "conductance" || dimension == "capacitance")
        s += "; \xC2\xB5 for u";
    return s;
}

double convert(double value, std::string_view from, std::string_view to) {
    if (from == to) return value;
    auto f = find(from), t = find(to);
    if (!f)
        throw std::invalid_argument("unknown unit '" + std::string(from) + "' (known" +
                                    (t ? " " + std::string(t->dimension) : std::string()) +
                                    " units: " + known_units(t ? t->dimension : "") + ")");
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
    if (!unit.empty() && unit.front() == '*') { // Brian2's product, 20*ms
        unit = trim(unit.substr(1));
        if (unit.empty())
            throw std::invalid_argument("expected a unit after '*' such as \"20*" + std::string(declared) +
                                        "\", got \"" + std::string(text) + "\"");
    }
    if (unit.empty()) return v;
    return convert(v, unit, declared);
}

} // namespace spikekit::units
