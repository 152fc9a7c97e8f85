#pragma once
// The config parser's JSON cursor: the I/O layer's json_reader (file + JSON path in every error) plus
// physical quantities, which need core's unit table (units.hpp).
#include <string_view>

#include "spikekit/core/units.hpp"
#include "spikekit/io/json_reader.hpp"

namespace spikekit::detail {

class json_reader : public io::json_reader {
  public:
    using io::json_reader::json_reader;
    json_reader(const io::json_reader& r) : io::json_reader(r) {} // NOLINT: children keep the quantities

    json_reader at(std::string_view key) const { return io::json_reader::at(key); }
    json_reader operator[](std::size_t i) const { return io::json_reader::operator[](i); }

    // A number in `unit`, or a string "value unit".
    double as_quantity(std::string_view unit) const {
        if (json().is_number()) return as_number();
        if (!json().is_string())
            fail("expected a number in " + std::string(unit) + " or a string such as \"1.5 " +
                 std::string(unit) + "\", got " + type_name(json()));
        return as_parsed([&](std::string_view text) { return units::parse_quantity(text, unit); });
    }
    double quantity_or(std::string_view key, std::string_view unit, double def) const {
        return has(key) ? at(key).as_quantity(unit) : def;
    }
};

} // namespace spikekit::detail
