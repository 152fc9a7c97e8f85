// spikekit evaluate NET --events LIST: accuracy of a spiking network on labelled event-camera recordings.
//
// Each recording is binned at --bin into the input population (neuron (p, y, x) = (p H + y) W + x, the layout
// of the events library's spike_input): bin k becomes one spike in kernel step k of every pixel and polarity
// with at least one event in it. The network runs for the bins plus the longest chain of delays from the
// input to the output; the class is the output neuron with the most spikes, ties broken by the highest
// membrane summed over the run (a non-spiking readout decides by its membrane alone), then by the lowest
// index. Samples run in parallel, one single-threaded simulation each, and their results are combined in
// sample order, so every figure is identical for any --threads.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include "cli.hpp"
#include "nir_options.hpp"
#include "spikekit/converters/nir.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/core/units.hpp"
#include "spikekit/events/reader.hpp"
#include "spikekit/neurons/models.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {

constexpr const char* evaluate_help = R"(usage: spikekit evaluate NET --events LIST [options]

Run a spiking network (NET: a network.json, or a NIR graph .nir imported on the fly) on every recording of a
labelled list and report its accuracy. LIST is a text file of `sample<TAB>class` lines with the recordings
beside it (`<sample>.bs2`, or the sample name as given when it has an extension), or a folder with one
subfolder per class (class = the subfolder's number, else its index in name order). Any format that
`spikekit events info` reads is accepted. Events are binned at --bin into the input population in
(polarity, y, x) layout; each bin is one time step of the network. The class is the output neuron with the
most spikes (ties: the highest summed membrane, then the lowest index).

options:
  --bin T           bin width, with a unit (default: the network's dt)
  --input POP       input population (default: the graph's Input, or the only spike source)
  --output POP      output population (default: the graph's Output, or the last population without
                    outgoing projections)
  --samples N       only the first N samples of the list
  --threads N       samples run in parallel on N threads (results identical for any N; default 1)
  --dt T, --reset zero|subtract, --lenient   as for `spikekit import`, when NET is a .nir graph
  --json            JSON on stdout: accuracy, samples, per_class, confusion, spikes_per_sample,
                    synaptic_events_per_sample, seconds (and samples_per_second, threads, bin_ms)
  --quiet           no progress bar on stderr
  --help, -h        this text

exit codes: 0 ok, 1 runtime failure, 2 bad input
)";

struct sample {
    std::string file;
    int label = 0;
};

std::vector<sample> read_list(const std::string& list) {
    std::vector<sample> out;
    if (std::filesystem::is_directory(list)) {
        std::vector<std::string> classes;
        for (const auto& e : std::filesystem::directory_iterator(list))
            if (e.is_directory()) classes.push_back(e.path().filename().string());
        std::sort(classes.begin(), classes.end());
        const bool numeric = std::all_of(classes.begin(), classes.end(), [](const std::string& c) {
            return !c.empty() &&
                   std::all_of(c.begin(), c.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        });
        for (std::size_t k = 0; k < classes.size(); ++k) {
            std::vector<std::string> files;
            for (const auto& e :
                 std::filesystem::directory_iterator(std::filesystem::path(list) / classes[k]))
                if (e.is_regular_file()) files.push_back(e.path().string());
            std::sort(files.begin(), files.end());
            for (const auto& f : files)
                out.push_back({f, numeric ? std::stoi(classes[k]) : static_cast<int>(k)});
        }
        if (out.empty()) throw input_error(list, "", "no recordings in class subfolders");
        return out;
    }
    std::ifstream f(list);
    if (!f)
        throw input_error(list, "", "cannot open the list (a file of sample<TAB>class lines, or a folder)");
    const auto dir = std::filesystem::path(list).parent_path();
    std::string line;
    for (int n = 1; std::getline(f, line); ++n) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue; // blank lines and comments (a "#sample #class" header)
        const auto tab = line.find('\t');
        const std::string where = "line " + std::to_string(n);
        if (tab == std::string::npos)
            throw input_error(list, where, "expected sample<TAB>class, found '" + line + "'");
        const std::string name = line.substr(0, tab), cls = line.substr(tab + 1);
        int label = -1;
        std::istringstream is(cls);
        if (!(is >> label) || label < 0 || !is.eof())
            throw input_error(list, where, "expected a class number >= 0, found '" + cls + "'");
        auto path = dir / name;
        if (!std::filesystem::exists(path)) path += ".bs2";
        if (!std::filesystem::exists(path))
            throw input_error(list, where, "recording not found: " + path.string());
        out.push_back({path.string(), label});
    }
    if (out.empty()) throw input_error(list, "", "no samples");
    return out;
}

// The network to evaluate, with what each sample needs.
struct evaluator {
    network_description desc;
    std::string input, output;
    std::uint32_t height = 0, width = 0; // of the input (2 x height x width neurons)
    std::int64_t latency = 0;            // longest chain of delays (steps) from the input to the output
    std::uint32_t classes = 0;           // neurons of the output
    double bin_ms = 1.0;
    model_registry models = neurons::builtin_models();

    struct result {
        int predicted = 0;
        std::uint64_t spikes = 0, synaptic_events = 0;
        double build_seconds = 0.0;
    };

    result run(const std::string& file) const;
};

std::vector<std::vector<double>> binned(const evaluator& e, const std::string& file, std::int64_t& bins) {
    std::vector<events::dvs_event> ev;
    { // one reader at a time: some formats (HDF5) go through a library that is not thread-safe
        static std::mutex reading;
        std::lock_guard<std::mutex> lock(reading);
        ev = events::read_all(file);
    }
    std::vector<std::vector<double>> times(std::size_t{2} * e.height * e.width);
    std::vector<std::int64_t> last(times.size(), -1);
    bins = 0;
    if (ev.empty()) return times;
    const std::int64_t t0 = ev.front().t_us;
    const double bin_us = e.bin_ms * 1000.0;
    for (const auto& x : ev) {
        if (x.x >= e.width || x.y >= e.height) continue;
        const auto k = static_cast<std::int64_t>(std::floor(static_cast<double>(x.t_us - t0) / bin_us));
        const std::size_t id = ((x.p & 1u) * std::size_t{e.height} + x.y) * e.width + x.x;
        bins = std::max(bins, k + 1);
        if (last[id] == k) continue; // one spike per bin
        last[id] = k;
        times[id].push_back(static_cast<double>(k + 1) * e.desc.sim.dt_ms);
    }
    for (auto& t : times) std::sort(t.begin(), t.end());
    return times;
}

evaluator::result evaluator::run(const std::string& file) const {
    std::int64_t bins = 0;
    auto times = binned(*this, file, bins);
    network_description d = desc;
    const double duration = static_cast<double>(bins + latency + 1) * d.sim.dt_ms;
    d.sim.duration_ms = duration;
    d.sim.threads = 1;
    for (auto& p : d.populations) {
        if (p.name == input)
            p.spike_times = std::move(times);
        else if (p.name == converters::nir_bias_population && p.model == "spike_source")
            p.spike_times = {converters::nir_bias_times(d.sim.dt_ms, duration)};
    }
    d.spike_recorders = {{output, {}}};
    d.state_recorders = {{output, {"V_m"}, {}, 0.0}};
    simulation sim(d, models, 1);
    sim.run(duration);
    const std::uint32_t n = classes;
    std::vector<std::uint64_t> count(n, 0);
    for (auto id : sim.spikes().at(0).node_ids) ++count[id];
    std::vector<double> membrane(n, 0.0);
    const auto& v = sim.traces().at(0).values;
    for (std::size_t k = 0; k < v.size(); ++k) membrane[k % n] += static_cast<double>(v[k]);
    result r;
    for (std::uint32_t i = 1; i < n; ++i) {
        const auto best = static_cast<std::size_t>(r.predicted);
        if (count[i] > count[best] || (count[i] == count[best] && membrane[i] > membrane[best]))
            r.predicted = static_cast<int>(i);
    }
    for (const auto& p : sim.population_statistics())
        if (p.name != input && p.name != converters::nir_bias_population) r.spikes += p.spikes;
    r.synaptic_events = sim.synaptic_events();
    r.build_seconds = sim.build_seconds();
    return r;
}

// Longest chain of projection delays from `from` to `to` in steps (cycles are not followed twice).
std::int64_t latency(const network_description& d, const std::string& from, const std::string& to) {
    std::map<std::string, std::int64_t> best{{from, 0}};
    for (std::size_t round = 0; round < d.populations.size(); ++round)
        for (const auto& p : d.projections) {
            auto s = best.find(p.source);
            if (s == best.end()) continue;
            const auto steps = std::max<std::int64_t>(1, std::llround(p.delay.value / d.sim.dt_ms));
            auto& t = best[p.target];
            t = std::max(t, std::min<std::int64_t>(s->second + steps, 1 << 20));
        }
    auto it = best.find(to);
    if (it == best.end())
        throw input_error(d.source_file, "population '" + to + "'", "not reached from '" + from + "'");
    return it->second;
}

std::string default_input(const network_description& d) {
    std::string found;
    for (const auto& p : d.populations)
        if (p.model == "spike_source" && p.name != converters::nir_bias_population) {
            if (!found.empty()) throw usage_error("several spike sources: choose one with --input");
            found = p.name;
        }
    if (found.empty())
        throw usage_error("the network has no spike_source population to replay the events into");
    return found;
}

std::string default_output(const network_description& d) {
    std::string found;
    for (const auto& p : d.populations) {
        const bool feeds = std::any_of(d.projections.begin(), d.projections.end(), [&](const projection& x) {
            return x.source == p.name && x.target != p.name;
        });
        if (!feeds && p.model != "spike_source") found = p.name;
    }
    if (found.empty())
        throw usage_error("no population without outgoing projections: choose one with --output");
    return found;
}

evaluator load(const args& a, const std::string& net) {
    evaluator e;
    const auto models = neurons::builtin_models();
    std::vector<std::size_t> in_shape;
    if (std::filesystem::path(net).extension() == ".nir") {
        auto r = converters::import_nir(net, nir_options(a));
        e.desc = std::move(r.desc);
        e.input = a.get("--input").value_or(r.inputs.empty() ? std::string() : r.inputs.front());
        e.output = a.get("--output").value_or(r.outputs.empty() ? std::string() : r.outputs.back());
        for (const auto& n : r.graph.flat)
            if (n.name == e.input) in_shape = n.out_shape;
    } else {
        e.desc = load_config(net, models);
        converters::load_arrays(e.desc);
    }
    if (e.input.empty()) e.input = a.get("--input").value_or(default_input(e.desc));
    if (e.output.empty()) e.output = a.get("--output").value_or(default_output(e.desc));
    const population* in = e.desc.find_population(e.input);
    const population* out = e.desc.find_population(e.output);
    if (!in || in->model != "spike_source")
        throw usage_error("--input: no spike_source population '" + e.input + "'");
    if (!out) throw usage_error("--output: no population '" + e.output + "'");
    e.classes = out->size;
    for (const auto& p : e.desc.projections)
        if (p.source == e.input && p.conn.type == connectivity::kind::conv2d)
            in_shape = {p.conn.conv.in_shape[0], p.conn.conv.in_shape[1], p.conn.conv.in_shape[2]};
    if (in_shape.size() == 3 && in_shape[0] == 2) {
        e.height = static_cast<std::uint32_t>(in_shape[1]);
        e.width = static_cast<std::uint32_t>(in_shape[2]);
    } else { // a flat input of 2 x side x side neurons
        const auto side = static_cast<std::uint32_t>(std::lround(std::sqrt(in->size / 2.0)));
        if (std::size_t{2} * side * side != in->size)
            throw input_error(net, "population '" + e.input + "'",
                              "expected 2 x H x W neurons (polarity, y, x), found " +
                                  std::to_string(in->size));
        e.height = e.width = side;
    }
    e.bin_ms = time_option(a, "--bin", e.desc.sim.dt_ms);
    if (!(e.bin_ms > 0.0)) throw usage_error("--bin expects a time > 0");
    e.latency = latency(e.desc, e.input, e.output);
    return e;
}

} // namespace

int evaluate_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--quiet", "--lenient", "--help"},
           {"--events", "--bin", "--input", "--output", "--samples", "--threads", "--dt", "--reset"});
    if (a.flag("--help") || (!a.positional().empty() && a.positional()[0] == "-h")) {
        std::cout << evaluate_help;
        return ok;
    }
    if (a.positional().size() != 1) throw usage_error("evaluate expects one NET (network.json or graph.nir)");
    const auto list = a.get("--events");
    if (!list) throw usage_error("evaluate needs --events LIST");
    auto samples = read_list(*list);
    const auto limit = a.integer("--samples", static_cast<long long>(samples.size()), 1, 1LL << 40);
    if (static_cast<std::size_t>(limit) < samples.size()) samples.resize(static_cast<std::size_t>(limit));
    const auto threads = static_cast<int>(a.integer("--threads", 1, 1, 1024));
    const evaluator e = load(a, a.positional()[0]);
    const std::uint32_t classes = e.classes;
    for (std::size_t k = 0; k < samples.size(); ++k)
        if (static_cast<std::uint32_t>(samples[k].label) >= classes)
            throw input_error(*list, "sample " + samples[k].file,
                              "class " + std::to_string(samples[k].label) + " but the output has " +
                                  std::to_string(classes) + " neurons");

    std::vector<evaluator::result> res(samples.size());
    progress_bar bar(!a.flag("--quiet"), "evaluating");
    std::atomic<std::size_t> done{0};
    std::mutex bar_mutex;
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t cpu0 = std::clock();
    tbb::global_control limit_threads(tbb::global_control::max_allowed_parallelism,
                                      static_cast<std::size_t>(threads));
    tbb::parallel_for(std::size_t{0}, samples.size(), [&](std::size_t k) {
        res[k] = e.run(samples[k].file);
        const auto n = ++done;
        std::lock_guard<std::mutex> lock(bar_mutex);
        bar.update(static_cast<double>(n) / static_cast<double>(samples.size()));
    });
    bar.finish();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // Process CPU time: on a loaded machine the wall time says little about the evaluation's own cost.
    const double cpu_seconds = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;

    std::vector<std::vector<std::uint64_t>> confusion(classes, std::vector<std::uint64_t>(classes, 0));
    std::uint64_t correct = 0, spikes = 0, events = 0;
    double build = 0.0;
    for (std::size_t k = 0; k < samples.size(); ++k) {
        confusion[static_cast<std::size_t>(samples[k].label)][static_cast<std::size_t>(res[k].predicted)]++;
        correct += res[k].predicted == samples[k].label;
        spikes += res[k].spikes;
        events += res[k].synaptic_events;
        build += res[k].build_seconds;
    }
    const double n = static_cast<double>(samples.size());
    nlohmann::json per_class = nlohmann::json::object();
    for (std::uint32_t c = 0; c < classes; ++c) {
        std::uint64_t total = 0;
        for (auto x : confusion[c]) total += x;
        if (total)
            per_class[std::to_string(c)] = static_cast<double>(confusion[c][c]) / static_cast<double>(total);
    }
    const double accuracy = static_cast<double>(correct) / n;
    if (a.flag("--json")) {
        nlohmann::json j = {{"accuracy", accuracy},
                            {"samples", samples.size()},
                            {"per_class", per_class},
                            {"confusion", confusion},
                            {"spikes_per_sample", static_cast<double>(spikes) / n},
                            {"synaptic_events_per_sample", static_cast<double>(events) / n},
                            {"seconds", seconds},
                            {"cpu_seconds", cpu_seconds},
                            {"build_seconds_per_sample", build / n},
                            {"samples_per_second", n / seconds},
                            {"threads", threads},
                            {"bin_ms", e.bin_ms},
                            {"input", e.input},
                            {"output", e.output}};
        std::cout << j.dump(2) << "\n";
        return ok;
    }
    std::printf("network    %s: input %s (2x%ux%u), output %s (%u classes), bin %g ms\n", e.desc.name.c_str(),
                e.input.c_str(), e.height, e.width, e.output.c_str(), classes, e.bin_ms);
    std::printf("accuracy   %.2f %% (%llu of %zu samples)\n", 100.0 * accuracy,
                static_cast<unsigned long long>(correct), samples.size());
    std::printf("per sample %.0f spikes, %.0f synaptic events\n", static_cast<double>(spikes) / n,
                static_cast<double>(events) / n);
    std::printf("time       %.2f s on %d thread%s (%.1f samples/s), %.2f s CPU (%.1f ms per sample)\n",
                seconds, threads, threads == 1 ? "" : "s", n / seconds, cpu_seconds,
                1000.0 * cpu_seconds / n);
    return ok;
}

} // namespace spikekit::app
