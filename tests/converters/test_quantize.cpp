// Quantization to integer weights and thresholds, and the convert command line (exit codes, JSON keys).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "../support/test_support.hpp"
#include "onnx_builder.hpp"
#include "spikekit/converters/onnx.hpp"
#include "spikekit/converters/quantize.hpp"
#include "spikekit/converters/snn.hpp"

using namespace spikekit::converters;
using spikekit::context;
using spikekit::test::fixture;
using spikekit::test::values;

namespace {

dataset uniform_samples(std::size_t n) {
    dataset d;
    d.source = "synthetic";
    d.sample = {1, 28, 28};
    d.count = n;
    d.x = values(n * 784, 21);
    for (auto& v : d.x) v = std::max(0.0f, v); // half the pixels dark, like digits
    d.labels.assign(n, 0);
    return d;
}

// Fraction of samples on which two models predict the same class at T steps.
double agreement(const snn_model& a, const snn_model& b, const dataset& d, int T) {
    const snn_simulator sa(a), sb(b);
    std::size_t same = 0;
    for (std::size_t s = 0; s < d.count; ++s)
        same += sa.run(d.image(s), s, {T}).predictions[0] == sb.run(d.image(s), s, {T}).predictions[0];
    return static_cast<double>(same) / static_cast<double>(d.count);
}

std::string cli(const std::string& args) {
    return std::string(SPIKEKIT_BIN) + " convert " + args;
}

} // namespace

TEST_CASE("quantized weights use the full signed range of their width with one scale per layer or channel") {
    const graph g = load_onnx(fixture("mnist_mlp.onnx"));
    const dataset d = uniform_samples(40);
    const snn_model m = convert(g, d, {}, context(1));
    for (bool per_channel : {false, true})
        for (int bits : {2, 4, 8}) {
            CAPTURE(bits);
            std::vector<quantized_layer> q;
            const snn_model qm = quantize(m, {bits, per_channel}, &q);
            REQUIRE(q.size() == 2);
            const int qmax = (1 << (bits - 1)) - 1;
            for (const auto& l : q) {
                CHECK(l.scale.size() == (per_channel ? l.bias.size() : 1u));
                int top = 0;
                for (int w : l.weight) top = std::max(top, std::abs(w));
                CHECK(top == qmax);
                for (int t : l.threshold) CHECK(t >= 1);
            }
            // The hidden layer's threshold is the integer threshold in float units, 1 / s to within one unit.
            const float unit = std::ldexp(q[0].scale[0], -q[0].shift);
            CHECK(q[0].shift == 16 - bits);
            CHECK(qm.threshold[3][0] ==
                  doctest::Approx(static_cast<float>(q[0].threshold[0]) * unit * m.threshold[3][0]));
            CHECK(std::abs(static_cast<float>(q[0].threshold[0]) - 1.0f / unit) <= 0.5f);
        }
}

TEST_CASE("16-bit quantization keeps the float network's decisions and 8 bits nearly all of them") {
    const graph g = load_onnx(fixture("mnist_mlp.onnx"));
    const dataset d = uniform_samples(60);
    const snn_model m = convert(g, d, {}, context(1));
    CHECK(agreement(m, quantize(m, {16, false}), d, 32) >= 0.98);
    CHECK(agreement(m, quantize(m, {8, true}), d, 32) >= 0.85);
    CHECK_THROWS(quantize(m, {1, false}));
}

TEST_CASE("spikekit convert exits 2 naming the bad model or data file and its JSON has the documented keys") {
    spikekit::test::temp_dir dir("convert_cli");
    const std::string text = dir.write("model.onnx", "this is not a model\n");
    auto r = spikekit::test::run_command(cli(text + " --calibration " + dir.path.string()));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(text) != std::string::npos);
    r = spikekit::test::run_command(cli(fixture("mnist_mlp.onnx")));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("--calibration") != std::string::npos);
    r = spikekit::test::run_command(cli(fixture("mnist_mlp.onnx") + " --calibration " + dir.path.string()));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("missing train-images-idx3-ubyte") != std::string::npos);
    CHECK(spikekit::test::run_command(cli("--help")).exit_code == 0);

    const std::string mnist = spikekit::test::shared_path("data/mnist");
    if (!std::filesystem::exists(mnist + "/t10k-images-idx3-ubyte.gz")) {
        MESSAGE("skipped the JSON part: the shared MNIST test set is missing");
        return;
    }
    r = spikekit::test::run_command(
        cli(fixture("mnist_mlp.onnx") + " --calibration " + mnist +
            " --calibration-split test --calibration-samples 200 --evaluate " + mnist +
            " --samples 200 --timesteps 8,16 --quantize 8 --json --quiet --out " + dir.file("net")),
        false);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["ann_accuracy"].get<double>() > 0.85);
    CHECK(j["snn_accuracy"].contains("8"));
    CHECK(j["snn_accuracy"]["16"].get<double>() > 0.8);
    CHECK(j["sops_per_inference"].get<double>() > 0);
    CHECK(j["quantized_accuracy"]["8"].contains("16"));
    CHECK(j["layers"].size() == 5);
    CHECK(std::filesystem::exists(dir.file("net/network.json")));
    // The calibration data must fit the model: a 28x28 model with 2x3 samples is refused naming the data.
    std::filesystem::create_directories(dir.file("small"));
    dir.write("small/t10k-images-idx3-ubyte",
              std::string("\0\0\x08\x03\0\0\0\x01\0\0\0\x02\0\0\0\x03", 16) + std::string(6, '\0'));
    dir.write("small/t10k-labels-idx1-ubyte", std::string("\0\0\x08\x01\0\0\0\x01\0", 9));
    r = spikekit::test::run_command(
        cli(fixture("mnist_mlp.onnx") + " --calibration " + dir.file("small") + " --calibration-split test"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("do not fit the model's input 1x28x28") != std::string::npos);
}
