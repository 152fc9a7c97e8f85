// spikekit convert MODEL.onnx: ANN -> SNN conversion, evaluation against the ANN, export as a network.
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "spikekit/converters/convert.hpp"
#include "spikekit/converters/network_writer.hpp"
#include "spikekit/converters/onnx.hpp"
#include "spikekit/converters/quantize.hpp"
#include "spikekit/converters/snn.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {
namespace cv = spikekit::converters;

constexpr const char* convert_help = R"(usage: spikekit convert MODEL.onnx --calibration DATA [options]

Convert a trained ANN (ONNX, opset 11-17) into a spiking network of integrate-and-fire neurons (reset by
subtraction), with thresholds balanced on calibration data; optionally evaluate it against the ANN and
write it as a network description that `spikekit run` simulates.

DATA is a directory in the MNIST IDX layout (train-/t10k-images-idx3-ubyte and labels-idx1-ubyte, .gz or
not), a directory with <split>_images.npy and <split>_labels.npy, or an HDF5 file with /<split>/images and
/<split>/labels. uint8 pixels are scaled to [0, 1].

options:
  --calibration DATA        data for threshold balancing (required)
  --calibration-split S     train (default) or test
  --calibration-samples N   samples used for calibration (default 1000)
  --percentile P            percentile of positive activations used as threshold (default 99.9)
  --norm max|percentile     max = --percentile 100
  --per-channel             one threshold per channel instead of per layer
  --half-init               initial membrane potential at half the threshold
  --input analog|spikes     first layer driven by the sample as constant current (default) or by
                            Bernoulli spikes (pixel value = probability per step)
  --maxpool avg|gated       MaxPool replaced by AvgPool (default) or a gated spiking max
  --decode membrane|spikes  output read from the summed membrane input (default) or the spike count
  --timesteps T[,T...]      simulation length; a list evaluates each (default 4,8,16,32,64,128)
  --evaluate DATA           measure ANN and SNN accuracy, SOPs and spikes per layer on DATA
  --split S                 split of --evaluate: test (default) or train
  --samples N               evaluate only the first N samples
  --quantize B[,B...]       also evaluate with weights quantized to B bits (2..16)
  --out DIR                 write DIR/network.json and DIR/weights.h5: the SNN as a network description
                            that `spikekit run` simulates for --timesteps steps of 1 ms
  --out-bits B              write the integer network (lif_int populations, B-bit weights) instead
  --sample-index I          the sample the exported input population replays (of --evaluate data,
                            else of --calibration data; default 0)
  --seed S                  seed of the spike input (default 1)
  --threads N               worker threads (default: all cores)
  --json                    print the results as JSON on stdout
  --quiet                   no progress on stderr
  --help                    this text

exit codes: 0 ok, 1 runtime failure, 2 bad input (model, data, option)
)";

cv::split split_of(const args& a, const std::string& opt, cv::split def) {
    const auto v = a.get(opt);
    if (!v) return def;
    if (*v == "train") return cv::split::train;
    if (*v == "test") return cv::split::test;
    throw usage_error(opt + " expects train or test, got '" + *v + "'");
}

std::string choice(const args& a, const std::string& opt, const std::vector<std::string>& allowed) {
    const std::string v = a.get(opt).value_or(allowed.front());
    for (const auto& x : allowed)
        if (x == v) return v;
    throw usage_error(opt + " expects " + allowed[0] + " or " + allowed[1] + ", got '" + v + "'");
}

