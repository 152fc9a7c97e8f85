// Shapes and geometry of NIR nodes (nir/ir/*.py; output size of a convolution from nir/ir/utils.py:
// floor((in + 2 p - d (k - 1) - 1) / s + 1)).
#include "nir_shapes.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nir_schema.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::converters::nirshapes {
namespace {

std::string where(const nir_node& n, const std::string& f) {
    return "node '" + n.name + "' field '" + f + "'";
}

std::vector<long long> ints(const nir_value& v) {
    std::vector<long long> out;
    for (double x : v.numbers) out.push_back(std::llround(x));
    return out;
}

shape_t positive_shape(const std::string& file, const nir_node& n, const std::string& f) {
    shape_t s;
    for (long long x : ints(n.fields.at(f))) {
        if (x <= 0)
            throw input_error(file, where(n, f), "expected positive sizes, found " + std::to_string(x));
        s.push_back(static_cast<std::size_t>(x));
    }
    if (s.empty()) throw input_error(file, where(n, f), "expected at least one dimension");
    return s;
}

// A per-axis parameter (stride, padding, ...): scalar or one value per axis.
std::array<std::size_t, 2> axes(const std::string& file, const nir_node& n, const std::string& f,
                                std::size_t def, std::size_t dims, std::size_t min) {
    const nir_value* v = n.find(f);
    if (!v) return {def, def};
    const auto x = ints(*v);
    if (x.size() != 1 && x.size() != dims)
        throw input_error(file, where(n, f),
                          "expected 1 or " + std::to_string(dims) + " values, found " +
                              std::to_string(x.size()));
    std::array<std::size_t, 2> out{};
    for (std::size_t a = 0; a < dims; ++a) {
        const long long y = x[x.size() == 1 ? 0 : a];
        if (y < static_cast<long long>(min))
            throw input_error(file, where(n, f),
                              "expected values >= " + std::to_string(min) + ", found " + std::to_string(y));
        out[a] = static_cast<std::size_t>(y);
    }
    return out;
}

const nir_value& weight(const std::string& file, const nir_node& n, std::size_t rank) {
    const nir_value& w = n.fields.at("weight");
    if (w.shape.size() != rank)
        throw input_error(file, where(n, "weight"),
                          "expected " + std::to_string(rank) + " dimensions, found " +
                              std::to_string(w.shape.size()));
    return w;
}

std::size_t out_size(std::size_t in, std::size_t k, std::size_t s, std::size_t p, std::size_t d) {
    const long long span = static_cast<long long>(d * (k - 1) + 1);
    const long long padded = static_cast<long long>(in + 2 * p);
    return padded < span ? 0 : static_cast<std::size_t>((padded - span) / static_cast<long long>(s) + 1);
}

} // namespace

std::vector<double> values(const std::string& file, const nir_node& n, const std::string& f,
                           std::size_t count, double def) {
    const nir_value* v = n.find(f);
    if (!v) return std::vector<double>(count, def);
    if (v->numbers.size() == 1) return std::vector<double>(count, v->numbers[0]);
    if (v->numbers.size() != count)
        throw input_error(file, where(n, f),
                          "expected " + std::to_string(count) + " values (the node's size), found " +
                              std::to_string(v->numbers.size()));
    for (double x : v->numbers)
        if (!std::isfinite(x)) throw input_error(file, where(n, f), "expected finite numbers");
    return v->numbers;
}

conv_geom conv(const std::string& file, const nir_node& n, const shape_t& in) {
    conv_geom g;
    const bool pool = n.type == "SumPool2d" || n.type == "AvgPool2d";
    g.one_d = n.type == "Conv1d";
    const std::size_t dims = g.one_d ? 1 : 2;
    if (in.size() != dims + 1)
        throw input_error(file, "node '" + n.name + "'",
                          "expects a " + std::to_string(dims + 1) +
                              "-dimensional (channel-first) input, found " + std::to_string(in.size()) +
                              " dimensions");
    g.cin = in[0];
    g.h = g.one_d ? 1 : in[1];
    g.w = in[dims];
    auto lift = [&](std::array<std::size_t, 2> a, std::size_t one) { // Conv1d: the single axis is the width
        return g.one_d ? std::array<std::size_t, 2>{one, a[0]} : a;
    };
    if (pool) {
        g.groups = g.cout = g.cin;
        g.k = axes(file, n, "kernel_size", 1, 2, 1);
        g.s = axes(file, n, "stride", 0, 2, 0);
        if (!n.find("stride")) g.s = g.k; // PyTorch's default stride is the kernel size
        g.p = axes(file, n, "padding", 0, 2, 0);
    } else {
        const nir_value& w = weight(file, n, dims + 2);
        g.groups = axes(file, n, "groups", 1, 1, 1)[0];
        g.cout = w.shape[0];
        if (w.shape[1] * g.groups != g.cin || g.cout % g.groups)
            throw input_error(file, where(n, "weight"),
                              "expects " + std::to_string(w.shape[1] * g.groups) +
                                  " input channels (groups " + std::to_string(g.groups) +
                                  "), the input has " + std::to_string(g.cin));
        g.k = lift({w.shape[2], g.one_d ? 1 : w.shape[3]}, 1);
        g.s = lift(axes(file, n, "stride", 1, dims, 1), 1);
        g.d = lift(axes(file, n, "dilation", 1, dims, 1), 1);
        const nir_value* p = n.find("padding");
        if (p && p->text) {
            const bool same = p->strings[0] == "same";
            for (std::size_t a = 0; a < 2; ++a) {
                const std::size_t span = g.d[a] * (g.k[a] - 1);
                if (same && (span % 2 || g.s[a] != 1))
                    throw input_error(file, where(n, "padding"),
                                      "'same' needs stride 1 and an even dilated kernel span (as PyTorch)");
                g.p[a] = same ? span / 2 : 0;
            }
        } else {
            g.p = lift(axes(file, n, "padding", 0, dims, 0), 0);
        }
        const nir_value* b = n.find("bias");
        if (b && b->numbers.size() != g.cout && b->numbers.size() != 1)
            throw input_error(file, where(n, "bias"),
                              "expected " + std::to_string(g.cout) + " values, found " +
                                  std::to_string(b->numbers.size()));
    }
    if (g.s[0] == 0 || g.s[1] == 0) throw input_error(file, where(n, "stride"), "expected strides >= 1");
    g.oh = out_size(g.h, g.k[0], g.s[0], g.p[0], g.d[0]);
    g.ow = out_size(g.w, g.k[1], g.s[1], g.p[1], g.d[1]);
    if (g.oh == 0 || g.ow == 0)
        throw input_error(file, "node '" + n.name + "'", "the window is larger than the padded input");
    return g;
}

