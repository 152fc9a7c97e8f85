// MIT-BIH record lists, splits and beat features of the ECG monitor (ecg_data.hpp).
#include "ecg_data.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "cli.hpp"
#include "spikekit/core/error.hpp"

namespace spikekit::app::ecg {

int class_set::index_of(events::aami_class c) const {
    switch (c) {
    case events::aami_class::N:
        return 0;
    case events::aami_class::S:
        return 1;
    case events::aami_class::V:
        return 2;
    case events::aami_class::F:
        return 3;
    case events::aami_class::Q:
        return count == 5 ? 4 : -1;
    default:
        return -1;
    }
}

const char* class_set::name(int index) {
    static constexpr const char* names[] = {"N", "S", "V", "F", "Q"};
    return index >= 0 && index < 5 ? names[index] : "?";
}

int feature_config::bins() const {
    return static_cast<int>(std::lround((before_ms + after_ms) / bin_ms));
}

events::encoding_params feature_config::encoding() const {
    events::encoding_params p;
    p.lc.threshold_mv = threshold_mv;
    p.band = {band_low_hz, band_high_hz};
    return p;
}

nlohmann::json feature_config::to_json() const {
    return {{"threshold_mv", threshold_mv},
            {"band_hz", {band_low_hz, band_high_hz}},
            {"adapt", adapt},
            {"before_ms", before_ms},
            {"after_ms", after_ms},
            {"bin_ms", bin_ms},
            {"steps", steps},
            {"rr_unit_ms", rr_unit_ms},
            {"ratio_unit", ratio_unit}};
}

feature_config feature_config::from_json(const nlohmann::json& j, const std::string& file) {
    feature_config f;
    const auto num = [&](const char* key, double& v) {
        if (!j.contains(key) || !j[key].is_number())
            throw input_error(file, std::string("features.") + key, "expected a number");
        v = j[key].get<double>();
    };
    num("threshold_mv", f.threshold_mv);
    num("before_ms", f.before_ms);
    num("after_ms", f.after_ms);
    num("bin_ms", f.bin_ms);
    num("rr_unit_ms", f.rr_unit_ms);
    num("ratio_unit", f.ratio_unit);
    num("adapt", f.adapt);
    double steps = 0;
    num("steps", steps);
    f.steps = static_cast<int>(steps);
    if (!j.contains("band_hz") || !j["band_hz"].is_array() || j["band_hz"].size() != 2)
        throw input_error(file, "features.band_hz", "expected [low, high] in Hz");
    f.band_low_hz = j["band_hz"][0].get<double>();
    f.band_high_hz = j["band_hz"][1].get<double>();
    if (!(f.threshold_mv > 0) || !(f.bin_ms > 0) || f.before_ms < 0 || !(f.after_ms > 0) || f.steps < 1 ||
        f.steps > 255 || !(f.rr_unit_ms > 0) || !(f.ratio_unit > 0) || !(f.adapt > 0 && f.adapt <= 1) ||
        f.bins() < 1)
        throw input_error(file, "features", "a value is out of range (thresholds, times and steps > 0)");
    return f;
}

std::string record_name(const std::string& path) {
    return std::filesystem::path(events::wfdb_record_base(path)).filename().string();
}

std::vector<std::string> resolve_records(const std::string& list, const std::string& data_dir) {
    std::vector<std::string> out;
    const auto add_names = [&](std::span<const char* const> names) {
        for (const char* n : names) out.push_back((std::filesystem::path(data_dir) / n).string());
    };
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = std::min(list.find(',', start), list.size());
        const std::string item = list.substr(start, comma - start);
        start = comma + 1;
        if (item.empty()) throw usage_error("--records: empty item in '" + list + "'");
        if (item == "ds1" || item == "all") add_names(events::mitdb_ds1());
        if (item == "ds2" || item == "all") add_names(events::mitdb_ds2());
        if (item == "ds1" || item == "ds2" || item == "all") continue;
        const bool bare = item.find('/') == std::string::npos &&
                          !std::filesystem::exists(events::wfdb_record_base(item) + ".hea");
        out.push_back(bare ? (std::filesystem::path(data_dir) / item).string() : item);
    }
    for (const auto& r : out)
        if (!std::filesystem::exists(events::wfdb_record_base(r) + ".hea"))
            throw input_error(events::wfdb_record_base(r) + ".hea", "",
                              "record not found (is --data the MIT-BIH folder?)");
    return out;
}

record_data load_record(const std::string& path, const feature_config& f) {
    record_data r;
    r.path = path;
    r.name = record_name(path);
    r.wfdb = events::read_wfdb_record(path);
    for (std::size_t s = 0; s < r.wfdb.nsig(); ++s)
        if (r.wfdb.header.signals[s].description == "MLII") {
            r.lead = s;
            break;
        }
    r.encoded = events::encode_record(r.wfdb, f.encoding(), {r.lead});
    const auto atr = events::wfdb_record_base(path) + ".atr";
    if (std::filesystem::exists(atr))
        r.annotations = events::read_annotations(atr, static_cast<std::int64_t>(r.wfdb.frames));
    return r;
}

namespace {

std::uint8_t clamp_count(double v, int steps) {
    return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, static_cast<long>(steps)));
}

} // namespace