std::vector<int> int_list(const args& a, const std::string& opt, const std::string& def, int lo, int hi) {
    std::vector<int> r;
    std::stringstream ss(a.get(opt).value_or(def));
    for (std::string item; std::getline(ss, item, ',');) {
        std::size_t used = 0;
        long v = 0;
        try {
            v = std::stol(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != item.size() || v < lo || v > hi)
            throw usage_error(opt + " expects whole numbers in [" + std::to_string(lo) + ", " +
                              std::to_string(hi) + "] separated by commas, got '" + item + "'");
        r.push_back(static_cast<int>(v));
    }
    return r;
}

cv::conversion_options read_options(const args& a) {
    cv::conversion_options o;
    o.percentile =
        choice(a, "--norm", {"percentile", "max"}) == "max" ? 100.0 : a.number("--percentile", 99.9);
    if (!(o.percentile > 0.0 && o.percentile <= 100.0))
        throw usage_error("--percentile expects a value in (0, 100]");
    o.per_channel = a.flag("--per-channel");
    o.half_initial = a.flag("--half-init");
    o.input = choice(a, "--input", {"analog", "spikes"}) == "analog" ? cv::input_coding::analog
                                                                     : cv::input_coding::spikes;
    o.maxpool =
        choice(a, "--maxpool", {"avg", "gated"}) == "avg" ? cv::maxpool_mode::avg : cv::maxpool_mode::gated;
    o.output = choice(a, "--decode", {"membrane", "spikes"}) == "membrane" ? cv::output_decoding::membrane
                                                                           : cv::output_decoding::spikes;
    o.calibration_samples = static_cast<std::size_t>(a.integer("--calibration-samples", 1000, 1, 1LL << 31));
    o.seed = static_cast<std::uint64_t>(a.integer("--seed", 1, 0, 1LL << 53));
    return o;
}

nlohmann::json accuracy_json(const cv::snn_evaluation& ev) {
    nlohmann::json j = nlohmann::json::object();
    for (std::size_t k = 0; k < ev.timesteps.size(); ++k) j[std::to_string(ev.timesteps[k])] = ev.accuracy[k];
    return j;
}

void print_evaluation(const std::string& label, const cv::snn_evaluation& ev) {
    std::printf("%-10s", label.c_str());
    for (std::size_t k = 0; k < ev.timesteps.size(); ++k)
        std::printf("  T=%-4d %6.2f %%", ev.timesteps[k], 100.0 * ev.accuracy[k]);
    std::printf("\n");
}

struct eval_settings {
    std::vector<int> timesteps, bits;
    const context& ctx;
    bool json;
    std::function<void(const std::string&)> say;
};

// ANN and SNN accuracy on `data`, SOPs, spikes per layer, and the quantized accuracy for each width.
void evaluate(const cv::graph& g, const cv::snn_model& m, const cv::dataset& data, const eval_settings& e,
              nlohmann::json& j, nlohmann::json& layers) {
    cv::check_sample_shape(data, g.input_shape());
    const cv::engine ann(g);
    const double ann_acc = cv::ann_accuracy(ann, data, e.ctx);
    e.say("evaluating " + std::to_string(data.count) + " samples of " + data.source);
    const auto ev = cv::evaluate_snn(m, data, e.timesteps, e.ctx);
    j["samples"] = ev.samples;
    j["ann_accuracy"] = ann_acc;
    j["snn_accuracy"] = accuracy_json(ev);
    j["sops_per_inference"] = ev.sops_per_inference;
    j["evaluation_seconds"] = ev.seconds;
    for (auto& lj : layers)
        for (const auto& s : ev.layers)
            if (lj["name"] == s.name) {
                lj["spikes_per_inference"] = s.spikes_per_inference;
                lj["rate_per_step"] = s.rate;
            }
    if (!e.json) {
        std::printf("ANN        %6.2f %% on %zu samples\n", 100.0 * ann_acc, data.count);
        print_evaluation("SNN", ev);
        std::printf("SOPs/inference %.0f (T=%d), evaluation %.1f s\n", ev.sops_per_inference,
                    ev.timesteps.back(), ev.seconds);
        for (const auto& s : ev.layers)
            std::printf("  %-24s %-5s %7zu neurons %10.1f spikes/inference %.4f per neuron per step\n",
                        s.name.c_str(), s.kind.c_str(), s.neurons, s.spikes_per_inference, s.rate);
    }
    nlohmann::json qj = nlohmann::json::object();
    for (int b : e.bits) { // the integer model's accuracy at each weight width
        const auto qev =
            cv::evaluate_snn(cv::quantize(m, {b, m.options.per_channel}), data, e.timesteps, e.ctx);
        qj[std::to_string(b)] = accuracy_json(qev);
        if (!e.json) print_evaluation(std::to_string(b) + "-bit", qev);
    }
    if (!e.bits.empty()) j["quantized_accuracy"] = qj;
}

} // namespace

