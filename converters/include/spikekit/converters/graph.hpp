#pragma once
// The converter's internal layer graph: what an ONNX model becomes before conversion.
//
// One sample at a time (the batch axis is dropped). Tensors are float32 in C x H x W order, row-major, the
// order ONNX and PyTorch use, so Flatten is free. A 1-D tensor of N features is C = N, H = W = 1.
// Layers are stored in topological order; `inputs` index earlier layers. Layer 0 is the graph input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace spikekit::converters {

struct shape {
    int c = 1, h = 1, w = 1;
    std::size_t size() const {
        return static_cast<std::size_t>(c) * static_cast<std::size_t>(h) * static_cast<std::size_t>(w);
    }
    std::size_t plane() const { return static_cast<std::size_t>(h) * static_cast<std::size_t>(w); }
    bool operator==(const shape&) const = default;
};

std::string to_string(const shape& s); // "16x28x28"

enum class op {
    input,     // the sample
    conv,      // Conv (groups, stride, padding, dilation) with bias
    dense,     // Gemm / MatMul (+ Add): out = W x + b, W stored [out][in]
    batchnorm, // per channel y = weight[c] * x + bias[c] (folded into the previous conv/dense by conversion)
    relu,      // Relu (a spiking layer after conversion)
    clip,      // Clip(0, clip_max), or with levels > 0 the QCFS activation
               //   clip_max * clamp(floor(x * qcfs_scale + 0.5) / levels, 0, 1); a spiking layer
    avgpool,   // AveragePool / GlobalAveragePool
    maxpool,   // MaxPool
    add,       // elementwise sum of two or more layers (residual)
    concat,    // along channels
    pad,       // zero padding of H and W
    flatten,   // Flatten / Reshape to one feature axis: data unchanged
};

const char* to_string(op k);

struct window {
    int kh = 1, kw = 1;                 // kernel
    int sh = 1, sw = 1;                 // stride
    int pt = 0, pl = 0, pb = 0, pr = 0; // padding top, left, bottom, right
    int dh = 1, dw = 1;                 // dilation (conv and maxpool)
    bool operator==(const window&) const = default;
};

struct layer {
    std::string name;    // ONNX node name (or its first output when unnamed)
    std::string onnx_op; // op type it came from ("Conv", "Gemm", ...)
    op kind = op::input;
    std::vector<int> inputs;
    shape out;
    std::vector<float> weight, bias; // conv [oc][ic/groups][kh][kw]; dense [out][in]; batchnorm [c]
    window win;                      // conv, avgpool, maxpool, pad (only the padding fields)
    int groups = 1;                  // conv
    bool count_include_pad = false;  // avgpool
    float clip_max = 0.0f;           // clip (lambda of a QCFS activation)
    int levels = 0;                  // clip: QCFS quantization levels L (0 = continuous Clip)
    float qcfs_scale = 0.0f;         // clip with levels: the factor L / lambda as stored in the model

    bool weighted() const { return kind == op::conv || kind == op::dense; }
    bool spiking() const { return kind == op::relu || kind == op::clip; }
};

struct graph {
    std::string file;          // where it was read from (for messages)
    std::vector<layer> layers; // layers[0] is the input
    int output = 0;            // index of the layer that gives the logits

    const shape& input_shape() const { return layers.front().out; }
    const shape& output_shape() const { return layers[static_cast<std::size_t>(output)].out; }
    std::vector<int> consumers(int index) const;
    std::size_t parameters() const; // number of weights and biases
};

// Output shape of a sliding window over `in` (conv and pools); throws std::invalid_argument when empty.
int window_extent(int in, int kernel, int stride, int pad_before, int pad_after, int dilation);

} // namespace spikekit::converters
