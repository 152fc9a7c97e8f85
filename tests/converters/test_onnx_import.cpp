// ONNX import: the committed fixtures, each operator against a direct reference computation, and every
// kind of bad input named in the error.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "../support/test_support.hpp"
#include "onnx_builder.hpp"
#include "spikekit/converters/engine.hpp"
#include "spikekit/converters/onnx.hpp"
#include "spikekit/core/error.hpp"

using namespace spikekit::converters;
using spikekit::test::fixture;
using spikekit::test::onnx_builder;
using spikekit::test::values;

namespace {

std::string error_of(const std::string& bytes) {
    try {
        parse_onnx(bytes, "model.onnx");
    } catch (const spikekit::input_error& e) {
        return e.what();
    }
    return "no error";
}

tensor run(const graph& g, const std::vector<float>& x) {
    engine e(g);
    std::vector<tensor> acts;
    e.forward(x.data(), acts);
    return acts[static_cast<std::size_t>(g.output)];
}

// Direct 2-D convolution (gather form, written independently of the scatter in engine.cpp).
tensor reference_conv(const std::vector<float>& x, shape in, const std::vector<float>& w,
                      const std::vector<float>& b, int oc, int groups, int k, int stride, int pt, int pl,
                      int pb, int pr, int dil) {
    const int oh = (in.h + pt + pb - dil * (k - 1) - 1) / stride + 1,
              ow = (in.w + pl + pr - dil * (k - 1) - 1) / stride + 1;
    const int icg = in.c / groups, ocg = oc / groups;
    tensor out(static_cast<std::size_t>(oc * oh * ow));
    for (int o = 0; o < oc; ++o)
        for (int y = 0; y < oh; ++y)
            for (int xx = 0; xx < ow; ++xx) {
                double s = b[static_cast<std::size_t>(o)];
                for (int c = 0; c < icg; ++c)
                    for (int ky = 0; ky < k; ++ky)
                        for (int kx = 0; kx < k; ++kx) {
                            const int iy = y * stride - pt + ky * dil, ix = xx * stride - pl + kx * dil;
                            if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
                            const int ic = (o / ocg) * icg + c;
                            s += static_cast<double>(
                                     w[static_cast<std::size_t>(((o * icg + c) * k + ky) * k + kx)]) *
                                 static_cast<double>(
                                     x[static_cast<std::size_t>((ic * in.h + iy) * in.w + ix)]);
                        }
                out[static_cast<std::size_t>((o * oh + y) * ow + xx)] = static_cast<float>(s);
            }
    return out;
}

} // namespace

TEST_CASE("the MNIST fixtures import with the layers and shapes PyTorch exported") {
    const graph mlp = load_onnx(fixture("mnist_mlp.onnx"));
    CHECK(mlp.input_shape() == shape{1, 28, 28});
    CHECK(mlp.output_shape() == shape{10, 1, 1});
    std::vector<op> kinds;
    for (std::size_t i = 1; i < mlp.layers.size(); ++i) kinds.push_back(mlp.layers[i].kind);
    CHECK(kinds == std::vector<op>{op::flatten, op::dense, op::relu, op::dense}); // Dropout dropped
    CHECK(mlp.parameters() == 784 * 128 + 128 + 128 * 10 + 10);

    const graph cnn = load_onnx(fixture("mnist_cnn.onnx"));
    std::vector<shape> shapes;
    for (const auto& l : cnn.layers)
        if (l.kind == op::conv || l.kind == op::avgpool) shapes.push_back(l.out);
    CHECK(shapes ==
          std::vector<shape>{{16, 28, 28}, {16, 14, 14}, {32, 14, 14}, {32, 7, 7}}); // zero Pads dropped
}

