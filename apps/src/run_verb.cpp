// spikekit run CONFIG: simulate a network described in a JSON config and write its recordings to HDF5.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "chip_glue.hpp"
#include "cli.hpp"
#include "learning_report.hpp"
#include "plot.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/memory.hpp"
#include "spikekit/core/output.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/core/summary.hpp"
#include "spikekit/core/units.hpp"
#include "spikekit/events/replay.hpp"
#include "spikekit/learning/rules.hpp"
#include "spikekit/neurons/models.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {

constexpr const char* run_help = R"(usage: spikekit run CONFIG [options]
       spikekit run --resume CHECKPOINT [CONFIG] [options]

Simulate the network described in the JSON file CONFIG (format: docs/config.md) and write the recorded
spikes (SONATA layout) and state traces to HDF5.

options:
  -o, --out FILE    output file (default: CONFIG's name with .h5, in the current directory)
  --no-output       do not write an output file
  --plot FILE       also draw the output (spike raster and population rates) into FILE (.png or .svg);
                    spikekit plot draws more (traces, weights, a time window)
  -t, --threads N   worker threads (default: the config's simulation.threads, else 1)
  -s, --seed S      random seed (overrides simulation.seed)
  -d, --duration T  biological time to simulate (overrides simulation.duration): 500ms, "0.5 s", 20*ms,
                    a bare number is in ms; with --resume, the end time of the whole run counted from
                    t = 0 (not the time to add), at least the checkpoint's time
  --checkpoint FILE save the whole state of the run to FILE (HDF5): at --checkpoint-at, else at the end
  --checkpoint-at T biological time at which to save the checkpoint (the run then continues)
  --resume FILE     continue the run saved in checkpoint FILE up to the duration (the config comes from
                    the checkpoint; a CONFIG given too must describe the same network); the spikes and
                    traces written are bit-identical to those of an uninterrupted run
  --chip NAME|FILE  run on a chip model instead of the kernel (spikekit chips lists them): mapped as
                    spikekit map does, run event by event; lif_int networks only; plastic projections
                    (stdp_int) learn on the chip's online cores; --out gets the recorded spikes and the
                    learned weights as from the kernel
  --placement FILE  with --chip: the placement written by spikekit map --out
  --gals            with --chip: cores run free on their own clocks (late spikes slip one step)
  --step-period S   with --gals: step period in seconds (default: the chip's clock.time_step_s)
  --jitter S        with --gals: per-step start jitter in seconds (default: the chip's)
  --skew-ppm P      with --gals: per-core clock frequency spread (default: the chip's)
  --heatmap FILE    with --chip: a picture of the chip (.png or .svg): cores on its grid coloured by
                    load, links by packets, with colour bars
  --latency-plot FILE  with --chip: the latency of every time step (.png or .svg), mean and max marked
  --link-buffer N   with --chip: packets a link buffers (0: unbounded; default: the chip's)
  --max-memory SIZE refuse, before building, a network whose estimated memory exceeds SIZE (such as 4GB,
                    512MiB; default: the memory available now)
  -j, --json        print a JSON summary on stdout (with --chip: and a "chip" object)
  -q, --quiet       no progress on stderr
  -h, --help        this text

exit codes: 0 ok, 1 runtime failure, 2 bad input (config, option)
)";

std::string ms_text(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", ms);
    return buf;
}

std::string with_commas(std::uint64_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
    return s;
}

// --max-memory in bytes (the one unit parser), else the memory available now (unlimited when unknown).
double memory_limit(const args& a) {
    const auto text = a.get("--max-memory");
    if (!text) {
        const auto avail = available_memory();
        return avail ? static_cast<double>(avail) : std::numeric_limits<double>::infinity();
    }
    try {
        const double bytes = units::parse_quantity(*text, "B");
        if (bytes > 0) return bytes;
    } catch (const std::invalid_argument&) {
    }
    throw usage_error("--max-memory expects a size such as 4GB or 512MiB, got '" + *text + "'");
}

} // namespace

int run_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--quiet", "--help", "--no-output", "--gals"},
           {"--out", "--threads", "--seed", "--duration", "--checkpoint", "--checkpoint-at", "--resume",
            "--max-memory", "--chip", "--placement", "--step-period", "--jitter", "--skew-ppm", "--heatmap",
            "--plot", "--latency-plot", "--link-buffer"});
    if (a.flag("--help")) {
        std::cout << run_help;
        return ok;
    }
    const auto resume = a.get("--resume");
    if (a.positional().size() > 1 || (!resume && a.positional().empty()))
        throw usage_error("run expects one CONFIG file (see spikekit run --help)");
    const auto models = neurons::builtin_models();
    network_description desc;
    if (resume) {
        desc = parse_config(simulation::checkpoint_config(*resume), *resume, models);
        if (!a.positional().empty() && !load_config(a.positional()[0], models).same_network(desc))
            throw input_error(a.positional()[0], "", "describes another network than checkpoint " + *resume);
    } else {
        desc = load_config(a.positional()[0], models);
    }
    const std::string config = a.positional().empty() ? *resume : a.positional()[0];
    desc.sim.seed = static_cast<std::uint64_t>(
        a.integer("--seed", static_cast<long long>(desc.sim.seed), 0, (1LL << 53)));
    desc.sim.duration_ms = a.quantity("--duration", "ms", desc.sim.duration_ms);
    if (auto problem = duration_problem(desc.sim.duration_ms, desc.sim.dt_ms); !problem.empty())
        throw usage_error("--duration: " + problem);
    const auto threads = static_cast<unsigned>(a.integer("--threads", desc.sim.threads, 1, 1024));
    const std::string out =
        a.get("--out").value_or(std::filesystem::path(config).stem().string() +
                                (resume && a.positional().empty() ? "-resumed.h5" : ".h5"));
    const auto checkpoint = a.get("--checkpoint");
    const double checkpoint_at = a.quantity("--checkpoint-at", "ms", desc.sim.duration_ms);
    if (a.get("--checkpoint-at") && !checkpoint) throw usage_error("--checkpoint-at needs --checkpoint FILE");
    // Where the results go is checked before anything is built or run (a run that cannot save must not
    // start).
    std::vector<std::string> inputs = a.positional();
    if (resume) inputs.push_back(*resume);
    if (!a.flag("--no-output")) check_output_path("--out", out, inputs);
    const auto plot = a.get("--plot");
    if (plot) {
        if (a.flag("--no-output")) throw usage_error("--plot draws the output file: drop --no-output");
        check_figure_path("--plot", *plot, inputs);
    }
    if (checkpoint) {
        check_output_path("--checkpoint", *checkpoint, inputs);
        if (!a.flag("--no-output") &&
            std::filesystem::weakly_canonical(*checkpoint) == std::filesystem::weakly_canonical(out))
            throw usage_error("--checkpoint and --out name the same file " + out);
    }

    check_memory(desc, models, memory_limit(a),
                 a.get("--max-memory") ? "--max-memory " + *a.get("--max-memory") : "available memory");
    events::resolve_replays(desc); // recordings replayed into spike_source populations
    for (const char* o : {"--heatmap", "--latency-plot"})
        if (const auto f = a.get(o)) {
            if (!a.get("--chip")) throw usage_error(std::string(o) + " draws a chip run: give --chip NAME");
            check_figure_path(o, *f, inputs);
        }
    if (a.get("--chip")) {
        if (resume || checkpoint) throw usage_error("--chip runs from the start, without checkpoints");
        return run_on_chip_verb(a, desc,
                                a.flag("--no-output") ? std::nullopt : std::optional<std::string>(out));
    }
    const auto rules = learning::builtin_rules();
    simulation sim(desc, models, threads, &rules);
    if (resume) sim.restore_checkpoint(*resume);
    if (resume && sim.time_ms() > desc.sim.duration_ms) // on resume, the duration is an end time
        throw input_error(
            *resume, "",
            "the checkpoint is at t = " + ms_text(sim.time_ms()) + " ms, after the end of this run at " +
                ms_text(desc.sim.duration_ms) +
                " ms (on --resume, --duration is the end time counted from t = 0, not the time to add)");
    const double start = sim.time_ms(), to_run = std::max(0.0, desc.sim.duration_ms - start);
    if (checkpoint && (checkpoint_at < start || checkpoint_at > desc.sim.duration_ms))
        throw usage_error("--checkpoint-at expects a time between " + std::to_string(start) + " and " +
                          std::to_string(desc.sim.duration_ms) + " ms");
    const auto weights_before = sim.plastic_weights();
    progress_bar bar(!a.flag("--quiet"), "simulating");
    const auto t0 = std::chrono::steady_clock::now();
    // In two legs when a checkpoint is taken on the way; the progress bar spans both.
    auto leg = [&](double until) {
        const double from = sim.time_ms(), len = until - from;
        if (len <= 0) return;
        sim.run(len, [&](double f) { bar.update(to_run > 0 ? (from - start + f * len) / to_run : 1.0); });
    };
    if (checkpoint) {
        leg(checkpoint_at);
        sim.save_checkpoint(*checkpoint);
    }
    leg(desc.sim.duration_ms);
    const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bar.finish();
    if (!a.flag("--no-output")) write_results_hdf5(out, sim);
    const auto learned = compare_weights(weights_before, sim.plastic_weights());
    if (plot) {
        plot_request req; // the raster and rates, and the weights of every plastic projection
        req.raster = req.rates = true;
        for (const auto& w : learned) req.weights.push_back(w.projection);
        plot_results(out, req, *plot);
    }

    const nlohmann::json summary = run_summary(
        sim, {start, checkpoint, run_s,
              a.flag("--no-output") ? std::nullopt : std::optional<std::string>(out), plot, learned});
    if (a.flag("--json")) {
        std::cout << summary.dump(2) << "\n";
        return ok;
    }
    const auto stats = sim.population_statistics();
    std::printf("network    %s: %s neurons, %s synapses, %zu populations\n", desc.name.c_str(),
                with_commas(sim.neurons()).c_str(), with_commas(sim.synapses()).c_str(), stats.size());
    std::printf("simulated  %.1f ms", sim.time_ms() - start);
    if (start > 0) std::printf(" from the checkpoint at %.1f ms to %.1f ms", start, sim.time_ms());
    std::printf(" (dt %.3g ms) in %.3f s, build %.3f s, %u thread%s\n", sim.dt_ms(), run_s,
                sim.build_seconds(), sim.threads(), sim.threads() == 1 ? "" : "s");
    std::printf("spikes     %s, mean rate %.2f Hz, %s synaptic events\n",
                with_commas(summary["spikes"].get<std::uint64_t>()).c_str(),
                summary["mean_rate_hz"].get<double>(), with_commas(sim.synaptic_events()).c_str());
    for (const auto& p : stats)
        std::printf("  %-12s %9s neurons %12s spikes %8.2f Hz\n", p.name.c_str(), with_commas(p.size).c_str(),
                    with_commas(p.spikes).c_str(), summary["populations"][p.name]["rate_hz"].get<double>());
    print_weights(learned);
    if (!a.flag("--no-output")) std::printf("output     %s\n", out.c_str());
    if (plot) std::printf("plot       %s\n", plot->c_str());
    return ok;
}

} // namespace spikekit::app
