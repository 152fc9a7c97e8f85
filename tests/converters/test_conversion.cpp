// Conversion: percentile thresholds, BatchNorm folding, IF rates against the analytic count, gated max
// pooling, and the converted MNIST fixtures against their ANN (skipped when the shared data is missing).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "../support/test_support.hpp"
#include "onnx_builder.hpp"
#include "spikekit/converters/onnx.hpp"
#include "spikekit/converters/snn.hpp"

using namespace spikekit::converters;
using spikekit::context;
using spikekit::test::fixture;
using spikekit::test::onnx_builder;
using spikekit::test::values;

namespace {

dataset one_sample(std::vector<float> x, shape s, int label = 0) {
    dataset d;
    d.source = "synthetic";
    d.sample = s;
    d.count = 1;
    d.x = std::move(x);
    d.labels = {label};
    return d;
}

// input 4 -> dense 3 -> relu -> dense 2
graph small_mlp() {
    onnx_builder b({1, 4});
    b.initializer("W1", {4, 3}, {0.5f, -0.2f, 0.3f, 0.1f, 0.4f, -0.6f, 0.2f, 0.2f, 0.1f, -0.3f, 0.5f, 0.4f});
    b.initializer("b1", {3}, {0.05f, 0.1f, 0.0f});
    b.node("MatMul", {"x", "W1"}, "h");
    b.node("Add", {"h", "b1"}, "hb");
    b.node("Relu", {"hb"}, "r");
    b.initializer("W2", {3, 2}, {1.0f, -1.0f, 0.5f, 0.5f, -0.5f, 1.0f});
    b.node("MatMul", {"r", "W2"}, "y");
    return parse_onnx(b.bytes("y"), "small.onnx");
}

bool have_mnist() {
    return std::filesystem::exists(spikekit::test::shared_path("data/mnist/t10k-images-idx3-ubyte.gz"));
}

nlohmann::json sidecar(const std::string& name) {
    std::ifstream f(fixture(name + ".json"));
    return nlohmann::json::parse(f);
}

} // namespace

TEST_CASE("percentile interpolates between ranks like numpy and 100 is the maximum") {
    std::vector<float> v;
    for (int k = 1000; k >= 1; --k) v.push_back(static_cast<float>(k));
    CHECK(percentile(v, 100.0) == 1000.0f);
    CHECK(percentile(v, 50.0) == doctest::Approx(500.5));
    CHECK(percentile(v, 99.9) == doctest::Approx(999.001));
    std::vector<float> empty;
    CHECK(percentile(empty, 99.9) == 0.0f);
}

TEST_CASE("IF neurons with reset by subtraction fire floor(T a / theta) times for a constant input a") {
    const graph g = small_mlp();
    const std::vector<float> x = {0.9f, 0.3f, 0.7f, 0.2f};
    conversion_options o;
    o.percentile = 100.0; // threshold = the largest activation
    for (bool half : {false, true}) {
        o.half_initial = half;
        const snn_model m = convert(g, one_sample(x, {4, 1, 1}), o, context(1));
        engine e(m.net);
        std::vector<tensor> acts;
        e.forward(x.data(), acts);
        const std::size_t relu = 2; // input, dense (MatMul + Add), relu, dense
        REQUIRE(m.net.layers[relu].kind == op::relu);
        const float theta = m.threshold[relu][0];
        CHECK(theta == *std::max_element(acts[relu].begin(), acts[relu].end()));
        const snn_simulator sim(m);
        for (int T : {7, 50, 333}) {
            std::uint64_t expected = 0;
            for (float a : acts[relu])
                expected += static_cast<std::uint64_t>(std::floor(
                    static_cast<double>(T) * static_cast<double>(a / theta) + (half ? 0.5 : 0.0) + 1e-6));
            CHECK(sim.run(x.data(), 0, {T}).spikes[relu] == expected);
        }
        // The summed output converges to T times the ANN output (the rate code is exact up to one spike).
        const snn_run r = sim.run(x.data(), 0, {1000});
        for (std::size_t k = 0; k < 2; ++k)
            CHECK(r.output_membrane[k] / 1000.0f ==
                  doctest::Approx(acts[static_cast<std::size_t>(m.net.output)][k]).epsilon(0.01));
    }
}

