#include "spikekit/io/json_reader.hpp"

#include <cmath>

namespace spikekit::io {

std::string json_reader::type_name(const nlohmann::json& j) {
    switch (j.type()) {
    case nlohmann::json::value_t::null:
        return "null";
    case nlohmann::json::value_t::object:
        return "an object";
    case nlohmann::json::value_t::array:
        return "an array";
    case nlohmann::json::value_t::string:
        return "a string " + j.dump();
    case nlohmann::json::value_t::boolean:
        return std::string("boolean ") + (j.get<bool>() ? "true" : "false");
    default:
        return "the number " + j.dump();
    }
}

json_reader json_reader::at(std::string_view key) const {
    expect_object();
    auto it = j_->find(key);
    if (it == j_->end()) fail("missing required key '" + std::string(key) + "'");
    return json_reader(*it, file_, path_.empty() ? std::string(key) : path_ + "." + std::string(key));
}

json_reader json_reader::operator[](std::size_t i) const {
    return json_reader((*j_)[i], file_, path_ + "[" + std::to_string(i) + "]");
}

void json_reader::expect_object() const {
    if (!j_->is_object()) fail("expected an object, got " + type_name(*j_));
}

void json_reader::expect_array() const {
    if (!j_->is_array()) fail("expected an array, got " + type_name(*j_));
}

void json_reader::only_keys(std::initializer_list<std::string_view> allowed) const {
    expect_object();
    for (auto it = j_->begin(); it != j_->end(); ++it) {
        bool ok = false;
        for (auto a : allowed) ok = ok || a == it.key();
        if (!ok) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            json_reader(*it, file_, path_.empty() ? it.key() : path_ + "." + it.key())
                .fail("unknown key '" + it.key() + "' (expected one of: " + list + ")");
        }
    }
}

std::string json_reader::as_string() const {
    if (!j_->is_string()) fail("expected a string, got " + type_name(*j_));
    return j_->get<std::string>();
}

double json_reader::as_number() const {
    if (!j_->is_number()) fail("expected a number, got " + type_name(*j_));
    const double v = j_->get<double>();
    if (!std::isfinite(v)) fail("expected a finite number");
    return v;
}

bool json_reader::as_bool() const {
    if (!j_->is_boolean()) fail("expected true or false, got " + type_name(*j_));
    return j_->get<bool>();
}

std::uint64_t json_reader::as_count(std::uint64_t max) const {
    if (!j_->is_number_integer() && !(j_->is_number() && std::floor(j_->get<double>()) == j_->get<double>()))
        fail("expected a whole number, got " + type_name(*j_));
    if (j_->is_number_integer() && !j_->is_number_unsigned() && j_->get<std::int64_t>() < 0)
        fail("expected a non-negative whole number, got " + j_->dump());
    const double d = j_->get<double>();
    if (d < 0 || d > static_cast<double>(max))
        fail("expected a whole number in [0, " + std::to_string(max) + "], got " + j_->dump());
    return static_cast<std::uint64_t>(d);
}

} // namespace spikekit::io
