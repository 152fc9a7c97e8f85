#pragma once
// State of one ONNX import: constants seen so far, which layer produces each value, and the error helpers.
// Private to the converters library (onnx_import.cpp reads the model, onnx_ops.cpp builds the layers).
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "spikekit/converters/graph.hpp"

namespace spikekit::converters::detail {

// Largest tensor (values per sample) a layer may produce.
inline constexpr std::size_t max_tensor_elements = std::size_t{1} << 28;

// A constant (initializer or Constant node), converted to float and int64 views.
struct constant {
    std::vector<std::int64_t> dims;
    std::vector<float> f;
    std::vector<std::int64_t> i;
};

class onnx_context {
  public:
    explicit onnx_context(std::string file) { g.file = std::move(file); }

    graph g;
    std::map<std::string, constant> constants;
    std::map<std::string, int> produced;      // value name -> layer index
    std::map<std::string, std::string> alias; // dropped nodes: output -> input
    std::map<std::string, int> uses; // value name -> number of node inputs and graph outputs naming it
    std::string graph_output;        // name of the graph's (first) output
    const onnx::GraphProto* graph_proto = nullptr;
    std::set<const onnx::NodeProto*> consumed; // nodes already read as part of a pattern (QCFS)

    [[noreturn]] void fail(const onnx::NodeProto& n, const std::string& problem) const;

    // The layer producing input `k` of `n` (an error if it is a constant or unknown).
    int layer_input(const onnx::NodeProto& n, int k) const;
    // The constant at input `k` (an error naming the missing initializer otherwise).
    const constant& const_input(const onnx::NodeProto& n, int k) const;
    bool is_constant(const onnx::NodeProto& n, int k) const;
    const layer& at(int index) const { return g.layers[static_cast<std::size_t>(index)]; }

    std::int64_t attr_int(const onnx::NodeProto& n, const std::string& name, std::int64_t def) const;
    float attr_float(const onnx::NodeProto& n, const std::string& name, float def) const;
    std::string attr_string(const onnx::NodeProto& n, const std::string& name, const std::string& def) const;
    std::vector<std::int64_t> attr_ints(const onnx::NodeProto& n, const std::string& name) const;
    const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) const;

    // Append a layer for `n` and record its first output.
    int add(const onnx::NodeProto& n, layer l);
    std::string resolve(const std::string& value) const;
};

std::string node_label(const onnx::NodeProto& n);
constant read_tensor(const onnx::TensorProto& t, const std::string& file, const std::string& where);

// When `first` (a Mul) starts the QCFS activation chain (onnx_qcfs.cpp), appends its clip layer, marks the
// chain's other nodes consumed and returns true; else says why not in `why`.
bool match_qcfs(onnx_context& ctx, const onnx::NodeProto& first, std::string& why);

// One handler per ONNX op type (onnx_ops.cpp).
using op_handler = void (*)(onnx_context&, const onnx::NodeProto&);
const std::map<std::string, op_handler>& op_handlers();

} // namespace spikekit::converters::detail
