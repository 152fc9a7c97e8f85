#pragma once
// The NIR node types and the datasets each stores (neuromorphs/NIR nir/ir/*.py, serialised by
// nir/serialization.py; table in ../shared/notes/conversion.md 2.3). Optional fields take NIR's defaults:
// v_reset = 0, w_in = 1, Flatten start_dim = 1 and end_dim = -1, Conv input_shape from the predecessor.
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace spikekit::converters::nirschema {

enum class kind { number, integer, integer_or_string };

struct field_spec {
    std::string_view name;
    kind k;
    bool required;
};

struct type_spec {
    std::string_view type;
    std::vector<field_spec> fields;
    // The field whose shape is the node's shape (neurons, Scale, Delay, Threshold), or empty.
    std::string_view shape_field = {};
};

inline const std::vector<type_spec>& types() {
    using enum kind;
    static const std::vector<field_spec> conv = {
        {"weight", number, true},       {"bias", number, false},
        {"stride", integer, false},     {"padding", integer_or_string, false},
        {"dilation", integer, false},   {"groups", integer, false},
        {"input_shape", integer, false}};
    static const std::vector<type_spec> t = {
        {"Input", {{"shape", integer, true}}},
        {"Output", {{"shape", integer, true}}},
        {"Affine", {{"weight", number, true}, {"bias", number, true}}},
        {"Linear", {{"weight", number, true}}},
        {"Scale", {{"scale", number, true}}, "scale"},
        {"Threshold", {{"threshold", number, true}}, "threshold"},
        {"Delay", {{"delay", number, true}}, "delay"},
        {"Flatten",
         {{"start_dim", integer, false}, {"end_dim", integer, false}, {"input_type", integer, false}}},
        {"Conv1d", conv},
        {"Conv2d", conv},
        {"SumPool2d",
         {{"kernel_size", integer, true}, {"stride", integer, false}, {"padding", integer, false}}},
        {"AvgPool2d",
         {{"kernel_size", integer, true}, {"stride", integer, false}, {"padding", integer, false}}},
        {"I", {{"r", number, true}}, "r"},
        {"IF", {{"r", number, true}, {"v_threshold", number, true}, {"v_reset", number, false}}, "r"},
        {"LI", {{"tau", number, true}, {"r", number, true}, {"v_leak", number, true}}, "tau"},
        {"LIF",
         {{"tau", number, true},
          {"r", number, true},
          {"v_leak", number, true},
          {"v_threshold", number, true},
          {"v_reset", number, false}},
         "tau"},
        {"CubaLI",
         {{"tau_syn", number, true},
          {"tau_mem", number, true},
          {"r", number, true},
          {"v_leak", number, true},
          {"w_in", number, false}},
         "tau_mem"},
        {"CubaLIF",
         {{"tau_syn", number, true},
          {"tau_mem", number, true},
          {"r", number, true},
          {"v_leak", number, true},
          {"v_threshold", number, true},
          {"v_reset", number, false},
          {"w_in", number, false}},
         "tau_mem"},
        {"NIRGraph", {}},
    };
    return t;
}

inline const type_spec* find(std::string_view type) {
    for (const auto& t : types())
        if (t.type == type) return &t;
    return nullptr;
}

inline std::string known_types() {
    std::string s;
    for (const auto& t : types()) s += (s.empty() ? "" : ", ") + std::string(t.type);
    return s;
}

inline bool is_neuron(std::string_view type) {
    for (std::string_view n : {"I", "IF", "LI", "LIF", "CubaLI", "CubaLIF", "Threshold"})
        if (n == type) return true;
    return false;
}

} // namespace spikekit::converters::nirschema
