// Reading an ONNX model: the protobuf, its opset, initializers, the one graph input, then node by node.
#include <cstring>
#include <fstream>
#include <sstream>

#include "onnx_context.hpp"
#include "spikekit/converters/onnx.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::converters {
namespace detail {

std::string node_label(const onnx::NodeProto& n) {
    const std::string name =
        !n.name().empty() ? n.name() : (n.output_size() > 0 ? n.output(0) : std::string("?"));
    return "node '" + name + "' (" + n.op_type() + ")";
}

void onnx_context::fail(const onnx::NodeProto& n, const std::string& problem) const {
    throw input_error(g.file, node_label(n), problem);
}

std::string onnx_context::resolve(const std::string& value) const {
    std::string v = value;
    for (auto it = alias.find(v); it != alias.end(); it = alias.find(v)) v = it->second;
    return v;
}

bool onnx_context::is_constant(const onnx::NodeProto& n, int k) const {
    return k < n.input_size() && constants.count(resolve(n.input(k))) > 0;
}

int onnx_context::layer_input(const onnx::NodeProto& n, int k) const {
    if (k >= n.input_size() || n.input(k).empty()) fail(n, "input " + std::to_string(k) + " is missing");
    const std::string v = resolve(n.input(k));
    if (auto it = produced.find(v); it != produced.end()) return it->second;
    if (constants.count(v)) fail(n, "input '" + v + "' is a constant where a computed tensor is expected");
    fail(n, "input '" + v + "' is produced by no earlier node, initializer or graph input");
}

const constant& onnx_context::const_input(const onnx::NodeProto& n, int k) const {
    if (k >= n.input_size() || n.input(k).empty()) fail(n, "input " + std::to_string(k) + " is missing");
    const std::string v = resolve(n.input(k));
    if (auto it = constants.find(v); it != constants.end()) return it->second;
    fail(n, "missing initializer '" + v + "' (input " + std::to_string(k) +
                " must be a constant: weights, bias, shape or padding)");
}

const onnx::AttributeProto* onnx_context::attr(const onnx::NodeProto& n, const std::string& name) const {
    for (const auto& a : n.attribute())
        if (a.name() == name) return &a;
    return nullptr;
}

std::int64_t onnx_context::attr_int(const onnx::NodeProto& n, const std::string& name,
                                    std::int64_t def) const {
    const auto* a = attr(n, name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto::INT) fail(n, "attribute '" + name + "' must be an integer");
    return a->i();
}

float onnx_context::attr_float(const onnx::NodeProto& n, const std::string& name, float def) const {
    const auto* a = attr(n, name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto::FLOAT) fail(n, "attribute '" + name + "' must be a float");
    return a->f();
}

std::string onnx_context::attr_string(const onnx::NodeProto& n, const std::string& name,
                                      const std::string& def) const {
    const auto* a = attr(n, name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto::STRING) fail(n, "attribute '" + name + "' must be a string");
    return a->s();
}

std::vector<std::int64_t> onnx_context::attr_ints(const onnx::NodeProto& n, const std::string& name) const {
    const auto* a = attr(n, name);
    if (!a) return {};
    if (a->type() != onnx::AttributeProto::INTS)
        fail(n, "attribute '" + name + "' must be a list of integers");
    return {a->ints().begin(), a->ints().end()};
}

int onnx_context::add(const onnx::NodeProto& n, layer l) {
    // Bounds every buffer the engine allocates: a corrupt model cannot ask for terabytes.
    if (l.out.c < 1 || l.out.h < 1 || l.out.w < 1 || l.out.size() > max_tensor_elements)
        fail(n, "output of shape " + to_string(l.out) + " is empty or larger than " +
                    std::to_string(max_tensor_elements) + " values");
    l.name = !n.name().empty() ? n.name() : n.output(0);
    l.onnx_op = n.op_type();
    g.layers.push_back(std::move(l));
    const int index = static_cast<int>(g.layers.size()) - 1;
    produced[n.output(0)] = index;
    return index;
}

namespace {

template <class T>
std::vector<T> raw_values(const std::string& raw, std::size_t count, const std::string& file,
                          const std::string& where) {
    if (raw.size() != count * sizeof(T))
        throw input_error(file, where,
                          "raw_data holds " + std::to_string(raw.size()) + " bytes, its dims need " +
                              std::to_string(count * sizeof(T)));
    std::vector<T> v(count);
    if (count > 0)
        std::memcpy(v.data(), raw.data(), raw.size()); // ONNX raw_data is little-endian, as is x86/ARM
    return v;
}

template <class To, class From>
std::vector<To> cast_all(const std::vector<From>& v) {
    std::vector<To> r(v.size());
    for (std::size_t k = 0; k < v.size(); ++k) r[k] = static_cast<To>(v[k]);
    return r;
}

} // namespace

constant read_tensor(const onnx::TensorProto& t, const std::string& file, const std::string& where) {
    constant c;
    std::size_t count = 1;
    for (auto d : t.dims()) {
        if (d < 0) throw input_error(file, where, "negative dimension " + std::to_string(d));
        c.dims.push_back(d);
        count *= static_cast<std::size_t>(d);
        if (count > (std::size_t{1} << 31)) throw input_error(file, where, "tensor too large");
    }
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
        throw input_error(file, where,
                          "external tensor data is not supported (save the model with weights inside)");
    auto check = [&](std::size_t have) {
        if (have != count)
            throw input_error(file, where,
                              "holds " + std::to_string(have) + " values, its dims need " +
                                  std::to_string(count));
    };
    const bool raw = t.has_raw_data();
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
        c.f = raw ? raw_values<float>(t.raw_data(), count, file, where)
                  : std::vector<float>(t.float_data().begin(), t.float_data().end());
        check(c.f.size());
        c.i = cast_all<std::int64_t>(c.f);
        break;
    case onnx::TensorProto::DOUBLE: {
        auto d = raw ? raw_values<double>(t.raw_data(), count, file, where)
                     : std::vector<double>(t.double_data().begin(), t.double_data().end());
        check(d.size());
        c.f = cast_all<float>(d);
        c.i = cast_all<std::int64_t>(d);
        break;
    }
    case onnx::TensorProto::INT64:
        c.i = raw ? raw_values<std::int64_t>(t.raw_data(), count, file, where)
                  : std::vector<std::int64_t>(t.int64_data().begin(), t.int64_data().end());
        check(c.i.size());
        c.f = cast_all<float>(c.i);
        break;
    case onnx::TensorProto::INT32: {
        auto d = raw ? raw_values<std::int32_t>(t.raw_data(), count, file, where)
                     : std::vector<std::int32_t>(t.int32_data().begin(), t.int32_data().end());
        check(d.size());
        c.f = cast_all<float>(d);
        c.i = cast_all<std::int64_t>(d);
        break;
    }
    default:
        throw input_error(file, where,
                          "tensor data type " + std::to_string(t.data_type()) +
                              " is not supported (float32, float64, int32 or int64 expected)");
    }
    return c;
}

} // namespace detail