TEST_CASE("a gated max pool passes the rate of the strongest input and the AvgPool substitution the mean") {
    onnx_builder b({1, 1, 2, 2});
    b.node("Relu", {"x"}, "r");
    auto* n = b.node("MaxPool", {"r"}, "m");
    onnx_builder::attr(n, "kernel_shape", {2, 2});
    b.node("Flatten", {"m"}, "y");
    const graph g = parse_onnx(b.bytes("y"), "maxpool.onnx");
    const std::vector<float> x = {0.2f, 0.9f, 0.5f, 0.1f};
    conversion_options o;
    o.percentile = 100.0;
    for (auto mode : {maxpool_mode::gated, maxpool_mode::avg}) {
        o.maxpool = mode;
        const snn_model m = convert(g, one_sample(x, {1, 2, 2}), o, context(1));
        const float per_step = snn_simulator(m).run(x.data(), 0, {1000}).output_membrane[0] / 1000.0f;
        CHECK(per_step == doctest::Approx(mode == maxpool_mode::gated ? 0.9 : 0.425).epsilon(0.01));
    }
}

TEST_CASE("BatchNorm folds into the convolution before it without changing the ANN's outputs") {
    const auto count = [](const graph& x, op k) {
        return std::count_if(x.layers.begin(), x.layers.end(), [&](const layer& l) { return l.kind == k; });
    };
    // Exported with --keep-bn: the CNN has 2 BatchNormalization nodes, the residual net 5 and 2 Adds.
    for (auto [name, bn, adds] : {std::tuple{"fashion_cnn_bn", 2, 0}, std::tuple{"fashion_resnet", 5, 2}}) {
        CAPTURE(name);
        const graph g = load_onnx(fixture(std::string(name) + ".onnx"));
        REQUIRE(count(g, op::batchnorm) == bn);
        CHECK(count(g, op::add) == adds);
        const graph f = fold_batchnorm(g);
        CHECK(count(f, op::batchnorm) == 0);
        CHECK(f.layers.size() == g.layers.size() - static_cast<std::size_t>(bn));
        const auto x = values(784, 9);
        std::vector<tensor> a, b;
        engine(g).forward(x.data(), a);
        engine(f).forward(x.data(), b);
        const tensor &ya = a[static_cast<std::size_t>(g.output)], &yb = b[static_cast<std::size_t>(f.output)];
        for (std::size_t k = 0; k < ya.size(); ++k) CHECK(yb[k] == doctest::Approx(ya[k]).epsilon(1e-4));
    }
}

TEST_CASE("per-channel thresholds at percentile 100 are each channel's largest calibration activation") {
    if (!have_mnist()) {
        MESSAGE("skipped: the shared MNIST test set is missing");
        return;
    }
    const graph g = load_onnx(fixture("mnist_cnn.onnx"));
    const dataset d = load_dataset(spikekit::test::shared_path("data/mnist"), split::test, 20);
    conversion_options o;
    o.percentile = 100.0;
    o.per_channel = true;
    const snn_model m = convert(g, d, o, context(1));
    const engine e(m.net);
    std::vector<float> mx(16, 0.0f);
    std::vector<tensor> acts;
    for (std::size_t s = 0; s < d.count; ++s) {
        e.forward(d.image(s), acts);
        for (std::size_t k = 0; k < acts[2].size(); ++k) mx[k / 784] = std::max(mx[k / 784], acts[2][k]);
    }
    REQUIRE(m.net.layers[2].kind == op::relu);
    REQUIRE(m.threshold[2].size() == 16);
    for (std::size_t c = 0; c < 16; ++c) CHECK(m.threshold[2][c] == mx[c]);
}

