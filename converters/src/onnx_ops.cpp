// One builder per supported ONNX operator: check attributes and constant inputs, compute the output shape,
// append a layer (or an alias for the ops that vanish at inference).
#include <cmath>
#include <stdexcept>

#include "onnx_context.hpp"

namespace spikekit::converters::detail {
namespace {

int to_int(const onnx_context& ctx, const onnx::NodeProto& n, std::int64_t v, const char* what) {
    if (v < 0 || v > (1 << 24)) ctx.fail(n, std::string(what) + " " + std::to_string(v) + " is out of range");
    return static_cast<int>(v);
}

// kernel_shape / strides / pads / dilations / auto_pad of Conv and the pools, for 2-D windows.
window read_window(const onnx_context& ctx, const onnx::NodeProto& n, const shape& in, int kh, int kw) {
    window w;
    auto pair = [&](const char* name, int& a, int& b) {
        const auto v = ctx.attr_ints(n, name);
        if (v.empty()) return;
        if (v.size() != 2)
            ctx.fail(n, std::string("attribute '") + name + "' must have 2 values (2-D windows only)");
        a = to_int(ctx, n, v[0], name);
        b = to_int(ctx, n, v[1], name);
    };
    w.kh = kh;
    w.kw = kw;
    pair("kernel_shape", w.kh, w.kw);
    pair("strides", w.sh, w.sw);
    pair("dilations", w.dh, w.dw);
    const auto pads = ctx.attr_ints(n, "pads");
    if (!pads.empty()) {
        if (pads.size() != 4) ctx.fail(n, "attribute 'pads' must have 4 values (2-D windows only)");
        w.pt = to_int(ctx, n, pads[0], "pad");
        w.pl = to_int(ctx, n, pads[1], "pad");
        w.pb = to_int(ctx, n, pads[2], "pad");
        w.pr = to_int(ctx, n, pads[3], "pad");
    }
    const std::string ap = ctx.attr_string(n, "auto_pad", "NOTSET");
    if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
        // Output = ceil(in / stride); the odd pad goes at the end (UPPER) or the start (LOWER).
        auto same = [&](int size, int k, int s, int d, int& before, int& after) {
            const int out = (size + s - 1) / s;
            const int total = std::max(0, (out - 1) * s + d * (k - 1) + 1 - size);
            before = ap == "SAME_UPPER" ? total / 2 : total - total / 2;
            after = total - before;
        };
        same(in.h, w.kh, w.sh, w.dh, w.pt, w.pb);
        same(in.w, w.kw, w.sw, w.dw, w.pl, w.pr);
    } else if (ap == "VALID") {
        w.pt = w.pl = w.pb = w.pr = 0;
    } else if (ap != "NOTSET") {
        ctx.fail(n, "auto_pad '" + ap + "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
    }
    if (ctx.attr_int(n, "ceil_mode", 0) != 0) {
        // ceil_mode only matters when the last window would start inside the padding-free input; reject it
        // then.
        const bool exact = (in.h + w.pt + w.pb - (w.dh * (w.kh - 1) + 1)) % w.sh == 0 &&
                           (in.w + w.pl + w.pr - (w.dw * (w.kw - 1) + 1)) % w.sw == 0;
        if (!exact) ctx.fail(n, "ceil_mode = 1 with a partial last window is not supported");
    }
    return w;
}

shape window_shape(const onnx_context& ctx, const onnx::NodeProto& n, const shape& in, const window& w,
                   int channels) {
    try {
        return {channels, window_extent(in.h, w.kh, w.sh, w.pt, w.pb, w.dh),
                window_extent(in.w, w.kw, w.sw, w.pl, w.pr, w.dw)};
    } catch (const std::invalid_argument& e) {
        ctx.fail(n, std::string(e.what()) + " (input " + to_string(in) + ")");
    }
}

void conv(onnx_context& ctx, const onnx::NodeProto& n) {
    const int src = ctx.layer_input(n, 0);
    const shape in = ctx.at(src).out;
    const constant& w = ctx.const_input(n, 1);
    if (w.dims.size() != 4)
        ctx.fail(n, "weights must be 4-D [out, in/groups, kh, kw] (2-D convolution only)");
    layer l;
    l.kind = op::conv;
    l.inputs = {src};
    l.groups = to_int(ctx, n, ctx.attr_int(n, "group", 1), "group");
    const int oc = to_int(ctx, n, w.dims[0], "output channels"),
              icg = to_int(ctx, n, w.dims[1], "input channels");
    if (l.groups < 1 || icg * l.groups != in.c || oc % l.groups != 0)
        ctx.fail(n, "weights " + std::to_string(oc) + "x" + std::to_string(icg) + " with group " +
                        std::to_string(l.groups) + " do not fit an input of " + std::to_string(in.c) +
                        " channels");
    l.win = read_window(ctx, n, in, to_int(ctx, n, w.dims[2], "kernel"), to_int(ctx, n, w.dims[3], "kernel"));
    if (l.win.kh != w.dims[2] || l.win.kw != w.dims[3])
        ctx.fail(n, "kernel_shape differs from the weights' shape");
    l.out = window_shape(ctx, n, in, l.win, oc);
    l.weight = w.f;
    l.bias.assign(static_cast<std::size_t>(oc), 0.0f);
    if (n.input_size() > 2 && !n.input(2).empty()) {
        const constant& b = ctx.const_input(n, 2);
        if (b.f.size() != static_cast<std::size_t>(oc))
            ctx.fail(n, "bias must have one value per output channel");
        l.bias = b.f;
    }
    ctx.add(n, std::move(l));
}

// Dense layer from a constant matrix stored [in][out] (MatMul, Gemm transB = 0) or [out][in].
layer dense_from(const onnx_context& ctx, const onnx::NodeProto& n, int src, const constant& b,
                 bool out_major, float alpha) {
    const shape in = ctx.at(src).out;
    if (in.h != 1 || in.w != 1)
        ctx.fail(n, "input " + to_string(in) + " is not flat (add a Flatten before it)");
    if (b.dims.size() != 2) ctx.fail(n, "weights must be a 2-D constant");
    const auto rows = static_cast<std::size_t>(b.dims[0]), cols = static_cast<std::size_t>(b.dims[1]);
    const std::size_t nin = out_major ? cols : rows, nout = out_major ? rows : cols;
    if (nin != static_cast<std::size_t>(in.c))
        ctx.fail(n, "weights of " + std::to_string(rows) + "x" + std::to_string(cols) + " do not fit " +
                        std::to_string(in.c) + " input features");
    layer l;
    l.kind = op::dense;
    l.inputs = {src};
    l.out = {static_cast<int>(nout), 1, 1};
    l.weight.resize(nin * nout);
    for (std::size_t o = 0; o < nout; ++o)
        for (std::size_t i = 0; i < nin; ++i)
            l.weight[o * nin + i] = alpha * (out_major ? b.f[o * nin + i] : b.f[i * nout + o]);
    l.bias.assign(nout, 0.0f);
    return l;
}

// A constant bias broadcast over channels: [C], [1, C], [C, 1, 1] or [1, C, 1, 1], or a scalar.
std::vector<float> channel_bias(const onnx_context& ctx, const onnx::NodeProto& n, const constant& c,
                                int channels) {
    if (c.f.size() == 1) return std::vector<float>(static_cast<std::size_t>(channels), c.f[0]);
    if (c.f.size() != static_cast<std::size_t>(channels))
        ctx.fail(n, "constant of " + std::to_string(c.f.size()) + " values cannot be a per-channel bias of " +
                        std::to_string(channels) + " channels");
    return c.f;
}

void gemm(onnx_context& ctx, const onnx::NodeProto& n) {
    if (ctx.attr_int(n, "transA", 0) != 0) ctx.fail(n, "transA = 1 is not supported");
    const int src = ctx.layer_input(n, 0);
    layer l = dense_from(ctx, n, src, ctx.const_input(n, 1), ctx.attr_int(n, "transB", 0) != 0,
                         ctx.attr_float(n, "alpha", 1.0f));
    if (n.input_size() > 2 && !n.input(2).empty()) {
        l.bias = channel_bias(ctx, n, ctx.const_input(n, 2), l.out.c);
        const float beta = ctx.attr_float(n, "beta", 1.0f);
        for (auto& b : l.bias) b *= beta;
    }
    ctx.add(n, std::move(l));
}

void matmul(onnx_context& ctx, const onnx::NodeProto& n) {
    ctx.add(n, dense_from(ctx, n, ctx.layer_input(n, 0), ctx.const_input(n, 1), false, 1.0f));
}

// Add: a residual sum of two computed tensors, or a constant bias after Conv / Gemm / MatMul.
void add(onnx_context& ctx, const onnx::NodeProto& n) {
    if (n.input_size() != 2) ctx.fail(n, "Add takes two inputs");
    const int k = ctx.is_constant(n, 0) ? 0 : (ctx.is_constant(n, 1) ? 1 : -1);
    if (k >= 0) {
        const int src = ctx.layer_input(n, 1 - k);
        layer& target = ctx.g.layers[static_cast<std::size_t>(src)];
        if (!target.weighted() || ctx.uses[ctx.resolve(n.input(1 - k))] != 1)
            ctx.fail(n,
                     "adding a constant is supported only as the bias of a Conv, Gemm or MatMul used once");
        const auto b = channel_bias(ctx, n, ctx.const_input(n, k), target.out.c);
        for (std::size_t c = 0; c < b.size(); ++c) target.bias[c] += b[c];
        ctx.produced[n.output(0)] = src;
        return;
    }
    layer l;
    l.kind = op::add;
    for (int i = 0; i < n.input_size(); ++i) l.inputs.push_back(ctx.layer_input(n, i));
    l.out = ctx.at(l.inputs[0]).out;
    for (int i : l.inputs)
        if (!(ctx.at(i).out == l.out))
            ctx.fail(n, "inputs of shapes " + to_string(l.out) + " and " + to_string(ctx.at(i).out) +
                            " differ (broadcasting is not supported)");
    ctx.add(n, std::move(l));
}

void unary(onnx_context& ctx, const onnx::NodeProto& n, op kind) {
    layer l;
    l.kind = kind;
    l.inputs = {ctx.layer_input(n, 0)};
    l.out = ctx.at(l.inputs[0]).out;
    ctx.add(n, std::move(l));
}

void relu(onnx_context& ctx, const onnx::NodeProto& n) {
    unary(ctx, n, op::relu);
}

float optional_scalar(onnx_context& ctx, const onnx::NodeProto& n, int k, float def) {
    if (k >= n.input_size() || n.input(k).empty()) return def;
    const constant& c = ctx.const_input(n, k);
    if (c.f.size() != 1) ctx.fail(n, "input " + std::to_string(k) + " must be a scalar");
    return c.f[0];
}

// Clip(0, max) is a ReLU with a ceiling; any other lower bound is not a rate a neuron can code.
void clip(onnx_context& ctx, const onnx::NodeProto& n) {
    const float lo = optional_scalar(ctx, n, 1, -INFINITY), hi = optional_scalar(ctx, n, 2, INFINITY);
    if (lo != 0.0f)
        ctx.fail(n, "min must be 0 (Clip is converted as a ReLU with a ceiling), got " + std::to_string(lo));
    if (!(hi > 0.0f)) ctx.fail(n, "max must be > 0, got " + std::to_string(hi));
    unary(ctx, n, std::isinf(hi) ? op::relu : op::clip);
    ctx.g.layers.back().clip_max = std::isinf(hi) ? 0.0f : hi;
}

void pool(onnx_context& ctx, const onnx::NodeProto& n, op kind, bool global) {
    if (n.output_size() > 1 && !n.output(1).empty()) ctx.fail(n, "the Indices output is not supported");
    layer l;
    l.kind = kind;
    l.inputs = {ctx.layer_input(n, 0)};
    const shape in = ctx.at(l.inputs[0]).out;
    if (global) {
        l.win.kh = in.h;
        l.win.kw = in.w;
    } else {
        if (ctx.attr_ints(n, "kernel_shape").empty()) ctx.fail(n, "attribute 'kernel_shape' is missing");
        l.win = read_window(ctx, n, in, 1, 1);
        if (kind == op::avgpool && (l.win.dh != 1 || l.win.dw != 1))
            ctx.fail(n, "dilations are not supported");
    }
    l.count_include_pad = ctx.attr_int(n, "count_include_pad", 0) != 0;
    l.out = window_shape(ctx, n, in, l.win, in.c);
    ctx.add(n, std::move(l));
}

void avgpool(onnx_context& ctx, const onnx::NodeProto& n) {
    pool(ctx, n, op::avgpool, false);
}
void global_avgpool(onnx_context& ctx, const onnx::NodeProto& n) {
    pool(ctx, n, op::avgpool, true);
}
void maxpool(onnx_context& ctx, const onnx::NodeProto& n) {
    pool(ctx, n, op::maxpool, false);
}

void batchnorm(onnx_context& ctx, const onnx::NodeProto& n) {
    for (int k = 1; k < n.output_size(); ++k)
        if (!n.output(k).empty()) ctx.fail(n, "training-mode outputs (running mean/var) are not supported");
    layer l;
    l.kind = op::batchnorm;
    l.inputs = {ctx.layer_input(n, 0)};
    l.out = ctx.at(l.inputs[0]).out;
    const float eps = ctx.attr_float(n, "epsilon", 1e-5f);
    const auto c = static_cast<std::size_t>(l.out.c);
    const constant &scale = ctx.const_input(n, 1), &b = ctx.const_input(n, 2), &mean = ctx.const_input(n, 3),
                   &var = ctx.const_input(n, 4);
    for (const constant* p : {&scale, &b, &mean, &var})
        if (p->f.size() != c)
            ctx.fail(n, "scale, B, mean and var must have one value per channel (" + std::to_string(c) + ")");
    l.weight.resize(c);
    l.bias.resize(c);
    for (std::size_t k = 0; k < c; ++k) {
        if (!(var.f[k] + eps > 0.0f))
            ctx.fail(n, "variance + epsilon of channel " + std::to_string(k) + " is not > 0");
        l.weight[k] = scale.f[k] / std::sqrt(var.f[k] + eps);
        l.bias[k] = b.f[k] - mean.f[k] * l.weight[k];
    }
    ctx.add(n, std::move(l));
}

void flatten_to(onnx_context& ctx, const onnx::NodeProto& n) {
    unary(ctx, n, op::flatten);
    shape& s = ctx.g.layers.back().out;
    s = {static_cast<int>(s.size()), 1, 1};
}

void flatten(onnx_context& ctx, const onnx::NodeProto& n) {
    if (ctx.attr_int(n, "axis", 1) != 1) ctx.fail(n, "only axis = 1 (keep the batch axis) is supported");
    flatten_to(ctx, n);
}

// Reshape is supported when it flattens: target [N, F] with N in {-1, 0, 1} and F the features (or -1).
void reshape(onnx_context& ctx, const onnx::NodeProto& n) {
    const auto& t = ctx.const_input(n, 1).i;
    const auto features = static_cast<std::int64_t>(ctx.at(ctx.layer_input(n, 0)).out.size());
    const bool ok = t.size() == 2 && t[0] >= -1 && t[0] <= 1 && (t[1] == -1 || t[1] == features) &&
                    !(t[0] == -1 && t[1] == -1);
    if (!ok)
        ctx.fail(n, "only a reshape to [N, features] (a flatten) is supported; the target shape is not one");
    flatten_to(ctx, n);
}

void concat(onnx_context& ctx, const onnx::NodeProto& n) {
    layer l;
    l.kind = op::concat;
    for (int i = 0; i < n.input_size(); ++i) l.inputs.push_back(ctx.layer_input(n, i));
    const shape first = ctx.at(l.inputs[0]).out;
    const auto axis = ctx.attr_int(n, "axis", 1);
    const bool flat = first.h == 1 && first.w == 1;
    if (!(axis == 1 || (flat && axis == -1) || (!flat && axis == -3)))
        ctx.fail(n, "only concatenation along the channel axis (1) is supported, got axis " +
                        std::to_string(axis));
    l.out = {0, first.h, first.w};
    for (int i : l.inputs) {
        const shape s = ctx.at(i).out;
        if (s.h != first.h || s.w != first.w) ctx.fail(n, "inputs differ in height or width");
        l.out.c += s.c;
    }
    ctx.add(n, std::move(l));
}

void pad(onnx_context& ctx, const onnx::NodeProto& n) {
    if (ctx.attr_string(n, "mode", "constant") != "constant")
        ctx.fail(n, "only constant (zero) padding is supported");
    if (optional_scalar(ctx, n, 2, 0.0f) != 0.0f) ctx.fail(n, "only zero padding is supported");
    const auto& p = ctx.const_input(n, 1).i;
    if (p.size() != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0)
        ctx.fail(
            n, "pads must be [0, 0, top, left, 0, 0, bottom, right] (height and width of a 4-D tensor only)");
    for (auto v : p)
        if (v < 0) ctx.fail(n, "negative pads (cropping) are not supported");
    if (p[2] == 0 && p[3] == 0 && p[6] == 0 &&
        p[7] == 0) { // what torch writes before AvgPool2d: nothing to do
        ctx.alias[n.output(0)] = ctx.resolve(n.input(0));
        return;
    }
    unary(ctx, n, op::pad);
    layer& l = ctx.g.layers.back();
    l.win.pt = to_int(ctx, n, p[2], "pad");
    l.win.pl = to_int(ctx, n, p[3], "pad");
    l.win.pb = to_int(ctx, n, p[6], "pad");
    l.win.pr = to_int(ctx, n, p[7], "pad");
    l.out.h += l.win.pt + l.win.pb;
    l.out.w += l.win.pl + l.win.pr;
}

// Dropout and Identity do nothing at inference: their output is their input.
void passthrough(onnx_context& ctx, const onnx::NodeProto& n) {
    ctx.layer_input(n, 0); // the input must exist
    ctx.alias[n.output(0)] = ctx.resolve(n.input(0));
}

// Softmax / LogSoftmax as the very last node keep the arg max of the logits, which is all classification
// reads: dropped there, refused anywhere else.
void final_softmax(onnx_context& ctx, const onnx::NodeProto& n) {
    if (n.output(0) != ctx.graph_output || ctx.uses[n.output(0)] != 1)
        ctx.fail(n,
                 n.op_type() + " is supported only as the last node (the graph output), where it is dropped");
    passthrough(ctx, n);
}

void constant_node(onnx_context& ctx, const onnx::NodeProto& n) {
    const auto* v = ctx.attr(n, "value");
    if (v && v->type() == onnx::AttributeProto::TENSOR) {
        ctx.constants[n.output(0)] = read_tensor(v->t(), ctx.g.file, node_label(n));
        return;
    }
    constant c;
    if (const auto* f = ctx.attr(n, "value_float")) {
        c.f = {f->f()};
        c.i = {static_cast<std::int64_t>(f->f())};
    } else if (const auto* i = ctx.attr(n, "value_int")) {
        c.i = {i->i()};
        c.f = {static_cast<float>(i->i())};
    } else if (const auto* is = ctx.attr(n, "value_ints")) {
        c.i.assign(is->ints().begin(), is->ints().end());
        c.dims = {static_cast<std::int64_t>(c.i.size())};
        for (auto x : c.i) c.f.push_back(static_cast<float>(x));
    } else {
        ctx.fail(n, "only a tensor, value_float, value_int or value_ints constant is supported");
    }
    ctx.constants[n.output(0)] = std::move(c);
}

} // namespace

const std::map<std::string, op_handler>& op_handlers() {
    static const std::map<std::string, op_handler> h = {
        {"Add", add},
        {"AveragePool", avgpool},
        {"BatchNormalization", batchnorm},
        {"Clip", clip},
        {"Concat", concat},
        {"Constant", constant_node},
        {"Conv", conv},
        {"Dropout", passthrough},
        {"Flatten", flatten},
        {"Gemm", gemm},
        {"GlobalAveragePool", global_avgpool},
        {"Identity", passthrough},
        {"LogSoftmax", final_softmax},
        {"MatMul", matmul},
        {"MaxPool", maxpool},
        {"Pad", pad},
        {"Relu", relu},
        {"Reshape", reshape},
        {"Softmax", final_softmax},
    };
    return h;
}

} // namespace spikekit::converters::detail