TEST_CASE("Conv with groups and stride and asymmetric padding and dilation matches a direct convolution") {
    const shape in{4, 9, 8};
    const int oc = 6, groups = 2, k = 3;
    onnx_builder b({1, in.c, in.h, in.w});
    const auto w = values(static_cast<std::size_t>(oc * (in.c / groups) * k * k), 1), bias = values(oc, 2);
    b.initializer("w", {oc, in.c / groups, k, k}, w);
    b.initializer("b", {oc}, bias);
    auto* n = b.node("Conv", {"x", "w", "b"}, "y");
    onnx_builder::attr(n, "group", groups);
    onnx_builder::attr(n, "strides", {2, 2});
    onnx_builder::attr(n, "pads", {1, 0, 2, 1});
    onnx_builder::attr(n, "dilations", {2, 2});
    const graph g = parse_onnx(b.bytes("y"), "conv.onnx");
    const auto x = values(in.size(), 3);
    const tensor got = run(g, x), want = reference_conv(x, in, w, bias, oc, groups, k, 2, 1, 0, 2, 1, 2);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
}

TEST_CASE("auto_pad SAME_UPPER and SAME_LOWER put the odd padding row at the end or the start") {
    const shape in{1, 6, 6};
    const auto w = values(9, 4), x = values(36, 6);
    for (const char* mode : {"SAME_UPPER", "SAME_LOWER"}) {
        onnx_builder b({1, 1, 6, 6});
        b.initializer("w", {1, 1, 3, 3}, w);
        auto* n = b.node("Conv", {"x", "w"}, "y");
        onnx_builder::attr(n, "strides", {2, 2});
        auto* a = n->add_attribute();
        a->set_name("auto_pad");
        a->set_type(onnx::AttributeProto::STRING);
        a->set_s(mode);
        const graph g = parse_onnx(b.bytes("y"), "same.onnx");
        CHECK(g.output_shape() == shape{1, 3, 3});            // ceil(6 / 2)
        const bool upper = std::string(mode) == "SAME_UPPER"; // total padding 1: after (UPPER) or before
        const tensor want = reference_conv(x, in, w, {0.0f}, 1, 1, 3, 2, upper ? 0 : 1, upper ? 0 : 1,
                                           upper ? 1 : 0, upper ? 1 : 0, 1);
        const tensor got = run(g, x);
        for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
    }
}

