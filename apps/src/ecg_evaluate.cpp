// spikekit ecg evaluate: the monitor's classifier on annotated MIT-BIH beats, in the kernel and on a chip.
#include <atomic>
#include <cstdio>
#include <iostream>
#include <mutex>

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include "chip_glue.hpp"
#include "ecg_model.hpp"
#include "ecg_verbs.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::app::ecg {
namespace {

constexpr const char* evaluate_help = R"(usage: spikekit ecg evaluate [MODEL/] --records LIST [options]

Classify every annotated beat of the records (AAMI classes) with the model's integer spiking network, run
beat by beat in the simulation kernel (the network of MODEL/network.json with the beat's spike counts as its
input), and with its float ANN; report accuracy, per-class sensitivity (Se) and positive predictivity (PPV),
and the confusion matrix. MODEL defaults to the model shipped in the repository (apps/models/ecg, trained
--split inter on DS1). LIST as for `ecg train` (ds1, ds2, all, names or paths).

options:
  --records LIST     records to evaluate (required)
  --data DIR         folder of the records (default ../shared/data/mitdb beside the source tree)
  --bits 8|0         8 (default): the integer spiking network; 0: the float ANN
  --split intra      only the beats `ecg train --split intra` held out (same records, same --seed)
  --seed S           seed of that split (default 1)
  --chip NAME        also run beats on a chip preset (spikekit chips) for energy and latency per beat
  --chip-beats N     beats run on the chip, evenly spread over the set (default 100)
  --threads N        beats classified in parallel (results identical for any N; default 1)
  --json             JSON on stdout: accuracy, per_class {se, ppv, beats}, confusion, beats,
                     float_accuracy, agreement (integer vs float), energy_per_beat_j, latency_per_beat_s
  --quiet            no progress on stderr
  --help, -h         this text

exit codes: 0 ok, 1 runtime failure, 2 bad input
)";

struct chip_figures {
    std::string preset;
    std::size_t beats = 0;
    std::uint32_t cores = 0;
    double energy_j = 0, latency_s = 0, synaptic_events = 0;
    std::vector<std::string> unknowns;
};

// Energy and latency per classification: `n` beats spread over the set, each one chip run of the network
// (the placement is computed once: it depends on the network, not on the input).
chip_figures run_chip(const snn_classifier& snn, const std::vector<beat>& beats, const std::string& name,
                      std::size_t n) {
    chip_figures f;
    const auto chip = chips::find_chip(name);
    const auto placement = chips::map_network(chip_network_of(snn.description()), chip);
    n = std::min(n, beats.size());
    for (std::size_t k = 0; k < n; ++k) {
        const auto& b = beats[k * beats.size() / n];
        const auto net = chip_network_of(snn.with_input(b));
        chips::run_options o;
        o.record = false;
        const auto r = chips::run_on_chip(net, chip, placement, o).report;
        f.energy_j += r.energy_j;
        for (double s : r.step_latency_s) f.latency_s += s;
        f.synaptic_events += static_cast<double>(r.synaptic_events);
        f.cores = r.cores_used;
        f.preset = r.preset;
        f.unknowns = r.unknowns;
    }
    f.beats = n;
    if (n) {
        f.energy_j /= static_cast<double>(n);
        f.latency_s /= static_cast<double>(n);
        f.synaptic_events /= static_cast<double>(n);
    }
    return f;
}

} // namespace

