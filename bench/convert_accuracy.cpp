// bench_convert_accuracy: accuracy of the converted reference ANNs (tests/data/onnx) against their ANN, per
// number of timesteps, plus quantized accuracy (8 bits unless --bits says otherwise, one row per width), SOPs
// per inference and evaluation time.
//
//   bench_convert_accuracy [--samples N] [--threads N] [--timesteps 4,8,...] [--bits 8,4,2] [MODEL...]
//
// MNIST: /work/shared/data/mnist (the official test set; its training images are not available, so
// calibration uses the last 1000 test images - threshold balancing reads no labels). Fashion-MNIST:
// /usr/share/datasets/fashion-mnist (calibration: 1000 training images). Models whose data is missing are
// skipped with a message.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "spikekit/converters/onnx.hpp"
#include "spikekit/converters/quantize.hpp"
#include "spikekit/converters/snn.hpp"
#include "spikekit/core/error.hpp"

using namespace spikekit::converters;

namespace {

struct bench_model {
    std::string name, label;
    bool fashion;
    conversion_options options;
};

std::vector<bench_model> models() {
    conversion_options def, half, gated, gated_half, channel_half;
    half.half_initial = gated_half.half_initial = channel_half.half_initial = true; // V(0) = theta / 2
    channel_half.per_channel = true;
    gated.maxpool = gated_half.maxpool = maxpool_mode::gated;
    return {
        {"mnist_mlp", "MNIST MLP", false, def},
        {"mnist_cnn", "MNIST CNN", false, def},
        {"mnist_cnn", "MNIST CNN, V0=th/2", false, half},
        {"fashion_cnn", "F-MNIST CNN", true, def},
        {"fashion_cnn", "F-MNIST CNN, V0=th/2", true, half},
        {"fashion_cnn_bn", "F-MNIST CNN+BN, V0=th/2", true, half},
        {"fashion_cnn_maxpool", "F-MNIST MaxPool avg, V0", true, half},
        {"fashion_cnn_maxpool", "F-MNIST MaxPool gated, V0", true, gated_half},
        {"fashion_resnet", "F-MNIST ResNet, V0=th/2", true, half},
        {"fashion_resnet", "F-MNIST ResNet, V0, per ch.", true, channel_half},
        {"fashion_cnn_qcfs8", "F-MNIST QCFS-8, V0=th/2", true, half},
        {"fashion_cnn_qcfs4", "F-MNIST QCFS-4, V0=th/2", true, half},
    };
}

dataset tail_of(const dataset& d, std::size_t n) {
    dataset t = d;
    const std::size_t first = d.count - std::min(n, d.count);
    t.x.assign(d.x.begin() + static_cast<std::ptrdiff_t>(first * d.sample.size()), d.x.end());
    t.labels.assign(d.labels.begin() + static_cast<std::ptrdiff_t>(first), d.labels.end());
    t.count = d.count - first;
    return t;
}

std::vector<int> parse_list(const char* s) {
    std::vector<int> r;
    std::stringstream ss(s);
    for (std::string item; std::getline(ss, item, ',');) r.push_back(std::stoi(item));
    return r;
}

void row(const char* what, const std::vector<double>& acc) {
    std::printf("| %-30s |        |", what);
    for (double a : acc) std::printf(" %6.2f |", 100.0 * a);
    std::printf("                |         |\n");
}

} // namespace

int main(int argc, char** argv) {
    std::size_t samples = 0;
    unsigned threads = 0;
    std::vector<int> ts = {4, 8, 16, 32, 64, 128}, bits = {8};
    std::vector<std::string> only;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--samples") && i + 1 < argc)
            samples = std::stoul(argv[++i]);
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = static_cast<unsigned>(std::stoul(argv[++i]));
        else if (!std::strcmp(argv[i], "--timesteps") && i + 1 < argc)
            ts = parse_list(argv[++i]);
        else if (!std::strcmp(argv[i], "--bits") && i + 1 < argc)
            bits = parse_list(argv[++i]);
        else
            only.emplace_back(argv[i]);
    }
    const std::string mnist = SPIKEKIT_SHARED_DIR "/data/mnist",
                      fashion = "/usr/share/datasets/fashion-mnist";
    std::printf("| model                          | ANN    |");
    for (int t : ts) std::printf(" T=%-4d|", t);
    std::printf(" SOPs/inf (T=%d) | seconds |\n|---|---|", ts.back());
    for (std::size_t k = 0; k < ts.size(); ++k) std::printf("---|");
    std::printf("---|---|\n");
    for (const auto& bm : models()) {
        if (!only.empty() && std::find(only.begin(), only.end(), bm.name) == only.end()) continue;
        const std::string file = SPIKEKIT_SOURCE_DIR "/tests/data/onnx/" + bm.name + ".onnx";
        const std::string data = bm.fashion ? fashion : mnist;
        if (!std::filesystem::exists(file) || !std::filesystem::exists(data)) {
            std::fprintf(stderr, "skipped %s: %s or %s is missing\n", bm.label.c_str(), file.c_str(),
                         data.c_str());
            continue;
        }
        try {
            const graph g = load_onnx(file);
            const dataset test = load_dataset(data, split::test, samples);
            const dataset calib = bm.fashion ? load_dataset(data, split::train, 1000)
                                             : tail_of(load_dataset(data, split::test), 1000);
            const snn_model m = convert(g, calib, bm.options, spikekit::context(threads));
            const double ann = ann_accuracy(engine(g), test, spikekit::context(threads));
            const auto ev = evaluate_snn(m, test, ts, spikekit::context(threads));
            std::printf("| %-30s | %6.2f |", bm.label.c_str(), 100.0 * ann);
            for (double a : ev.accuracy) std::printf(" %6.2f |", 100.0 * a);
            std::printf(" %14.0f | %7.1f |\n", ev.sops_per_inference, ev.seconds);
            for (int b : bits)
                row(("  " + std::to_string(b) + "-bit " + bm.label).c_str(),
                    evaluate_snn(quantize(m, {b, false}), test, ts, spikekit::context(threads)).accuracy);
            std::fflush(stdout);
        } catch (const spikekit::error& e) {
            std::fprintf(stderr, "%s: %s\n", bm.label.c_str(), e.what());
            return 2;
        }
    }
    return 0;
}