TEST_CASE("BatchNormalization and pools and Pad and Concat and residual Add and Gemm compute their ONNX "
          "definitions") {
    // x -> BN -> Pad(1) -> MaxPool(2, stride 2) ; x -> AveragePool(2, stride 2, pad 1, count_include_pad) ->
    // Relu; Add them, Concat with the max pool, GlobalAveragePool, Flatten, Gemm (transB).
    onnx_builder b({1, 2, 4, 4});
    b.initializer("scale", {2}, {2.0f, 0.5f});
    b.initializer("beta", {2}, {0.1f, -0.2f});
    b.initializer("mean", {2}, {0.3f, -0.1f});
    b.initializer("var", {2}, {4.0f, 0.25f});
    b.node("BatchNormalization", {"x", "scale", "beta", "mean", "var"}, "bn");
    b.ints("pads", {0, 0, 1, 1, 0, 0, 1, 1});
    b.node("Pad", {"bn", "pads"}, "padded");
    auto* mp = b.node("MaxPool", {"padded"}, "mp");
    onnx_builder::attr(mp, "kernel_shape", {2, 2});
    onnx_builder::attr(mp, "strides", {2, 2});
    auto* ap = b.node("AveragePool", {"x"}, "ap");
    onnx_builder::attr(ap, "kernel_shape", {2, 2});
    onnx_builder::attr(ap, "strides", {2, 2});
    onnx_builder::attr(ap, "pads", {1, 1, 1, 1});
    onnx_builder::attr(ap, "count_include_pad", 1);
    b.node("Relu", {"ap"}, "apr");
    b.node("Add", {"mp", "apr"}, "sum"); // both 2x3x3
    b.node("Concat", {"sum", "mp"}, "cat");
    onnx_builder::attr(b.g->mutable_node(b.g->node_size() - 1), "axis", 1);
    b.node("GlobalAveragePool", {"cat"}, "gap");
    b.node("Flatten", {"gap"}, "flat");
    b.initializer("W", {3, 4}, values(12, 7));
    b.initializer("C", {3}, {1.0f, 2.0f, 3.0f});
    b.node("Gemm", {"flat", "W", "C"}, "y");
    onnx_builder::attr(b.g->mutable_node(b.g->node_size() - 1), "transB", 1);
    const graph g = parse_onnx(b.bytes("y"), "ops.onnx");
    const auto x = values(32, 5);

    auto at = [&](int c, int y, int xx) { return x[static_cast<std::size_t>((c * 4 + y) * 4 + xx)]; };
    const float sc[2] = {2.0f / std::sqrt(4.0f + 1e-5f), 0.5f / std::sqrt(0.25f + 1e-5f)};
    auto bn = [&](int c, int y, int xx) {
        return sc[c] * (at(c, y, xx) - (c ? -0.1f : 0.3f)) + (c ? -0.2f : 0.1f);
    };
    double cat_mean[4] = {0, 0, 0, 0};
    for (int c = 0; c < 2; ++c)
        for (int oy = 0; oy < 3; ++oy)
            for (int ox = 0; ox < 3; ++ox) {
                float mx = -1e30f, avg = 0.0f;
                for (int ky = 0; ky < 2; ++ky)
                    for (int kx = 0; kx < 2; ++kx) { // padded by 1: padding is 0
                        const int y = oy * 2 + ky - 1, xx = ox * 2 + kx - 1;
                        mx = std::max(mx, (y < 0 || y > 3 || xx < 0 || xx > 3) ? 0.0f : bn(c, y, xx));
                    }
                for (int ky = 0; ky < 2; ++ky)
                    for (int kx = 0; kx < 2; ++kx) {
                        const int y = oy * 2 + ky - 1, xx = ox * 2 + kx - 1;
                        if (y >= 0 && y < 4 && xx >= 0 && xx < 4) avg += at(c, y, xx);
                    }
                avg = std::max(avg / 4.0f, 0.0f); // count_include_pad: padding counts in the divisor
                cat_mean[c] += static_cast<double>(mx + avg) / 9.0;
                cat_mean[2 + c] += static_cast<double>(mx) / 9.0;
            }
    const auto w = values(12, 7);
    const tensor y = run(g, x);
    REQUIRE(y.size() == 3);
    for (int o = 0; o < 3; ++o) {
        double s = o + 1.0;
        for (int i = 0; i < 4; ++i)
            s += static_cast<double>(w[static_cast<std::size_t>(o * 4 + i)]) * cat_mean[i];
        CHECK(y[static_cast<std::size_t>(o)] == doctest::Approx(s).epsilon(1e-5));
    }
}

TEST_CASE(
    "MatMul followed by a constant Add becomes one dense layer with a bias and Clip(0 m) is a ceiling") {
    onnx_builder b({1, 3});
    b.initializer("W", {3, 2}, {1, 2, 3, 4, 5, 6}); // [in][out]
    b.initializer("bias", {2}, {0.5f, -100.0f});
    b.node("MatMul", {"x", "W"}, "mm");
    b.node("Add", {"mm", "bias"}, "lin");
    b.initializer("lo", {}, {0.0f});
    b.initializer("hi", {}, {6.0f});
    b.node("Clip", {"lin", "lo", "hi"}, "y");
    const graph g = parse_onnx(b.bytes("y"), "mm.onnx");
    REQUIRE(g.layers.size() == 3); // input, dense, clip
    CHECK(g.layers[2].kind == op::clip);
    const tensor y = run(g, {1.0f, 0.0f, -1.0f});
    CHECK(y[0] == doctest::Approx(0.0f));                          // 1 - 5 + 0.5 = -3.5 -> 0
    CHECK(run(g, {3.0f, 1.0f, 0.0f})[0] == doctest::Approx(6.0f)); // 3 + 3 + 0.5 = 6.5 -> 6
}