namespace {

// The eight rhythm inputs of beat k of `peaks` (ecg_data.hpp), `lng` the record's long-term average so far.
void rhythm_counts(const std::vector<std::int64_t>& peaks, std::size_t k, double ms, double lng,
                   const feature_config& f, std::uint8_t* out) {
    const double pre = k > 0 ? static_cast<double>(peaks[k] - peaks[k - 1]) * ms : -1;
    const double post = k + 1 < peaks.size() ? static_cast<double>(peaks[k + 1] - peaks[k]) * ms : -1;
    const double rr_pre = pre > 0 ? pre : (post > 0 ? post : 800), rr_post = post > 0 ? post : rr_pre;
    double avg = 0;
    std::size_t m = 0;
    for (std::size_t j = k; j > 0 && m < 10; --j, ++m) avg += static_cast<double>(peaks[j] - peaks[j - 1]);
    avg = m ? avg * ms / static_cast<double>(m) : rr_pre;
    const double v[8] = {rr_pre / f.rr_unit_ms,        rr_post / f.rr_unit_ms,
                         avg / f.rr_unit_ms,           f.ratio_unit * rr_pre / avg,
                         f.ratio_unit * rr_post / avg, f.ratio_unit * rr_pre / rr_post,
                         f.ratio_unit * rr_pre / lng,  f.ratio_unit * avg / lng};
    for (std::size_t i = 0; i < 8; ++i) out[i] = clamp_count(v[i], f.steps);
}

} // namespace

std::vector<beat> beat_features(const record_data& r, const feature_config& f,
                                const std::vector<std::int64_t>& peaks, const std::vector<int>& labels,
                                const std::vector<std::uint8_t>& codes) {
    const double fs = r.encoded.fs_hz, ms = 1000.0 / fs;
    const auto bins = static_cast<std::size_t>(f.bins()), width = 2 * bins;
    const auto windows = events::segment_peaks(r.encoded, peaks, {f.before_ms, f.after_ms});
    std::vector<beat> out;
    out.reserve(windows.size());
    std::vector<double> templ; // the record's running average of the binned counts
    double lng = -1;           // the record's long-term average RR (ms)
    std::size_t k = 0;         // index of the window's peak in `peaks`
    for (const auto& w : windows) {
        for (; peaks[k] != w.sample; ++k) // beats without a window still update the long-term RR
            if (k > 0)
                lng = lng < 0
                          ? static_cast<double>(peaks[k] - peaks[k - 1]) * ms
                          : (1 - f.adapt) * lng + f.adapt * static_cast<double>(peaks[k] - peaks[k - 1]) * ms;
        beat b;
        b.sample = w.sample;
        b.label = labels.empty() ? -1 : labels[k];
        b.code = codes.empty() ? 0 : codes[k];
        b.counts.assign(static_cast<std::size_t>(f.inputs()), 0);
        std::vector<double> n(width, 0.0);
        for (std::size_t ch = 0; ch < 2; ++ch)
            for (double t : w.spikes[ch])
                n[ch * bins + std::min(bins - 1, static_cast<std::size_t>(t / f.bin_ms))] += 1;
        if (templ.empty()) templ = n;
        for (std::size_t i = 0; i < width; ++i) {
            b.counts[i] = clamp_count(n[i] - templ[i], f.steps);
            b.counts[width + i] = clamp_count(templ[i] - n[i], f.steps);
            templ[i] = (1 - f.adapt) * templ[i] + f.adapt * n[i];
        }
        const double pre = k > 0 ? static_cast<double>(peaks[k] - peaks[k - 1]) * ms : -1;
        if (pre > 0) lng = lng < 0 ? pre : (1 - f.adapt) * lng + f.adapt * pre;
        rhythm_counts(peaks, k, ms, lng > 0 ? lng : 800, f, &b.counts[2 * width]);
        ++k;
        out.push_back(std::move(b));
    }
    return out;
}

std::vector<beat> annotated_beats(const record_data& r, const feature_config& f, const class_set& cs) {
    // Every beat annotation is an R peak for the rhythm features; only beats of the classes are kept.
    std::vector<std::int64_t> peaks;
    std::vector<int> labels;
    std::vector<std::uint8_t> codes;
    for (const auto& a : r.annotations) {
        if (!events::is_beat(a.code)) continue;
        if (!peaks.empty() && a.sample <= peaks.back()) continue;
        peaks.push_back(a.sample);
        labels.push_back(cs.index_of(events::aami_of(a.code)));
        codes.push_back(a.code);
    }
    auto all = beat_features(r, f, peaks, labels, codes);
    std::erase_if(all, [](const beat& b) { return b.label < 0; });
    return all;
}

void intra_split(std::size_t n, std::uint64_t seed, double test_fraction, std::vector<std::size_t>& train,
                 std::vector<std::size_t>& test) {
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::mt19937_64 rng(seed); // the standard fixes mt19937_64's sequence; the shuffle is written out
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    const auto n_test = static_cast<std::size_t>(std::llround(test_fraction * static_cast<double>(n)));
    test.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_test));
    train.assign(order.begin() + static_cast<std::ptrdiff_t>(n_test), order.end());
    std::sort(test.begin(), test.end());
    std::sort(train.begin(), train.end());
}

std::vector<float> ann_input(const beat& b, const feature_config& f) {
    std::vector<float> x(b.counts.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(b.counts[i]) / static_cast<float>(f.steps);
    return x;
}

std::vector<double> spread_spikes(int count, int steps) {
    std::vector<double> t;
    for (int s = 1; s <= steps; ++s)
        if ((s * count) / steps > ((s - 1) * count) / steps) t.push_back(static_cast<double>(s));
    return t;
}

} // namespace spikekit::app::ecg