TEST_CASE("the converted MNIST CNN and MLP follow their ANN and the ANN matches PyTorch") {
    if (!have_mnist()) {
        MESSAGE("skipped: the shared MNIST test set is missing");
        return;
    }
    const dataset test = load_dataset(spikekit::test::shared_path("data/mnist"), split::test, 1000);
    for (const char* name : {"mnist_mlp", "mnist_cnn"}) {
        CAPTURE(name);
        const graph g = load_onnx(fixture(std::string(name) + ".onnx"));
        const double ann = ann_accuracy(engine(g), test, context(0));
        CHECK(ann ==
              doctest::Approx(sidecar(name)["torch_test_accuracy_first_1000"].get<double>()).epsilon(0.002));
        // Calibrate on the last 500 of the 1000, evaluate on the first 300.
        dataset calib = test;
        calib.x.erase(calib.x.begin(), calib.x.begin() + 500 * 784);
        calib.labels.erase(calib.labels.begin(), calib.labels.begin() + 500);
        calib.count = 500;
        const snn_model m = convert(g, calib, {}, context(0));
        const auto one = evaluate_snn(m, test, {8, 32}, context(1), 300);
        const auto two = evaluate_snn(m, test, {8, 32}, context(2), 300);
        CHECK(one.accuracy == two.accuracy); // deterministic over threads
        CHECK(one.sops_per_inference == two.sops_per_inference);
        const double ann300 = [&] {
            dataset t = test;
            t.count = 300;
            return ann_accuracy(engine(g), t, context(0));
        }();
        CHECK(one.accuracy[1] >= ann300 - 0.015);
        CHECK(one.accuracy[1] >= one.accuracy[0] - 0.01); // more time, no worse
        CHECK(one.sops_per_inference > 0);
    }
}

TEST_CASE("the C++ ANN of each Fashion-MNIST fixture matches PyTorch, the QCFS activation included") {
    const std::string fashion = "/usr/share/datasets/fashion-mnist";
    if (!std::filesystem::exists(fashion + "/t10k-images-idx3-ubyte.gz")) {
        MESSAGE("skipped: " << fashion << " is missing (apt-get install dataset-fashion-mnist)");
        return;
    }
    const dataset test = load_dataset(fashion, split::test, 1000);
    for (const char* name :
         {"fashion_cnn", "fashion_cnn_bn", "fashion_cnn_maxpool", "fashion_resnet", "fashion_cnn_qcfs8"}) {
        CAPTURE(name);
        const double ann = ann_accuracy(engine(load_onnx(fixture(std::string(name) + ".onnx"))), test, context(0));
        CHECK(ann ==
              doctest::Approx(sidecar(name)["torch_test_accuracy_first_1000"].get<double>()).epsilon(0.002));
    }
}

TEST_CASE("the QCFS layers of a QCFS-trained net take their trained ceiling lambda as threshold") {
    const graph g = load_onnx(fixture("fashion_cnn_qcfs8.onnx"));
    dataset d;
    d.source = "synthetic";
    d.sample = {1, 28, 28};
    d.count = 4;
    d.x = values(4 * 784, 13);
    d.labels.assign(4, 0);
    conversion_options o;
    o.percentile = 50.0; // would give a much lower threshold to a ReLU
    const snn_model m = convert(g, d, o, context(1));
    int clips = 0;
    for (std::size_t i = 0; i < m.net.layers.size(); ++i) {
        if (m.net.layers[i].kind != op::clip) continue;
        ++clips;
        REQUIRE(m.threshold[i].size() == 1);
        CHECK(m.threshold[i][0] == m.net.layers[i].clip_max);
        CHECK(m.net.layers[i].clip_max > 0.5f);
        CHECK(m.net.layers[i].levels == 8);
    }
    CHECK(clips == 2);
}

TEST_CASE("on a net trained with MaxPool the gated spiking max beats the AvgPool substitution") {
    const std::string fashion = "/usr/share/datasets/fashion-mnist";
    if (!std::filesystem::exists(fashion + "/t10k-images-idx3-ubyte.gz")) {
        MESSAGE("skipped: " << fashion << " is missing (apt-get install dataset-fashion-mnist)");
        return;
    }
    const graph g = load_onnx(fixture("fashion_cnn_maxpool.onnx"));
    const dataset test = load_dataset(fashion, split::test, 200);
    const dataset calib = load_dataset(fashion, split::test, 0); // labels unused; the last 300 samples
    dataset tail = calib;
    tail.x.assign(calib.x.end() - 300 * 784, calib.x.end());
    tail.labels.assign(300, 0);
    tail.count = 300;
    const double ann = ann_accuracy(engine(g), test, context(0));
    conversion_options o;
    o.half_initial = true;
    o.maxpool = maxpool_mode::avg;
    const double avg = evaluate_snn(convert(g, tail, o, context(0)), test, {32}, context(0)).accuracy[0];
    o.maxpool = maxpool_mode::gated;
    const double gated = evaluate_snn(convert(g, tail, o, context(0)), test, {32}, context(0)).accuracy[0];
    CHECK(gated > avg);
    CHECK(gated >= ann - 0.04);
}
