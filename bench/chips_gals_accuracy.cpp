// What GALS clocks do to a converted network's accuracy (issue #13 item 3). The network is one written by
// `spikekit convert MODEL.onnx ... --out DIR --out-bits B` (lif_int populations, integer weights, the input a
// replay of one sample's integrate-and-fire coding, the output read from the membranes, which never fire).
// This program maps it once on a chip preset and runs it for each of N test samples, replacing the input
// replay by that sample's coding, in barrier mode and in GALS mode at several step periods, clock skews,
// phases and jitters; for each it prints the accuracy (argmax of the output membranes at the end), the late
// spikes per sample (packet deliveries that slipped one step) and the agreement with barrier mode.
//
//   bench_chips_gals_accuracy DIR DATA [--samples N] [--chip NAME]
//
// DATA as `spikekit convert` reads it (an MNIST IDX directory, ...); the test split is used.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "chips_nets.hpp"
#include "spikekit/chips/mapping.hpp"
#include "spikekit/chips/run.hpp"
#include "spikekit/converters/dataset.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/neurons/models.hpp"

using namespace spikekit;

namespace {

// The steps (0-based) at which each pixel's integrate-and-fire coding spikes: an accumulator gains the pixel
// value each step and spikes (losing 1) when it reaches 1. This is how `spikekit convert` codes an analog
// sample for its replay (converters/src/network_writer.cpp, input_spikes); main() checks it against the
// replay in the file before using it.
std::vector<std::vector<std::int64_t>> if_coding(const float* x, std::size_t n, std::int64_t steps) {
    std::vector<std::vector<std::int64_t>> out(n);
    std::vector<float> acc(n, 0.0f);
    for (std::int64_t t = 0; t < steps; ++t)
        for (std::size_t k = 0; k < n; ++k) {
            acc[k] += x[k];
            if (acc[k] >= 1.0f) {
                acc[k] -= 1.0f;
                out[k].push_back(t);
            }
        }
    return out;
}

std::size_t argmax(const std::vector<std::int32_t>& v) {
    return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

struct setting {
    std::string label;
    bool gals = false;
    double period_x = 0, skew_ppm = 0, phase_x = 0, jitter_x = 0; // period, phase, jitter: x barrier latency
};

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_chips_gals_accuracy DIR DATA [--samples N] [--chip NAME]\n");
        return 2;
    }
    const std::string dir = argv[1], data = argv[2];
    std::size_t samples = 100;
    std::string chip_name = "loihi";
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--samples")) samples = static_cast<std::size_t>(std::atoll(argv[i + 1]));
        if (!std::strcmp(argv[i], "--chip")) chip_name = argv[i + 1];
    }
    const auto desc = load_config(dir + "/network.json", neurons::builtin_models());
    auto net = bench::for_chip(desc);
    const auto ds = converters::load_dataset(data, converters::split::test, samples);
    samples = std::min(samples, ds.count);
    std::uint32_t in_pop = UINT32_MAX, out_pop = UINT32_MAX;
    for (std::uint32_t i = 0; i < net.pops.size(); ++i) {
        if (net.pops[i].name == "input") in_pop = i;
        if (net.pops[i].name == "output") out_pop = i;
    }
    if (in_pop == UINT32_MAX || out_pop == UINT32_MAX || net.pops[in_pop].size != ds.sample.size()) {
        std::fprintf(stderr,
                     "%s: expected populations 'input' (%zu neurons) and 'output' as spikekit convert "
                     "writes them\n",
                     dir.c_str(), ds.sample.size());
        return 2;
    }
    // The input is coded for as many steps as the 'bias' population fires (convert's --timesteps; the run is
    // longer by the network's depth). The file replays one sample (--sample-index): find which of the first
    // ones, and the step offset of its replay, so that the coding above is known to be the converter's.
    std::int64_t coded = net.steps;
    for (const auto& p : net.pops)
        if (p.name == "bias" && p.input && !p.spike_steps.empty())
            coded = static_cast<std::int64_t>(p.spike_steps[0].size());
    const auto& replay = net.pops[in_pop].spike_steps;
    std::int64_t offset = INT64_MAX;
    for (std::size_t s = 0; s < samples && offset == INT64_MAX; ++s) {
        const auto mine = if_coding(ds.image(s), ds.sample.size(), coded);
        for (std::int64_t off = -1; off <= 1; ++off) {
            bool same = true;
            for (std::size_t k = 0; k < mine.size() && same; ++k) {
                same = mine[k].size() == replay[k].size();
                for (std::size_t j = 0; j < replay[k].size() && same; ++j)
                    same = mine[k][j] + off == replay[k][j];
            }
            if (same) offset = off;
        }
    }
    if (offset == INT64_MAX) {
        std::fprintf(stderr,
                     "%s: its input replay is none of the first %zu samples' integrate-and-fire coding "
                     "(was it converted with --input spikes?)\n",
                     dir.c_str(), samples);
        return 1;
    }
    auto chip = chips::find_chip(chip_name);
    // `convert --out-bits B` writes B-bit mantissas times a power of two per layer (e.g. -127 x 2^8); Loihi
    // holds that as an 8-bit weight and a weight exponent (Davies et al. 2018), which the chip model has
    // not: allow 16-bit weights instead, in the same 16-bit synapse words.
    for (auto& t : chip.core_types)
        if (t.weight_bits.back() < 16) t.weight_bits.push_back(16);
    const auto pl = chips::map_network(net, chip);
    if (!pl.fits) {
        std::fprintf(stderr, "does not fit %s: %s\n", chip_name.c_str(), pl.problem->message.c_str());
        return 1;
    }
    auto set_sample = [&](std::size_t s) {
        auto steps = if_coding(ds.image(s), ds.sample.size(), coded);
        for (auto& v : steps)
            for (auto& t : v) t += offset;
        net.pops[in_pop].spike_steps = std::move(steps);
    };
    // the barrier-mode step latency of the first sample sets the scale of the GALS step periods
    set_sample(0);
    chips::run_options o;
    o.record = false;
    const double lat = chips::run_on_chip(net, chip, pl, o).report.latency_mean_s;
    std::printf("%s on %s: %llu neurons, %u cores, %lld steps per sample, %zu samples of %s; barrier-mode "
                "latency %.3g us per step (L)\n",
                desc.name.c_str(), chip_name.c_str(), static_cast<unsigned long long>(net.neurons()),
                static_cast<unsigned>(pl.cores_required), static_cast<long long>(net.steps), samples,
                data.c_str(), lat * 1e6);
    const std::vector<setting> settings = {
        {"barrier", false},
        {"GALS T=2L", true, 2.0},
        {"GALS T=1.5L", true, 1.5},
        {"GALS T=L", true, 1.0},
        {"GALS T=0.75L", true, 0.75},
        {"GALS T=0.5L", true, 0.5},
        {"GALS T=0.25L", true, 0.25},
        {"GALS T=2L skew 1e4 ppm", true, 2.0, 1e4},
        {"GALS T=2L phase 0.5T", true, 2.0, 0, 1.0},
        {"GALS T=2L jitter 0.5T", true, 2.0, 0, 0, 1.0},
        {"GALS T=L jitter 0.25T", true, 1.0, 0, 0, 0.25},
    };
    std::vector<std::size_t> barrier_class(samples);
    std::printf("%-26s %9s %14s %12s %10s %14s\n", "mode", "accuracy", "late/sample", "late share",
                "= barrier", "uJ/inference");
    for (const auto& st : settings) {
        std::size_t correct = 0, agree = 0;
        std::uint64_t late = 0, deliveries = 0;
        double energy = 0;
        for (std::size_t s = 0; s < samples; ++s) {
            set_sample(s);
            chips::run_options r;
            r.record = false;
            r.gals = st.gals;
            if (st.gals) {
                r.step_period_s = st.period_x * lat;
                r.skew_ppm = st.skew_ppm;
                r.phase_s = st.phase_x * st.period_x * lat;
                r.jitter_s = st.jitter_x * st.period_x * lat;
            }
            const auto res = chips::run_on_chip(net, chip, pl, r);
            std::vector<std::int32_t> v;
            for (const auto& p : res.spikes)
                if (p.population == "output") v = p.v_end;
            const auto k = argmax(v);
            if (!st.gals) barrier_class[s] = k;
            correct += static_cast<int>(k) == ds.labels[s];
            agree += k == barrier_class[s];
            late += res.report.late_spikes;
            energy += res.report.energy_j;
            for (const auto& c : res.report.cores) deliveries += c.packets_in;
        }
        std::printf("%-26s %8.1f%% %14.1f %11.2f%% %9.1f%% %14.4g\n", st.label.c_str(),
                    100.0 * static_cast<double>(correct) / static_cast<double>(samples),
                    static_cast<double>(late) / static_cast<double>(samples),
                    deliveries ? 100.0 * static_cast<double>(late) / static_cast<double>(deliveries) : 0.0,
                    100.0 * static_cast<double>(agree) / static_cast<double>(samples),
                    energy * 1e6 / static_cast<double>(samples));
    }
    return 0;
}
