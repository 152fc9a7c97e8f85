// Speed of the chip run (issue #13): a conv SNN of ~18,700 neurons and ~3.6 M synapses (32 x 32 input,
// 4 conv layers, one dense layer, integer weights) on the loihi preset for 1,000 steps, one thread, against
// the plain kernel on the same description. Prints steps/s, synaptic events/s and the peak memory (max RSS)
// after the chip run (before the kernel runs). Target: >= 600 steps/s, <= 500 MB (SANA-FE: 56 steps/s, 4.5 GB).
//
//   bench_chips_speed [STEPS [LINK_BUFFER [FOLDER]]]  (FOLDER: write chips_heatmap.png and chips_latency.png)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "chips_nets.hpp"
#include "spikekit/chips/figures.hpp"
#include "spikekit/chips/mapping.hpp"
#include "spikekit/chips/run.hpp"
#include "spikekit/core/simulation.hpp"

using namespace spikekit;

namespace {

double max_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}

projection conv(const std::string& src, const std::string& tgt, std::array<std::uint32_t, 3> in,
                std::uint32_t out, std::uint32_t stride, std::uint64_t seed) {
    projection p;
    p.name = src + "->" + tgt;
    p.source = src;
    p.target = tgt;
    p.receptor = "exc";
    p.conn.type = connectivity::kind::conv2d;
    p.conn.conv.in_shape = in;
    p.conn.conv.out_channels = out;
    p.conn.conv.kernel = {3, 3};
    p.conn.conv.stride = {stride, stride};
    p.conn.conv.padding = {1, 1};
    p.weight = bench::random_ints(p.conn.conv.kernel_size(), -3, 4, seed);
    p.delay = value_spec::constant_of(1);
    return p;
}

network_description conv_net(std::int64_t steps) {
    network_description d;
    d.name = "conv_snn";
    d.sim.dt_ms = 1;
    d.sim.duration_ms = static_cast<double>(steps);
    population in;
    in.name = "input";
    in.size = 32 * 32;
    in.model = "spike_source";
    in.spike_times.resize(in.size);
    for (std::uint32_t i = 0; i < in.size; ++i) {
        rng::stream r(77, i, 0);
        const double rate = 0.05 + 0.15 * r.uniform(); // 5-20 % of steps
        for (std::int64_t s = 1; s <= steps; ++s)
            if (r.uniform() < rate) in.spike_times[i].push_back(static_cast<double>(s));
    }
    d.populations.push_back(in);
    const std::uint32_t sizes[] = {8 * 16 * 16, 36 * 16 * 16, 32 * 8 * 8, 64 * 8 * 8};
    const double thresholds[] = {8, 40, 120, 120};
    for (int l = 0; l < 4; ++l)
        d.populations.push_back(
            bench::int_population("conv" + std::to_string(l + 1), sizes[l], thresholds[l]));
    d.populations.push_back(bench::int_population("dense", 300, 60));
    d.projections.push_back(conv("input", "conv1", {1, 32, 32}, 8, 2, 1));
    d.projections.push_back(conv("conv1", "conv2", {8, 16, 16}, 36, 1, 2));
    d.projections.push_back(conv("conv2", "conv3", {36, 16, 16}, 32, 2, 3));
    d.projections.push_back(conv("conv3", "conv4", {32, 8, 8}, 64, 1, 4));
    d.projections.push_back(bench::all_to_all("conv4", "dense", bench::random_ints(4096u * 300u, -3, 3, 5)));
    for (const auto& p : d.populations) d.spike_recorders.push_back({p.name, {}});
    return d;
}

} // namespace

