// spikekit ecg monitor RECORD: a record streamed beat by beat through the monitor, as a wearable would.
//
// R peaks come from the Pan-Tompkins detector of events/ (no annotation is used to find beats); each beat
// is classified by the integer spiking network in the kernel once its inputs exist: the window after the R
// peak has passed and the next R peak (the post-RR input) has arrived. The latency printed is from the R
// peak to the end of the network's run: max(R + window after, next R) + steps x dt - R. When the record
// has annotations, each detected beat is matched to the annotated beat within 150 ms (AAMI EC57's matching
// window) for its reference class.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>

#include "ecg_model.hpp"
#include "ecg_verbs.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/io/figure.hpp"

namespace spikekit::app::ecg {
namespace {

constexpr const char* monitor_help = R"(usage: spikekit ecg monitor RECORD [--model MODEL/] [options]

Stream a WFDB record through the arrhythmia monitor in simulated real time: R peaks detected (Pan-Tompkins),
each beat classified by the model's integer spiking network as soon as its inputs exist, printed with its
time, class, reference class (annotations within 150 ms, when the record has them), the latency from its R
peak to the decision, and the running accuracy; a confusion matrix at the end. --png draws the trace with
the detected beats coloured by class.

options:
  --model DIR        model folder (default: the shipped model, apps/models/ecg)
  --from S           start at S seconds (default 0)
  --duration S       stream S seconds (default: to the end)
  --png FILE         picture of the band-passed lead with the beats coloured by class (.png or .svg)
  --png-seconds S    length of the trace drawn, from --from (default 10)
  --realtime         pace the output to the recording's clock
  --json             JSON on stdout: beats [{t_s, class, reference, latency_s}], scores
  --quiet            no per-beat lines (the summary only)
  --help, -h         this text

exit codes: 0 ok, 1 runtime failure, 2 bad input
)";

struct decision {
    double t_s = 0, latency_s = 0;
    int predicted = 0, reference = -1;
};

// Reference class of each detected peak: the annotated beat within 150 ms, -1 when none (or not a class).
std::vector<int> references(const record_data& r, const class_set& cs,
                            const std::vector<std::int64_t>& peaks) {
    std::vector<int> ref(peaks.size(), -1);
    const auto reach = static_cast<std::int64_t>(std::lround(0.150 * r.encoded.fs_hz));
    std::vector<const events::annotation*> beats;
    for (const auto& a : r.annotations)
        if (events::is_beat(a.code)) beats.push_back(&a);
    std::size_t j = 0;
    for (std::size_t k = 0; k < peaks.size(); ++k) {
        while (j < beats.size() && beats[j]->sample < peaks[k] - reach) ++j;
        std::int64_t best = reach + 1;
        for (std::size_t i = j; i < beats.size() && beats[i]->sample <= peaks[k] + reach; ++i)
            if (std::abs(beats[i]->sample - peaks[k]) < best) {
                best = std::abs(beats[i]->sample - peaks[k]);
                ref[k] = cs.index_of(events::aami_of(beats[i]->code));
            }
    }
    return ref;
}

void draw(const std::string& path, const record_data& r, const feature_config& f,
          const std::vector<beat>& beats, const std::vector<decision>& d, double from_s, double seconds) {
    const auto mv = events::encoder_input(r.wfdb, r.lead, f.encoding());
    const double fs = r.encoded.fs_hz;
    const auto first = static_cast<std::size_t>(std::max(0.0, from_s * fs));
    const auto last = std::min(mv.size(), first + static_cast<std::size_t>(seconds * fs));
    io::figure fig(1400, 420);
    fig.title = "spikekit ecg monitor: record " + r.name + " (" + r.wfdb.header.signals[r.lead].description +
                ", band-passed), beats coloured by the class the spiking network gave";
    auto& p = fig.add_panel();
    p.x.label = "time (s)";
    p.y.label = "lead (mV)";
    std::vector<double> xs, ys;
    for (std::size_t i = first; i < last; ++i) {
        xs.push_back(static_cast<double>(i) / fs);
        ys.push_back(static_cast<double>(mv[i]));
    }
    p.line(xs, ys, "", io::grey, 1.0);
    // a dot on the top of the trace within 30 ms of the detected peak
    const auto reach = static_cast<std::size_t>(0.030 * fs);
    const auto top = [&](std::size_t s) {
        std::size_t best = s;
        for (std::size_t i = s > reach ? s - reach : 0; i < std::min(mv.size(), s + reach + 1); ++i)
            if (mv[i] > mv[best]) best = i;
        return best;
    };
    for (int c = 0; c < 5; ++c) {
        std::vector<double> bx, by;
        for (std::size_t k = 0; k < beats.size(); ++k) {
            const auto s = static_cast<std::size_t>(beats[k].sample);
            if (d[k].predicted != c || s < first || s >= last) continue;
            bx.push_back(static_cast<double>(top(s)) / fs);
            by.push_back(static_cast<double>(mv[top(s)]));
        }
        if (!bx.empty())
            p.points(bx, by, std::string(class_set::name(c)) + " beat",
                     io::category_colour(static_cast<std::size_t>(c)), 5);
    }
    // reference labels under the beats the network got wrong
    for (std::size_t k = 0; k < beats.size(); ++k) {
        const auto s = static_cast<std::size_t>(beats[k].sample);
        if (s < first || s >= last || d[k].reference < 0 || d[k].reference == d[k].predicted) continue;
        p.text(static_cast<double>(s) / fs, static_cast<double>(mv[top(s)]) + 0.15,
               std::string("ref ") + class_set::name(d[k].reference), io::black, io::anchor::centre);
    }
    fig.write(path);
}

} // namespace