namespace {

// x [1, 4] -> QCFS with L levels and ceiling lambda, as torch.onnx.export writes it: each Constant node just
// after the node that reads it. `half` is the constant of the Add (0.5 for a real QCFS activation).
std::string qcfs_model(float levels, float lambda, float half = 0.5f) {
    onnx_builder b({1, 4});
    b.node("Mul", {"x", "s"}, "m");
    b.constant("s", levels / lambda);
    b.node("Add", {"m", "h"}, "a");
    b.constant("h", half);
    b.node("Floor", {"a"}, "f");
    b.node("Div", {"f", "L"}, "d");
    b.constant("L", levels);
    b.initializer("zero", {}, {0.0f});
    b.initializer("one", {}, {1.0f});
    b.node("Clip", {"d", "zero", "one"}, "c");
    b.node("Mul", {"lam", "c"}, "y");
    b.constant("lam", lambda);
    return b.bytes("y");
}

} // namespace

TEST_CASE("the QCFS chain Mul Add Floor Div Clip Mul is one quantized clip layer computing it exactly") {
    const graph g = parse_onnx(qcfs_model(8.0f, 2.0f), "qcfs.onnx");
    REQUIRE(g.layers.size() == 2); // input, the activation
    const layer& l = g.layers[1];
    CHECK(l.kind == op::clip);
    CHECK(l.onnx_op == "QCFS");
    CHECK(l.levels == 8);
    CHECK(l.clip_max == 2.0f);
    CHECK(g.output == 1);
    // Steps of lambda / L = 0.25, rounded half up, clipped to [0, lambda].
    const tensor y = run(g, {-1.0f, 0.3f, 0.374f, 5.0f});
    CHECK(y[0] == 0.0f);
    CHECK(y[1] == 0.25f);
    CHECK(y[2] == 0.25f);
    CHECK(y[3] == 2.0f);
    CHECK(run(g, {0.375f, 0.0f, 0.0f, 0.0f})[0] == 0.5f);
}

TEST_CASE("Floor outside a QCFS chain and a chain that is not QCFS are refused with the supported list") {
    onnx_builder b({1, 4});
    b.node("Floor", {"x"}, "f");
    const std::string floor_alone = error_of(b.bytes("f"));
    CHECK(floor_alone.find("node 'f_node' (Floor): unsupported operator Floor; supported operators:") !=
          std::string::npos);
    CHECK(floor_alone.find("QCFS activation Mul(L/lambda) Add(0.5) Floor Div(L) Clip(0, 1) Mul(lambda)") !=
          std::string::npos);
    const std::string wrong_add = error_of(qcfs_model(8.0f, 2.0f, 0.4f));
    CHECK(wrong_add.find("node 'm_node' (Mul): unsupported operator Mul (not a QCFS activation: the Add must "
                         "add 0.5); supported operators:") != std::string::npos);
    CHECK(error_of(qcfs_model(2.5f, 2.0f)).find("whole number of levels") != std::string::npos);
}

TEST_CASE("a final Softmax is dropped and a Softmax inside the network is refused") {
    onnx_builder last({1, 3});
    last.node("Relu", {"x"}, "r");
    last.node("Softmax", {"r"}, "p");
    const graph g = parse_onnx(last.bytes("p"), "softmax.onnx");
    CHECK(g.layers.size() == 2);
    CHECK(g.layers[static_cast<std::size_t>(g.output)].kind == op::relu);

    onnx_builder inner({1, 3});
    inner.node("Softmax", {"x"}, "p");
    inner.node("Relu", {"p"}, "r");
    CHECK(error_of(inner.bytes("r"))
              .find("node 'p_node' (Softmax): Softmax is supported only as the last node") !=
          std::string::npos);
}

TEST_CASE("an unsupported operator is named with its node and the supported list") {
    onnx_builder b({1, 4});
    b.node("Relu", {"x"}, "r");
    b.node("Sigmoid", {"r"}, "s");
    const std::string e = error_of(b.bytes("s"));
    CHECK(e.find("model.onnx") != std::string::npos);
    CHECK(e.find("node 's_node' (Sigmoid)") != std::string::npos);
    CHECK(e.find("unsupported operator Sigmoid") != std::string::npos);
    CHECK(e.find("Conv, Dropout") != std::string::npos);
}