namespace {
using detail::onnx_context;

void check_opset(const onnx::ModelProto& m, const std::string& file) {
    for (const auto& o : m.opset_import()) {
        if (!o.domain().empty() && o.domain() != "ai.onnx") continue;
        if (o.version() < 11 || o.version() > 17)
            throw input_error(file, "opset_import",
                              "opset " + std::to_string(o.version()) + " is not supported (11 to 17 are)");
        return;
    }
    throw input_error(file, "opset_import",
                      "no default-domain opset: not an ONNX model of standard operators");
}

// The graph input: [N, C, H, W] or [N, F] with only N dynamic.
shape input_shape(const onnx::ValueInfoProto& v, const std::string& file) {
    const std::string where = "graph input '" + v.name() + "'";
    if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape())
        throw input_error(file, where, "has no tensor shape (dynamic shapes are not supported)");
    const auto& dims = v.type().tensor_type().shape().dim();
    std::vector<int> d;
    for (int k = 1; k < dims.size(); ++k) {
        if (!dims[k].has_dim_value() || dims[k].dim_value() <= 0 || dims[k].dim_value() > (1 << 24))
            throw input_error(file, where + " dimension " + std::to_string(k),
                              "is dynamic or invalid (only the batch axis 0 may be dynamic)");
        d.push_back(static_cast<int>(dims[k].dim_value()));
    }
    shape r{d.empty() ? 0 : d[0], dims.size() == 4 ? d[1] : 1, dims.size() == 4 ? d[2] : 1};
    if ((dims.size() == 4 || dims.size() == 2) && r.size() <= detail::max_tensor_elements) return r;
    if (dims.size() == 4 || dims.size() == 2)
        throw input_error(file, where,
                          "has more than " + std::to_string(detail::max_tensor_elements) +
                              " values per sample");
    throw input_error(file, where,
                      "has rank " + std::to_string(dims.size()) + "; [N, C, H, W] or [N, F] expected");
}