int monitor_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--quiet", "--realtime", "--help"},
           {"--model", "--from", "--duration", "--png", "--png-seconds"});
    if (a.flag("--help") || (!a.positional().empty() && a.positional()[0] == "-h")) {
        std::cout << monitor_help;
        return ok;
    }
    if (a.positional().size() != 1) throw usage_error("ecg monitor expects one RECORD (see --help)");
    const double from_s = a.number("--from", 0.0), png_s = a.number("--png-seconds", 10.0);
    if (!(from_s >= 0)) throw usage_error("--from expects a time >= 0 s");
    if (!(png_s > 0)) throw usage_error("--png-seconds expects a time > 0 s");
    const auto png = a.get("--png");
    if (png) check_output_path("--png", *png);
    const model m = load_model(a.get("--model").value_or(default_model_dir()));
    const snn_classifier snn(m);
    const auto r = load_record(a.positional()[0], m.features);
    const double fs = r.encoded.fs_hz, record_s = static_cast<double>(r.wfdb.frames) / fs;
    const double duration_s = a.number("--duration", record_s - from_s);
    if (!(duration_s > 0)) throw usage_error("--duration expects a time > 0 s");

    auto peaks = events::detect_r_peaks(r.wfdb.physical(r.lead), fs);
    auto beats = beat_features(r, m.features, peaks);
    std::erase_if(beats, [&](const beat& b) {
        const double t = static_cast<double>(b.sample) / fs;
        return t < from_s || t >= from_s + duration_s;
    });
    std::vector<std::int64_t> kept;
    for (const auto& b : beats) kept.push_back(b.sample);
    const auto ref = references(r, m.classes, kept);
    const bool json = a.flag("--json"), quiet = a.flag("--quiet") || json;
    if (!quiet)
        std::printf("record %s (%s), %.1f s from %.1f s; model %s: %d classes, integer SNN in the kernel\n"
                    "  time s  class  ref  latency ms  running accuracy\n",
                    r.name.c_str(), r.wfdb.header.signals[r.lead].description.c_str(), duration_s, from_s,
                    m.dir.c_str(), m.classes.count);
    scores s(m.classes.count);
    std::vector<decision> out;
    const auto wall0 = std::chrono::steady_clock::now();
    for (std::size_t k = 0; k < beats.size(); ++k) {
        const auto it = std::find(peaks.begin(), peaks.end(), beats[k].sample);
        const double r_s = static_cast<double>(beats[k].sample) / fs;
        double ready_s = r_s + m.features.after_ms / 1000.0;
        if (it + 1 != peaks.end()) ready_s = std::max(ready_s, static_cast<double>(*(it + 1)) / fs);
        decision d;
        d.t_s = r_s;
        d.predicted = snn.classify(beats[k]).predicted;
        d.reference = ref[k];
        d.latency_s = ready_s + static_cast<double>(snn.steps()) * snn.description().sim.dt_ms / 1000.0 - r_s;
        if (d.reference >= 0) s.add(d.reference, d.predicted);
        if (a.flag("--realtime"))
            std::this_thread::sleep_until(wall0 + std::chrono::duration<double>(ready_s - from_s));
        if (!quiet) {
            std::printf("%8.3f  %-5s  %-3s  %10.0f  ", d.t_s, class_set::name(d.predicted),
                        d.reference >= 0 ? class_set::name(d.reference) : "-", 1000.0 * d.latency_s);
            if (s.beats)
                std::printf("%6.2f %% of %llu", 100.0 * s.accuracy(),
                            static_cast<unsigned long long>(s.beats));
            std::printf("%s\n", d.reference >= 0 && d.reference != d.predicted ? "  *" : "");
            std::fflush(stdout);
        }
        out.push_back(d);
    }
    if (png) draw(*png, r, m.features, beats, out, from_s, png_s);
    if (json) {
        nlohmann::json j = {
            {"record", r.name}, {"beats", nlohmann::json::array()}, {"scores", s.to_json(m.classes)}};
        for (const auto& d : out)
            j["beats"].push_back(
                {{"t_s", d.t_s},
                 {"class", class_set::name(d.predicted)},
                 {"reference",
                  d.reference >= 0 ? nlohmann::json(class_set::name(d.reference)) : nlohmann::json(nullptr)},
                 {"latency_s", d.latency_s}});
        if (png) j["png"] = *png;
        std::cout << j.dump(2) << "\n";
        return ok;
    }
    double lat = 0;
    for (const auto& d : out) lat += d.latency_s;
    std::printf("%zu beats detected, %llu matched to annotated beats; mean latency %.0f ms\n", out.size(),
                static_cast<unsigned long long>(s.beats),
                out.empty() ? 0.0 : 1000.0 * lat / static_cast<double>(out.size()));
    if (s.beats) s.print(m.classes, "monitor");
    if (png) std::printf("wrote %s\n", png->c_str());
    return ok;
}

} // namespace spikekit::app::ecg
