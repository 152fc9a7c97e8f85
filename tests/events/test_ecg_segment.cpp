// Beat windows and the Pan-Tompkins R-peak detector: a synthetic ECG with known beat times, then real
// MIT-BIH records scored against their reference annotations (AAMI EC57 matching window of 150 ms).
#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <numbers>

#include <doctest/doctest.h>

#include "../support/test_support.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/events/ecg.hpp"

using namespace spikekit;
using namespace spikekit::events;

namespace {

const std::string mitdb = SPIKEKIT_SHARED_DIR "/data/mitdb/";

struct score {
    std::size_t matched = 0, reference = 0, detected = 0;
    double sensitivity() const {
        return reference ? static_cast<double>(matched) / static_cast<double>(reference) : 0;
    }
    double ppv() const { return detected ? static_cast<double>(matched) / static_cast<double>(detected) : 0; }
};

// Matches detections to reference beats one-to-one within `tol` samples (both lists sorted).
score match(const std::vector<std::int64_t>& ref, const std::vector<std::int64_t>& det, std::int64_t tol) {
    score s{0, ref.size(), det.size()};
    std::size_t j = 0;
    for (auto r : ref) {
        while (j < det.size() && det[j] < r - tol) ++j;
        if (j < det.size() && det[j] <= r + tol) {
            ++s.matched;
            ++j;
        }
    }
    return s;
}

// A crude synthetic ECG: baseline wander, small P and T waves, a sharp QRS at each beat time, noise.
std::vector<float> synthetic_ecg(const std::vector<std::int64_t>& beats, double fs, std::size_t n) {
    std::vector<float> x(n);
    auto bump = [&](double t, double centre, double width, double amp) {
        const double u = (t - centre) / width;
        return amp * std::exp(-0.5 * u * u);
    };
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / fs;
        double v = 0.3 * std::sin(2 * std::numbers::pi * 0.2 * t) + 0.01 * std::sin(12345.0 * t * t);
        for (auto b : beats) {
            const double tb = static_cast<double>(b) / fs;
            if (std::abs(t - tb) > 0.5) continue;
            v += bump(t, tb - 0.16, 0.025, 0.15) + bump(t, tb, 0.012, 1.2) + bump(t, tb + 0.03, 0.01, -0.3) +
                 bump(t, tb + 0.3, 0.05, 0.3);
        }
        x[i] = static_cast<float>(v);
    }
    return x;
}

std::vector<std::int64_t> beat_samples(const std::vector<annotation>& ann) {
    std::vector<std::int64_t> s;
    for (const auto& a : ann)
        if (is_beat(a.code)) s.push_back(a.sample);
    return s;
}

} // namespace

TEST_CASE("ecg R peaks: synthetic ECG with irregular rhythm, every beat found at its time") {
    const double fs = 360;
    std::vector<std::int64_t> beats;
    std::int64_t t = 400;
    for (int k = 0; t < 60 * 360; ++k) {
        beats.push_back(t);
        t += (k % 5 == 3) ? 200 : 290 + (k % 3) * 20; // 0.55 to 0.86 s, with premature beats
    }
    const auto x = synthetic_ecg(beats, fs, 60 * 360 + 300);
    const auto peaks = detect_r_peaks(x, fs);
    const auto s = match(beats, peaks, 4); // within 11 ms
    CHECK(s.matched == beats.size());
    CHECK(peaks.size() == beats.size());
    CHECK_THROWS_AS(detect_r_peaks(x, 10), input_error);
}

TEST_CASE("ecg R peaks on MIT-BIH: sensitivity and positive predictivity against the reference beats") {
    if (!std::filesystem::exists(mitdb + "100.hea")) {
        MESSAGE("skipped: " << mitdb << " is missing (real MIT-BIH data from ../shared/data)");
        return;
    }
    // Records with clean to moderately difficult signals (203, with its multiform PVCs and noise, is left
    // out).
    for (const std::string rec : {"100", "101", "103", "105", "119", "208", "230"}) {
        CAPTURE(rec);
        const auto r = read_wfdb_record(mitdb + rec);
        const auto ref = beat_samples(read_annotations(mitdb + rec + ".atr"));
        const auto det = detect_r_peaks(r.physical(0), r.header.fs_hz);
        const auto s = match(ref, det, static_cast<std::int64_t>(0.150 * r.header.fs_hz));
        MESSAGE(rec << ": Se " << s.sensitivity() << " +P " << s.ppv() << " (" << s.reference << " beats, "
                    << s.detected << " detections)");
        CHECK(s.sensitivity() > 0.97);
        CHECK(s.ppv() > 0.97);
    }
}

TEST_CASE("ecg beat windows: one labelled window per annotated beat inside the record") {
    if (!std::filesystem::exists(mitdb + "208.hea")) {
        MESSAGE("skipped: " << mitdb << "208.hea is missing (real MIT-BIH data from ../shared/data)");
        return;
    }
    const auto r = read_wfdb_record(mitdb + "208");
    const auto ann = read_annotations(mitdb + "208.atr");
    encoding_params p;
    const auto e = encode_record(r, p, {0});
    const window_params wp{250, 450};
    const auto w = segment_beats(e, ann, wp);
    std::size_t expected = 0;
    std::array<std::size_t, 6> per_class{};
    for (const auto& a : ann) {
        const double t_ms = static_cast<double>(a.sample) / 360.0 * 1e3;
        if (is_beat(a.code) && t_ms >= 250 && t_ms + 450 <= static_cast<double>(e.duration_us) * 1e-3)
            ++expected;
    }
    CHECK(w.size() == expected);
    for (const auto& b : w) ++per_class[static_cast<std::size_t>(b.label)];
    // Record 208 (README): N 1586, S 2, V 992, F 373, Q 2; a beat at either end may fall outside a window.
    CHECK(per_class[2] >= 990);
    CHECK(per_class[3] >= 371);
    bool inside = true;
    std::size_t both_edges = 0;
    for (const auto& b : w) {
        REQUIRE(b.spikes.size() == 2); // one lead: up and down neurons
        both_edges += !b.spikes[0].empty() && !b.spikes[1].empty();
        for (const auto& train : b.spikes)
            for (double ms : train) inside = inside && ms >= 0 && ms < 700;
    }
    CHECK(inside);
    // A beat has rising and falling edges well above 0.05 mV (a few windows fall on signal dropouts).
    MESSAGE(both_edges << " of " << w.size() << " windows hold up and down spikes");
    CHECK(static_cast<double>(both_edges) >= 0.99 * static_cast<double>(w.size()));

    // Windows at detected peaks carry no label.
    const auto peaks = detect_r_peaks(r.physical(0), 360);
    const auto wd = segment_peaks(e, peaks, wp);
    CHECK(wd.size() + 4 >= peaks.size());
    CHECK(std::all_of(wd.begin(), wd.end(),
                      [](const beat_window& b) { return b.label == aami_class::none && b.code == 0; }));
    CHECK_THROWS_AS(segment_beats(e, ann, {-1, 10}), input_error);
}