// A default-domain Constant node with an output (anything else is an error here).
bool is_constant_node(const onnx_context& ctx, const onnx::NodeProto& n) {
    if (!n.domain().empty() && n.domain() != "ai.onnx")
        ctx.fail(n, "operator domain '" + n.domain() +
                        "' is not supported; supported operators: " + supported_onnx_ops());
    if (n.output_size() < 1) ctx.fail(n, "has no output");
    return n.op_type() == "Constant";
}

void read_node(onnx_context& ctx, const onnx::NodeProto& n) {
    std::string why;
    if (n.op_type() == "Mul" && detail::match_qcfs(ctx, n, why)) return;
    const auto& handlers = detail::op_handlers();
    const auto h = handlers.find(n.op_type());
    if (h == handlers.end())
        ctx.fail(n, "unsupported operator " + n.op_type() +
                        (why.empty() ? "" : " (not a QCFS activation: " + why + ")") +
                        "; supported operators: " + supported_onnx_ops());
    h->second(ctx, n);
}

void read_graph(onnx_context& ctx, const onnx::GraphProto& gp) {
    const std::string& file = ctx.g.file;
    for (const auto& t : gp.initializer())
        ctx.constants[t.name()] = detail::read_tensor(t, file, "initializer '" + t.name() + "'");
    const onnx::ValueInfoProto* in = nullptr;
    for (const auto& v : gp.input()) {
        if (ctx.constants.count(v.name())) continue;
        if (in)
            throw input_error(file, "graph input '" + v.name() + "'",
                              "a second graph input (one is supported)");
        in = &v;
    }
    if (!in) throw input_error(file, "graph", "has no input that is not an initializer");
    layer l;
    l.name = in->name();
    l.onnx_op = "input";
    l.out = input_shape(*in, file);
    ctx.g.layers.push_back(std::move(l));
    ctx.produced[in->name()] = 0;

    for (const auto& n : gp.node())
        for (const auto& v : n.input()) ++ctx.uses[v];
    for (const auto& v : gp.output()) ++ctx.uses[v.name()];
    if (gp.output_size() > 0) ctx.graph_output = gp.output(0).name();
    ctx.graph_proto = &gp;
    // Constants first (they read nothing), so a pattern can see the constants of all its nodes.
    for (const auto& n : gp.node())
        if (is_constant_node(ctx, n)) detail::op_handlers().at("Constant")(ctx, n);
    for (const auto& n : gp.node())
        if (!ctx.consumed.count(&n) && !is_constant_node(ctx, n)) read_node(ctx, n);
    if (gp.output_size() < 1) throw input_error(file, "graph", "has no output");
    const std::string out = ctx.resolve(gp.output(0).name());
    const auto it = ctx.produced.find(out);
    if (it == ctx.produced.end() || it->second == 0)
        throw input_error(file, "graph output '" + gp.output(0).name() + "'",
                          "is not computed by any supported node");
    ctx.g.output = it->second;
}

} // namespace

std::string supported_onnx_ops() {
    std::string s;
    for (const auto& [name, h] : detail::op_handlers()) s += (s.empty() ? "" : ", ") + name;
    return s + ", and the QCFS activation Mul(L/lambda) Add(0.5) Floor Div(L) Clip(0, 1) Mul(lambda)";
}

graph parse_onnx(std::string_view bytes, const std::string& label) {
    if (bytes.empty()) throw input_error(label, "", "empty file: not an ONNX model");
    onnx::ModelProto m;
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX) ||
        !m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        throw input_error(label, "byte 0.." + std::to_string(bytes.size()),
                          "not a valid ONNX protobuf (truncated, corrupted or another format)");
    if (!m.has_graph() || m.ir_version() <= 0)
        throw input_error(label, "",
                          "not an ONNX model (no ir_version or graph): truncated or another format");
    check_opset(m, label);
    onnx_context ctx(label);
    read_graph(ctx, m.graph());
    return std::move(ctx.g);
}

graph load_onnx(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw input_error(path, "", "cannot open the file");
    std::ostringstream ss;
    ss << f.rdbuf();
    return parse_onnx(ss.str(), path);
}

} // namespace spikekit::converters
