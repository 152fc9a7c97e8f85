#pragma once
// A JSON value with its file and path, so every error of a chip or placement file names both.
// (core keeps its config reader private; chips needs only these few accessors.)
#include <cmath>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "spikekit/core/error.hpp"

namespace spikekit::chips::detail {

class cursor {
  public:
    cursor(const nlohmann::json& j, const std::string& file, std::string path)
        : j_(&j), file_(&file), path_(std::move(path)) {}
    [[noreturn]] void fail(const std::string& problem) const {
        throw input_error(*file_, path_.empty() ? "(top level)" : path_, problem);
    }
    const nlohmann::json& json() const { return *j_; }
    bool has(std::string_view k) const { return j_->is_object() && j_->contains(k); }
    cursor at(std::string_view k) const {
        if (!j_->is_object()) fail("expected an object, got " + j_->dump());
        const auto it = j_->find(k);
        if (it == j_->end()) fail("missing required key '" + std::string(k) + "'");
        return {*it, *file_, path_.empty() ? std::string(k) : path_ + "." + std::string(k)};
    }
    cursor operator[](std::size_t i) const {
        return {(*j_)[i], *file_, path_ + "[" + std::to_string(i) + "]"};
    }
    std::size_t size() const {
        if (!j_->is_array()) fail("expected an array, got " + j_->dump());
        return j_->size();
    }
    // Every key must be listed, so a misspelt key is an error rather than silently ignored.
    void only_keys(std::initializer_list<std::string_view> allowed) const {
        if (!j_->is_object()) fail("expected an object, got " + j_->dump());
        for (auto it = j_->begin(); it != j_->end(); ++it) {
            bool found = false;
            for (auto a : allowed) found = found || a == it.key();
            if (found) continue;
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            at(it.key()).fail("unknown key '" + it.key() + "' (expected one of: " + list + ")");
        }
    }
    // A {"value": ..., "source": ...} wrapper around a non-number (a list of widths) reads as its value.
    cursor value() const { return j_->is_object() && j_->contains("value") ? at("value") : *this; }
    std::string str() const {
        if (!j_->is_string()) fail("expected a string, got " + j_->dump());
        return j_->get<std::string>();
    }
    // A number: bare, {"value": x, "source": s}, or "unknown" (nullopt).
    std::optional<double> number() const {
        if (j_->is_object()) return at("value").number();
        if (j_->is_string() && j_->get<std::string>() == "unknown") return std::nullopt;
        if (!j_->is_number())
            fail("expected a number, {\"value\": ..., \"source\": ...} or \"unknown\", got " + j_->dump());
        return j_->get<double>();
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
    const nlohmann::json* j_;
    const std::string* file_;
    std::string path_;
};

} // namespace spikekit::chips::detail