int main(int argc, char** argv) {
    const std::int64_t steps = argc > 1 ? std::atoll(argv[1]) : 1000;
    const auto d = conv_net(steps);
    const auto net = bench::for_chip(d);
    std::uint64_t synapses = 0;
    for (const auto& p : net.projs) synapses += p.source.size();
    std::printf("conv SNN: %llu neurons (%u input), %llu synapses, %lld steps\n",
                static_cast<unsigned long long>(net.neurons()), net.pops[0].size,
                static_cast<unsigned long long>(synapses), static_cast<long long>(steps));
    const auto chip = chips::find_chip("loihi");
    const auto pl = chips::map_network(net, chip);
    if (!pl.fits) {
        std::printf("does not fit: %s\n", pl.problem->message.c_str());
        return 1;
    }
    std::printf("loihi: %llu cores\n", static_cast<unsigned long long>(pl.cores_required));
    chips::run_options o;
    o.steps = steps;
    if (argc > 2) o.link_buffer_depth = static_cast<std::uint32_t>(std::atoi(argv[2]));
    // the build alone (grouping synapses into packets and routes): a run of 0 steps
    chips::run_options o0 = o;
    o0.steps = 0;
    const std::clock_t cb = std::clock();
    (void)chips::run_on_chip(net, chip, pl, o0);
    const double build_cpu = static_cast<double>(std::clock() - cb) / CLOCKS_PER_SEC;
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    const auto res = chips::run_on_chip(net, chip, pl, o);
    if (argc > 3) { // a folder: the chip's heat map and the per-step latency plot of this run
        chips::chip_figure(chip, res.report, "conv SNN").write(std::string(argv[3]) + "/chips_heatmap.png");
        chips::latency_figure(res.report, "conv SNN").write(std::string(argv[3]) + "/chips_latency.png");
    }
    const double chip_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double chip_cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    const double rss = max_rss_mb();
    const auto& r = res.report;
    std::printf("chip run   %.3f s wall, %.3f s CPU (with its build): %.0f steps/s, %.3g synaptic events/s "
                "(CPU time; %llu "
                "events, %llu spikes, %llu messages), peak RSS %.0f MB\n",
                chip_s, chip_cpu, static_cast<double>(steps) / chip_cpu,
                static_cast<double>(r.synaptic_events) / chip_cpu,
                static_cast<unsigned long long>(r.synaptic_events), static_cast<unsigned long long>(r.spikes),
                static_cast<unsigned long long>(r.messages), rss);
    std::printf("           build %.3f s CPU; stepping alone %.0f steps/s, %.3g synaptic events/s\n",
                build_cpu, static_cast<double>(steps) / (chip_cpu - build_cpu),
                static_cast<double>(r.synaptic_events) / (chip_cpu - build_cpu));
    std::printf(
        "           modelled: %.4g J per step, %.4g us per step; link buffers %u: %llu stalls, longest "
        "queue %u\n",
        r.energy_per_step_j, r.latency_mean_s * 1e6, r.link_buffer_depth,
        static_cast<unsigned long long>(r.stalls), r.max_queue);
    for (const auto& s : res.spikes)
        std::printf("           %-8s %llu spikes\n", s.population.c_str(),
                    static_cast<unsigned long long>(s.steps.size()));
    const auto t1 = std::chrono::steady_clock::now();
    const std::clock_t c1 = std::clock();
    simulation sim(d, neurons::builtin_models(), 1);
    sim.run(d.sim.duration_ms);
    const double kernel_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    const double kernel_cpu = static_cast<double>(std::clock() - c1) / CLOCKS_PER_SEC;
    std::uint64_t kernel_spikes = 0;
    for (const auto& s : sim.spikes())
        if (s.population != "input") kernel_spikes += s.steps.size();
    std::printf("kernel     %.3f s wall, %.3f s CPU (with build): %.0f steps/s, %.3g synaptic events/s (CPU "
                "time); spikes %llu "
                "(chip %llu: %s)\n",
                kernel_s, kernel_cpu, static_cast<double>(steps) / kernel_cpu,
                static_cast<double>(sim.synaptic_events()) / kernel_cpu,
                static_cast<unsigned long long>(kernel_spikes), static_cast<unsigned long long>(r.spikes),
                kernel_spikes == r.spikes ? "same" : "DIFFERENT");
    return 0;
}
