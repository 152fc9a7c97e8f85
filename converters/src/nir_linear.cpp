// Linear NIR nodes as functions (semantics: PyTorch's for convolutions and pools, nir/ir docstrings
// otherwise; AvgPool2d = SumPool2d then a scale of 1 / window, padding included as PyTorch's
// count_include_pad).
#include "nir_linear.hpp"

#include "nir_shapes.hpp"

namespace spikekit::converters::nirlinear {
namespace {

std::vector<double> convolve(const std::string& file, const nir_node& n, const std::vector<double>& x,
                             bool with_bias) {
    const auto g = nirshapes::conv(file, n, n.in_shape);
    const bool pool = n.type == "SumPool2d" || n.type == "AvgPool2d";
    const double avg = n.type == "AvgPool2d" ? 1.0 / static_cast<double>(g.k[0] * g.k[1]) : 1.0;
    const std::vector<double>* w = pool ? nullptr : &n.fields.at("weight").numbers;
    const auto bias =
        pool ? std::vector<double>(g.cout, 0.0) : nirshapes::values(file, n, "bias", g.cout, 0.0);
    const std::size_t cin_g = g.cin / g.groups, cout_g = g.cout / g.groups;
    std::vector<double> y(g.cout * g.oh * g.ow, 0.0);
    for (std::size_t o = 0; o < g.cout; ++o) {
        const std::size_t grp = o / cout_g;
        for (std::size_t oy = 0; oy < g.oh; ++oy)
            for (std::size_t ox = 0; ox < g.ow; ++ox) {
                double sum = with_bias ? bias[o] : 0.0;
                for (std::size_t ci = 0; ci < (pool ? 1 : cin_g); ++ci) {
                    const std::size_t c = pool ? o : grp * cin_g + ci;
                    for (std::size_t ky = 0; ky < g.k[0]; ++ky)
                        for (std::size_t kx = 0; kx < g.k[1]; ++kx) {
                            const auto yy = static_cast<long long>(oy * g.s[0] + ky * g.d[0]) -
                                            static_cast<long long>(g.p[0]);
                            const auto xx = static_cast<long long>(ox * g.s[1] + kx * g.d[1]) -
                                            static_cast<long long>(g.p[1]);
                            if (yy < 0 || xx < 0 || yy >= static_cast<long long>(g.h) ||
                                xx >= static_cast<long long>(g.w))
                                continue;
                            const double in = x[(c * g.h + static_cast<std::size_t>(yy)) * g.w +
                                                static_cast<std::size_t>(xx)];
                            if (in == 0.0) continue;
                            sum += in * (pool ? avg : (*w)[((o * cin_g + ci) * g.k[0] + ky) * g.k[1] + kx]);
                        }
                }
                y[(o * g.oh + oy) * g.ow + ox] = sum;
            }
    }
    return y;
}

} // namespace

bool is_identity(const nir_node& n) {
    return n.port || n.type == "Flatten" || n.type == "Delay";
}

bool is_linear(const nir_node& n) {
    return is_identity(n) || n.type == "Affine" || n.type == "Linear" || n.type == "Scale" ||
           n.type == "Conv1d" || n.type == "Conv2d" || n.type == "SumPool2d" || n.type == "AvgPool2d";
}

std::vector<double> apply(const std::string& file, const nir_node& n, const std::vector<double>& x,
                          bool with_bias) {
    if (is_identity(n)) return x;
    if (n.type == "Scale") {
        const auto s = nirshapes::values(file, n, "scale", x.size(), 1.0);
        std::vector<double> y(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] * s[i];
        return y;
    }
    if (n.type == "Affine" || n.type == "Linear") {
        const nir_value& w = n.fields.at("weight");
        const std::size_t rows = w.shape[0], cols = w.shape[1];
        std::vector<double> y = n.type == "Affine" && with_bias
                                    ? nirshapes::values(file, n, "bias", rows, 0.0)
                                    : std::vector<double>(rows, 0.0);
        for (std::size_t j = 0; j < cols; ++j) {
            if (x[j] == 0.0) continue;
            for (std::size_t i = 0; i < rows; ++i) y[i] += w.numbers[i * cols + j] * x[j];
        }
        return y;
    }
    return convolve(file, n, x, with_bias);
}

} // namespace spikekit::converters::nirlinear