void own_shapes(const std::string& file, nir_node& n) {
    const auto* spec = nirschema::find(n.type);
    if (n.type == "Input" || n.type == "Output") {
        n.in_shape = n.out_shape = positive_shape(file, n, "shape");
    } else if (n.type == "Affine" || n.type == "Linear") {
        const nir_value& w = weight(file, n, 2);
        n.in_shape = {w.shape[1]};
        n.out_shape = {w.shape[0]};
        if (n.type == "Affine") values(file, n, "bias", w.shape[0], 0.0);
    } else if (!spec->shape_field.empty()) {
        const nir_value& v = n.fields.at(std::string(spec->shape_field));
        n.in_shape = v.shape.empty() ? shape_t{1} : v.shape;
        n.out_shape = n.in_shape;
        std::size_t size = 1;
        for (auto d : n.in_shape) size *= d;
        for (const auto& f : spec->fields) values(file, n, std::string(f.name), size, 0.0); // counts agree
    } else if ((n.type == "Conv1d" || n.type == "Conv2d") && n.find("input_shape")) {
        const nir_value& w = n.fields.at("weight");
        if (w.shape.size() < 2) weight(file, n, n.type == "Conv1d" ? 3 : 4);
        shape_t in{w.shape[1] * axes(file, n, "groups", 1, 1, 1)[0]};
        for (auto d : positive_shape(file, n, "input_shape")) in.push_back(d);
        from_input(file, n, in);
    } else if (n.type == "Flatten" && n.find("input_type")) {
        from_input(file, n, positive_shape(file, n, "input_type"));
    }
}

void from_input(const std::string& file, nir_node& n, const shape_t& in) {
    if (n.type == "Conv1d" || n.type == "Conv2d" || n.type == "SumPool2d" || n.type == "AvgPool2d") {
        const conv_geom g = conv(file, n, in);
        n.in_shape = in;
        n.out_shape = g.one_d ? shape_t{g.cout, g.ow} : shape_t{g.cout, g.oh, g.ow};
    } else if (n.type == "Flatten") {
        const auto rank = static_cast<long long>(in.size());
        const nir_value* sv = n.find("start_dim");
        const nir_value* ev = n.find("end_dim");
        long long s = sv && !sv->numbers.empty() ? std::llround(sv->numbers[0]) : 1;
        long long e = ev && !ev->numbers.empty() ? std::llround(ev->numbers[0]) : -1;
        if (s < 0) s += rank;
        if (e < 0) e += rank;
        if (s < 0 || e >= rank || s > e)
            throw input_error(file, where(n, "start_dim"),
                              "dimensions " + std::to_string(s) + ".." + std::to_string(e) +
                                  " do not fit an input of rank " + std::to_string(rank));
        shape_t out(in.begin(), in.begin() + s);
        std::size_t m = 1;
        for (long long k = s; k <= e; ++k) m *= in[static_cast<std::size_t>(k)];
        out.push_back(m);
        out.insert(out.end(), in.begin() + e + 1, in.end());
        n.in_shape = in;
        n.out_shape = out;
    }
}

std::string input_field(const nir_node& n) {
    if (n.type == "Input" || n.type == "Output") return "shape";
    if (n.type == "Affine" || n.type == "Linear") return "weight";
    if (n.type == "Flatten") return "input_type";
    if (n.type == "Conv1d" || n.type == "Conv2d") return n.find("input_shape") ? "input_shape" : "weight";
    if (n.type == "SumPool2d" || n.type == "AvgPool2d") return "kernel_size";
    const auto* spec = nirschema::find(n.type);
    return spec ? std::string(spec->shape_field) : std::string("shape");
}

std::string summary(const nir_node& n) {
    std::ostringstream o;
    for (const auto& [k, v] : n.fields) {
        if (k == "shape" || k == "weight" || k == "bias" || k == "input_shape" || k == "input_type") continue;
        o << "  " << k << "=";
        if (v.text) {
            o << v.strings.front();
        } else if (v.numbers.size() == 1) {
            o << v.numbers[0];
        } else if (!v.numbers.empty()) {
            const auto [lo, hi] = std::minmax_element(v.numbers.begin(), v.numbers.end());
            if (*lo == *hi)
                o << *lo;
            else
                o << "[" << *lo << ".." << *hi << "]";
        }
    }
    for (const auto& [k, v] : n.metadata) o << "  metadata." << k << "=" << v;
    return o.str();
}

} // namespace spikekit::converters::nirshapes
