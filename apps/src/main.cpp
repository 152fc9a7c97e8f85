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
         "write a network for another platform (--target mcu: C++ for Cortex-M, verified under QEMU)",
         export_verb},
        {"ecg", "ECG records (WFDB/PhysioNet): info, encode into level-crossing events (HDF5)", ecg_verb},
    };
    return v;
}

void usage(std::FILE* f) {
    std::fprintf(f, "usage: spikekit <verb> [options]   (spikekit <verb> --help for each)\n\n"
                    "spikekit simulates spiking neural networks from one network description.\n\nverbs:\n");
    for (const auto& v : verbs()) std::fprintf(f, "  %-10s %s\n", v.name.c_str(), v.summary.c_str());
    std::fprintf(f, "\nexit codes: 0 ok, 1 runtime failure, 2 bad input\n");
}
} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        usage(stderr);
        return bad_input;
    }
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        usage(stdout);
        return ok;
    }
    if (args[0] == "--version") {
        std::printf("spikekit 0.1.0\n");
        return ok;
    }
    for (const auto& v : verbs()) {
        if (v.name != args[0]) continue;
        try {
            return v.run(std::vector<std::string>(args.begin() + 1, args.end()));
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
    std::fprintf(stderr, "spikekit: unknown verb '%s'\n\n", args[0].c_str());
    usage(stderr);
    return bad_input;
}
