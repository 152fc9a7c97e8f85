#pragma once
// A cursor into a JSON document that knows its file and path, so every error names both.
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "spikekit/core/error.hpp"

namespace spikekit::detail {

class json_reader {
public:
    json_reader(const nlohmann::json& j, std::string file, std::string path)
        : j_(&j), file_(std::move(file)), path_(std::move(path)) {}

    const nlohmann::json& json() const { return *j_; }
    const std::string& path() const { return path_; }
    const std::string& file() const { return file_; }

    [[noreturn]] void fail(const std::string& problem) const { throw input_error(file_, where(), problem); }
    std::string where() const { return path_.empty() ? std::string("(top level)") : path_; }

    bool has(std::string_view key) const { return j_->is_object() && j_->contains(key); }
    json_reader at(std::string_view key) const;          // required member
    json_reader operator[](std::size_t i) const;         // array element
    std::size_t size() const { return j_->size(); }

    void expect_object() const;
    void expect_array() const;
    // Every key must be in `allowed`, so a misspelt key is reported instead of silently ignored.
    void only_keys(std::initializer_list<std::string_view> allowed) const;

    std::string as_string() const;
    double as_number() const;
    bool as_bool() const;
    std::uint64_t as_count(std::uint64_t max = UINT32_MAX) const; // non-negative whole number
    // A number in `unit`, or a string "value unit".
    double as_quantity(std::string_view unit) const;

    std::string string_or(std::string_view key, std::string def) const {
        return has(key) ? at(key).as_string() : def;
    }
    double quantity_or(std::string_view key, std::string_view unit, double def) const {
        return has(key) ? at(key).as_quantity(unit) : def;
    }

private:
    static std::string type_name(const nlohmann::json& j);
    const nlohmann::json* j_;
    std::string file_, path_;
};

} // namespace spikekit::detail