int convert_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--quiet", "--help", "--per-channel", "--half-init"},
           {"--calibration", "--calibration-split", "--calibration-samples", "--percentile", "--norm",
            "--input", "--maxpool", "--decode", "--timesteps", "--evaluate", "--split", "--samples",
            "--quantize", "--out", "--sample-index", "--out-bits", "--seed", "--threads"});
    if (a.flag("--help")) {
        std::cout << convert_help << "\nsupported ONNX operators: " << cv::supported_onnx_ops() << "\n";
        return ok;
    }
    if (a.positional().size() != 1)
        throw usage_error("convert expects one MODEL.onnx (see spikekit convert --help)");
    const auto calib_path = a.get("--calibration");
    if (!calib_path) throw usage_error("--calibration DATA is required (see spikekit convert --help)");
    const auto opts = read_options(a);
    const auto timesteps = int_list(a, "--timesteps", "4,8,16,32,64,128", 1, 1000000);
    if (a.get("--quantize") && !a.get("--evaluate"))
        throw usage_error("--quantize needs --evaluate DATA to measure the accuracy");
    const auto bits = a.get("--quantize") ? int_list(a, "--quantize", "", 2, 16) : std::vector<int>{};
    const context ctx(static_cast<unsigned>(a.integer("--threads", 0, 0, 1024)));
    const auto samples = static_cast<std::size_t>(a.integer("--samples", 0, 0, 1LL << 31));
    const bool quiet = a.flag("--quiet");
    auto say = [&](const std::string& s) {
        if (!quiet) std::fprintf(stderr, "%s\n", s.c_str());
    };

    const cv::graph g = cv::load_onnx(a.positional()[0]);
    say("model      " + g.file + ": " + std::to_string(g.layers.size() - 1) + " layers, " +
        std::to_string(g.parameters()) + " parameters, input " + cv::to_string(g.input_shape()));
    const auto calib = cv::load_dataset(*calib_path, split_of(a, "--calibration-split", cv::split::train),
                                        opts.calibration_samples);
    const cv::snn_model m = cv::convert(g, calib, opts, ctx);
    say("calibrated on " + std::to_string(std::min(calib.count, opts.calibration_samples)) + " samples of " +
        calib.source);

    nlohmann::json j = {{"model", g.file},
                        {"parameters", g.parameters()},
                        {"timesteps", timesteps.back()},
                        {"percentile", opts.percentile},
                        {"per_channel", opts.per_channel}};
    nlohmann::json layers = nlohmann::json::array();
    for (std::size_t i = 0; i < m.net.layers.size(); ++i) {
        const auto& l = m.net.layers[i];
        nlohmann::json lj = {{"name", l.name},
                             {"op", cv::to_string(l.kind)},
                             {"onnx_op", l.onnx_op},
                             {"shape", cv::to_string(l.out)}};
        if (m.spiking(i)) lj["threshold"] = m.threshold[i];
        layers.push_back(lj);
    }
    std::optional<cv::dataset> evaluation;
    if (const auto eval_path = a.get("--evaluate")) {
        evaluation = cv::load_dataset(*eval_path, split_of(a, "--split", cv::split::test), samples);
        evaluate(g, m, *evaluation, {timesteps, bits, ctx, a.flag("--json"), say}, j, layers);
    }
    if (const auto out = a.get("--out")) {
        // The exported network replays one sample: of the evaluation data, else of the calibration data.
        const cv::dataset& src = evaluation ? *evaluation : calib;
        const auto index = static_cast<std::size_t>(
            a.integer("--sample-index", 0, 0, static_cast<long long>(src.count) - 1));
        const int out_bits = static_cast<int>(a.integer("--out-bits", 0, 0, 16));
        if (out_bits == 1) throw usage_error("--out-bits expects 0 (float) or 2..16");
        cv::write_network(m, src.image(index), timesteps.back(), *out, index, out_bits);
        j["out"] = *out;
        say("wrote " + *out + "/network.json and weights.h5 (input: sample " + std::to_string(index) +
            " of " + src.source + ")");
    }
    j["layers"] = layers;
    if (a.flag("--json")) std::cout << j.dump(2) << "\n";
    return ok;
}

} // namespace spikekit::app
