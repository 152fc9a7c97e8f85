#include "spikekit/core/params.hpp"

#include <cmath>
#include <sstream>

namespace spikekit {

param_map with_defaults(std::span<const param_info> table, const param_map& given) {
    param_map out;
    for (const auto& p : table) out.emplace(std::string(p.name), p.default_value);
    for (const auto& [k, v] : given) out[k] = v;
    return out;
}

const param_info* find_param(std::span<const param_info> table, std::string_view name) {
    for (const auto& p : table)
        if (p.name == name) return &p;
    return nullptr;
}

std::string check_range(const param_info& p, double value) {
    std::ostringstream os;
    const std::string unit = p.unit == "1" ? "" : " " + std::string(p.unit);
    if (!std::isfinite(value)) {
        os << "expected a finite number, got " << value;
        return os.str();
    }
    if (p.integer && std::floor(value) != value) {
        os << "expected a whole number, got " << value;
        return os.str();
    }
    const bool below = p.min_exclusive ? value <= p.min : value < p.min;
    if (below || value > p.max) {
        os << "expected a value ";
        if (std::isfinite(p.min) && std::isfinite(p.max))
            os << "in " << (p.min_exclusive ? "(" : "[") << p.min << ", " << p.max << "]" << unit;
        else if (std::isfinite(p.min))
            os << (p.min_exclusive ? "> " : ">= ") << p.min << unit;
        else
            os << "<= " << p.max << unit;
        os << ", got " << value;
        return os.str();
    }
    return {};
}

} // namespace spikekit
