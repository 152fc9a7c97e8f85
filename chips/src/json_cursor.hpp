#pragma once
// io::json_reader (file and JSON path in every error) with what chip files add: a number may be written
// bare, as {"value": x, "source": "..."}, or as "unknown".
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "spikekit/io/json_reader.hpp"

namespace spikekit::chips::detail {

class cursor : public io::json_reader {
  public:
    using io::json_reader::json_reader;
    cursor(const io::json_reader& r) : io::json_reader(r) {} // NOLINT: a reader is a cursor
    cursor at(std::string_view k) const { return io::json_reader::at(k); }
    cursor operator[](std::size_t i) const { return io::json_reader::operator[](i); }
    std::size_t size() const {
        expect_array();
        return io::json_reader::size();
    }
    std::string str() const { return as_string(); }
    // A {"value": ..., "source": ...} wrapper around a non-number (a list of widths) reads as its value.
    cursor value() const { return json().is_object() && json().contains("value") ? at("value") : *this; }
    // A number: bare, {"value": x, "source": s}, or "unknown" (nullopt).
    std::optional<double> number() const {
        if (json().is_object()) return at("value").number();
        if (json().is_string() && json().get<std::string>() == "unknown") return std::nullopt;
        if (!json().is_number())
            fail("expected a number, {\"value\": ..., \"source\": ...} or \"unknown\", got " +
                 type_name(json()));
        return json().get<double>();
    }
    double known(double lo, double hi) const {
        const auto v = number();
        if (!v) fail("this number cannot be unknown");
        if (!(*v >= lo && *v <= hi))
            fail("expected a number in [" + fmt(lo) + ", " + fmt(hi) + "], got " + fmt(*v));
        return *v;
    }
    std::uint32_t count(double hi = 4294967295.0) const {
        const double v = known(0, hi);
        if (v != std::floor(v)) fail("expected a whole number, got " + fmt(v));
        return static_cast<std::uint32_t>(v);
    }
    std::optional<double> number_or(std::string_view k) const {
        return has(k) ? at(k).number() : std::nullopt;
    }
    std::optional<std::uint32_t> count_or(std::string_view k) const {
        if (!has(k) || !at(k).number()) return std::nullopt;
        return at(k).count();
    }

  private:
    static std::string fmt(double v) { return nlohmann::json(v).dump(); }
};

} // namespace spikekit::chips::detail
