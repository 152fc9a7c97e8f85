#pragma once
// A cursor into a JSON document that knows its file and its JSON path (`projections[2].weight`), so every
// error names both: input_error(file, path, "expected ..., got ...").
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "spikekit/io/error.hpp"

namespace spikekit::io {

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
    json_reader at(std::string_view key) const;  // required member
    json_reader operator[](std::size_t i) const; // array element
    std::size_t size() const { return j_->size(); }

    void expect_object() const;
    void expect_array() const;
    // Every key must be in `allowed`, so a misspelt key is reported instead of silently ignored.
    void only_keys(std::initializer_list<std::string_view> allowed) const;

    std::string as_string() const;
    // A string turned into a value by `parse`, whose std::invalid_argument becomes this reader's error.
    template <class Parse>
    auto as_parsed(Parse parse) const -> decltype(parse(std::string_view{})) {
        const std::string s = as_string();
        try {
            return parse(std::string_view(s));
        } catch (const std::invalid_argument& e) {
            fail(e.what());
        }
    }
    double as_number() const;
    bool as_bool() const;
    std::uint64_t as_count(std::uint64_t max = UINT32_MAX) const; // non-negative whole number

    std::string string_or(std::string_view key, std::string def) const {
        return has(key) ? at(key).as_string() : def;
    }

    // "an object", "a string \"x\"", "the number 3", ... for messages.
    static std::string type_name(const nlohmann::json& j);

  private:
    const nlohmann::json* j_;
    std::string file_, path_;
};

} // namespace spikekit::io