TEST_CASE("a dynamic non-batch dimension or a missing initializer or a wrong opset is an input error") {
    onnx_builder dyn({1, 1, 28, 28});
    dyn.g->mutable_input(0)
        ->mutable_type()
        ->mutable_tensor_type()
        ->mutable_shape()
        ->mutable_dim(2)
        ->set_dim_param("H");
    dyn.node("Relu", {"x"}, "y");
    CHECK(error_of(dyn.bytes("y")).find("graph input 'x' dimension 2: is dynamic") != std::string::npos);

    onnx_builder missing({1, 1, 8, 8});
    missing.node("Conv", {"x", "conv.weight"}, "y");
    const std::string e = error_of(missing.bytes("y"));
    CHECK(e.find("node 'y_node' (Conv)") != std::string::npos);
    CHECK(e.find("missing initializer 'conv.weight'") != std::string::npos);

    onnx_builder huge({1, 1, 8, 8}); // padding that would need terabytes is refused before any allocation
    huge.initializer("w", {1, 1, 1, 1}, {1.0f});
    onnx_builder::attr(huge.node("Conv", {"x", "w"}, "y"), "pads", {1 << 23, 1 << 23, 1 << 23, 1 << 23});
    CHECK(error_of(huge.bytes("y")).find("is empty or larger than") != std::string::npos);

    onnx_builder old({1, 4}, 9);
    old.node("Relu", {"x"}, "y");
    CHECK(error_of(old.bytes("y")).find("opset 9 is not supported") != std::string::npos);

    onnx_builder wrong({1, 4});
    wrong.initializer("W", {5, 2}, values(10, 1));
    wrong.node("MatMul", {"x", "W"}, "y");
    CHECK(error_of(wrong.bytes("y")).find("do not fit 4 input features") != std::string::npos);
}

TEST_CASE("a truncated fixture or a text file or an empty file is rejected as not ONNX") {
    std::ifstream f(fixture("mnist_cnn.onnx"), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string whole = ss.str();
    REQUIRE(whole.size() > 1000);
    for (std::size_t cut : {whole.size() / 2, whole.size() - 3, std::size_t{7}}) {
        const std::string e = error_of(whole.substr(0, cut));
        CHECK_MESSAGE(e.find("model.onnx") != std::string::npos, e);
        CHECK_MESSAGE(e != "no error", "cut at " << cut);
    }
    CHECK(error_of("{\"not\": \"onnx\"}\n").find("not") != std::string::npos);
    CHECK(error_of("").find("empty file") != std::string::npos);
    CHECK_THROWS_AS(load_onnx("/nonexistent/model.onnx"), spikekit::input_error);
}

TEST_CASE("corrupted models either import into a graph that runs or fail with an input error") {
    // Byte flips at deterministic positions of a real fixture: the parser, the shape checks and the engine
    // must never crash or read out of bounds (the ASan build runs this too).
    std::ifstream f(fixture("mnist_cnn.onnx"), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string whole = ss.str();
    unsigned s = 12345;
    int parsed = 0, rejected = 0;
    for (int trial = 0; trial < 300; ++trial) {
        std::string bytes = whole;
        for (int k = 0; k < 1 + trial % 4; ++k) {
            s = s * 1664525u + 1013904223u;
            const std::size_t at = (s >> 8) % (trial % 2 ? 2000 : bytes.size()); // half in the header region
            bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + (s & 0x7f)));
        }
        try {
            const graph g = parse_onnx(bytes, "mutant.onnx");
            const std::vector<float> x(g.input_shape().size(), 0.5f);
            run(g, x);
            ++parsed;
        } catch (const spikekit::input_error&) {
            ++rejected;
        }
    }
    MESSAGE(parsed << " mutants imported, " << rejected << " rejected");
    CHECK(parsed + rejected == 300);
    CHECK(rejected > 0);
}
