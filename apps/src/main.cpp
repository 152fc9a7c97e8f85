// spikekit: the command line. `spikekit <verb> [options]`, `--help` on every verb.
#include <cstdio>
#include <exception>
#include <iostream>
#include <new>

#include "cli.hpp"
#include "spikekit/core/error.hpp"
#include "verbs.hpp"

namespace {
using namespace spikekit::app;

const std::vector<verb>& verbs() {
    static const std::vector<verb> v = {
        {"run", "simulate a network from a JSON config, write spikes and traces to HDF5", run_verb},
        {"models", "list the neuron models with their parameters", models_verb},
        {"rules", "list the plasticity rules with their parameters", rules_verb},
        {"convert", "convert a trained ANN (ONNX) into a spiking network, evaluate it against the ANN",
         convert_verb},
        {"events", "event-camera files: info, convert (cut, crop, downsample), render a frame", events_verb},
        {"export",
         "write a network for another platform or tool (--target mcu: C++ for Cortex-M, verified under QEMU; "
         "--target nir: a NIR graph)",
         export_verb},
        {"ecg", "ECG records (WFDB/PhysioNet): info, encode into level-crossing events (HDF5)", ecg_verb},
        {"import", "a NIR graph as a network description (network.json + weights.h5), or --info",
         import_verb},
        {"evaluate", "accuracy of a spiking network on labelled event-camera recordings", evaluate_verb},
        {"chips", "list the neuromorphic chip presets, or describe one with the source of every number",
         chips_verb},
        {"map", "map a network onto a chip: cores, fan-in extension, routing groups, traffic", map_verb},
        {"plot", "draw a run's output: spike raster, population rates, traces, weights (PNG or SVG)",
         plot_verb},
    };
    return v;
}

void usage(std::FILE* f) {
    std::fprintf(f, "usage: spikekit <verb> [options]   (spikekit <verb> --help for each)\n\n"
                    "spikekit simulates spiking neural networks from one network description.\n\nverbs:\n");
    for (const auto& v : verbs()) std::fprintf(f, "  %-10s %s\n", v.name.c_str(), v.summary.c_str());
    std::fprintf(f, "\nspikekit help VERB (or spikekit VERB -h) describes a verb.\nexit codes: 0 ok, 1 "
                    "runtime failure, 2 bad input\n");
}

const verb* find_verb(const std::string& name) {
    for (const auto& v : verbs())
        if (v.name == name) return &v;
    return nullptr;
}

std::vector<std::string> verb_names() {
    std::vector<std::string> names;
    for (const auto& v : verbs()) names.push_back(v.name);
    return names;
}

int run(const verb& v, const std::vector<std::string>& args) {
    try {
        return v.run(args);
    } catch (const spikekit::input_error& e) {
        std::fprintf(stderr, "spikekit %s: error: %s\n", v.name.c_str(), e.what());
        return bad_input;
    } catch (const usage_error& e) {
        std::fprintf(stderr, "spikekit %s: error: %s\n", v.name.c_str(), e.what());
        return bad_input;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "spikekit %s: error: out of memory\n", v.name.c_str());
        return failure;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "spikekit %s: error: %s\n", v.name.c_str(), e.what());
        return failure;
    }
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        usage(stderr);
        return bad_input;
    }
    if (args[0] == "--version" || args[0] == "-V") {
        std::printf("spikekit 0.1.0\n");
        return ok;
    }
    // `spikekit help VERB` is `spikekit VERB --help`.
    const bool help = args[0] == "--help" || args[0] == "-h" || args[0] == "help";
    if (help && args.size() < 2) {
        usage(stdout);
        return ok;
    }
    const std::string name = help ? args[1] : args[0];
    const verb* v = find_verb(name);
    if (!v) {
        std::fprintf(stderr, "spikekit: %s\n(spikekit --help describes each verb)\n",
                     unknown_name("verb", name, verb_names()).c_str());
        return bad_input;
    }
    return run(*v, help ? std::vector<std::string>{"--help"}
                        : std::vector<std::string>(args.begin() + 1, args.end()));
}