int evaluate_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--quiet", "--help"},
           {"--records", "--data", "--bits", "--chip", "--chip-beats", "--threads", "--split", "--seed"});
    if (a.flag("--help") || (!a.positional().empty() && a.positional()[0] == "-h")) {
        std::cout << evaluate_help;
        return ok;
    }
    if (a.positional().size() > 1) throw usage_error("ecg evaluate takes at most one MODEL/ folder");
    const auto list = a.get("--records");
    if (!list) throw usage_error("ecg evaluate needs --records LIST");
    const int bits = static_cast<int>(a.integer("--bits", 8, 0, 8));
    if (bits != 0 && bits != 8) throw usage_error("--bits expects 8 (integer network) or 0 (float ANN)");
    const auto chip_beats = static_cast<std::size_t>(a.integer("--chip-beats", 100, 1, 1LL << 40));
    const auto threads = static_cast<std::size_t>(a.integer("--threads", 1, 1, 1024));
    const bool quiet = a.flag("--quiet");
    const model m = load_model(a.positional().empty() ? default_model_dir() : a.positional()[0]);
    const auto records = resolve_records(*list, data_dir(a));
    const snn_classifier snn(m); // loads and checks the network before the records are read
    if (auto c = a.get("--chip")) chips::find_chip(*c); // an unknown preset is refused before the work

    auto beats = load_beats(records, m.features, m.classes, quiet);
    const std::string split = a.get("--split").value_or("all");
    if (split == "intra") { // the held-out 20 % of `ecg train --split intra` on the same records and seed
        std::vector<std::size_t> train, test;
        intra_split(beats.size(), static_cast<std::uint64_t>(a.integer("--seed", 1, 0, 1LL << 53)), 0.2,
                    train, test);
        std::vector<beat> held;
        for (auto i : test) held.push_back(std::move(beats[i]));
        beats = std::move(held);
    } else if (split != "all") {
        throw usage_error("--split expects intra or all, got '" + split + "'");
    }
    std::vector<int> ann(beats.size()), spiking(beats.size(), -1);
    std::vector<snn_classifier::result> res(beats.size());
    for (std::size_t i = 0; i < beats.size(); ++i) ann[i] = ann_classify(m, beats[i]);
    if (bits == 8) {
        progress_bar bar(!quiet, "classifying beats");
        std::atomic<std::size_t> done{0};
        std::mutex bar_mutex;
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        tbb::parallel_for(std::size_t{0}, beats.size(), [&](std::size_t i) {
            res[i] = snn.classify(beats[i]);
            const auto n = ++done;
            if (n % 256 == 0 || n == beats.size()) {
                std::lock_guard<std::mutex> lock(bar_mutex);
                bar.update(static_cast<double>(n) / static_cast<double>(beats.size()));
            }
        });
        bar.finish();
    }
    scores s(m.classes.count), fs(m.classes.count);
    std::uint64_t agree = 0;
    double spikes = 0, events = 0;
    for (std::size_t i = 0; i < beats.size(); ++i) {
        const int p = bits == 8 ? res[i].predicted : ann[i];
        s.add(beats[i].label, p);
        fs.add(beats[i].label, ann[i]);
        agree += p == ann[i];
        spikes += static_cast<double>(res[i].spikes);
        events += static_cast<double>(res[i].synaptic_events);
    }
    const double n = std::max<double>(1.0, static_cast<double>(beats.size()));
    std::optional<chip_figures> chip;
    if (auto c = a.get("--chip"); c && bits == 8 && !beats.empty())
        chip = run_chip(snn, beats, *c, chip_beats);

    auto j = s.to_json(m.classes);
    j["model"] = m.dir;
    j["records"] = records.size();
    j["bits"] = bits;
    j["float_accuracy"] = fs.accuracy();
    j["agreement"] = static_cast<double>(agree) / n;
    j["spikes_per_beat"] = spikes / n;
    j["synaptic_events_per_beat"] = events / n;
    j["steps_per_beat"] = snn.steps();
    j["energy_per_beat_j"] = chip ? nlohmann::json(chip->energy_j) : nlohmann::json(nullptr);
    j["latency_per_beat_s"] = chip ? nlohmann::json(chip->latency_s) : nlohmann::json(nullptr);
    if (chip)
        j["chip"] = {{"preset", chip->preset},
                     {"beats", chip->beats},
                     {"cores_used", chip->cores},
                     {"synaptic_events_per_beat", chip->synaptic_events},
                     {"unknown_costs", chip->unknowns}};
    if (a.flag("--json")) {
        std::cout << j.dump(2) << "\n";
        return ok;
    }
    std::printf("model      %s (%d classes), %zu records\n", m.dir.c_str(), m.classes.count, records.size());
    s.print(m.classes, bits == 8 ? "integer SNN (8-bit, kernel)" : "float ANN");
    if (bits == 8)
        std::printf("float ANN: accuracy %.2f %%; integer and float agree on %.2f %% of beats\n"
                    "per beat   %.0f spikes, %.0f synaptic events, %lld steps of 1 ms\n",
                    100.0 * fs.accuracy(), 100.0 * static_cast<double>(agree) / n, spikes / n, events / n,
                    static_cast<long long>(snn.steps()));
    if (chip)
        std::printf("chip       %s, %u cores: %.4g J and %.4g s per beat (mean of %zu beats)%s\n",
                    chip->preset.c_str(), chip->cores, chip->energy_j, chip->latency_s, chip->beats,
                    chip->unknowns.empty() ? "" : "; costs the preset marks unknown count as 0");
    return ok;
}

} // namespace spikekit::app::ecg
