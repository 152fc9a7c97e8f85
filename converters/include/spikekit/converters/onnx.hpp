#pragma once
// ONNX import: a trained ANN (.onnx, opset 11-17, float32) -> the converter's layer graph (graph.hpp).
//
// Supported operators: Conv, Gemm, MatMul (+ Add of a constant bias), Relu, Clip (min 0), AveragePool,
// GlobalAveragePool, MaxPool, BatchNormalization, Flatten, Reshape (to [N, features]), Add (residual, or a
// constant bias after Conv/Gemm/MatMul), Concat (channels), Pad (constant zero), Dropout and Identity
// (dropped), Constant, Softmax / LogSoftmax as the last node (dropped: the arg max is unchanged), and the
// QCFS activation lambda * clip(floor(x L / lambda + 1/2) / L, 0, 1) written as Mul, Add, Floor, Div, Clip,
// Mul (one quantized clip layer; see onnx_qcfs.cpp).
// One input of shape [N, C, H, W] or [N, F]; only the batch axis may be dynamic.
// Everything else - another operator, a dynamic or unknown shape, a missing initializer, a truncated or
// non-ONNX file - is an input_error naming the file, the node (name and op type) and, for an unsupported
// operator, the supported list.
#include <string>
#include <string_view>

#include "spikekit/converters/graph.hpp"

namespace spikekit::converters {

graph load_onnx(const std::string& path);

// Same from the bytes of a model; `label` names it in messages.
graph parse_onnx(std::string_view bytes, const std::string& label);

// "AveragePool, BatchNormalization, ..." (for messages and --help).
std::string supported_onnx_ops();

} // namespace spikekit::converters
