// Band-pass filter, level-crossing encoder, reconstruction, spike trains and the HDF5 round trip: analytic
// signals first (ramps, sines, steps), then the real record 100.
#include <algorithm>
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

const std::string record100 = SPIKEKIT_SHARED_DIR "/data/mitdb/100";

std::vector<float> sine(double f_hz, double fs, std::size_t n, double amp = 1.0) {
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i)
        x[i] = static_cast<float>(amp * std::sin(2 * std::numbers::pi * f_hz * static_cast<double>(i) / fs));
    return x;
}

// Peak amplitude of the second half of x (after the filter has settled).
double settled_amplitude(const std::vector<float>& x) {
    double m = 0;
    for (std::size_t i = x.size() / 2; i < x.size(); ++i)
        m = std::max(m, std::abs(static_cast<double>(x[i])));
    return m;
}

std::vector<float> filtered(const std::vector<float>& x, double fs, band_pass_params p) {
    band_pass_filter f(fs, p);
    std::vector<float> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = f.process(x[i]);
    return y;
}

std::vector<level_event> encode(const std::vector<float>& x, double fs, level_crossing_params p) {
    std::vector<level_event> ev;
    level_crossing_encoder enc(p, 0);
    enc.process(to_samples(x, fs), ev);
    return ev;
}

} // namespace

TEST_CASE("ecg band-pass: passes the band, stops baseline wander and mains, no start-up ringing") {
    const double fs = 360;
    const std::size_t n = 20 * 360;
    CHECK(settled_amplitude(filtered(sine(10, fs, n), fs, {0.5, 40})) == doctest::Approx(1.0).epsilon(0.03));
    // 2nd-order Butterworth: -3 dB at the corners, -12 dB/octave beyond.
    CHECK(settled_amplitude(filtered(sine(40, fs, n), fs, {0, 40})) ==
          doctest::Approx(std::sqrt(0.5)).epsilon(0.03));
    CHECK(settled_amplitude(filtered(sine(0.5, fs, n), fs, {0.5, 0})) ==
          doctest::Approx(std::sqrt(0.5)).epsilon(0.03));
    CHECK(settled_amplitude(filtered(sine(0.05, fs, n * 10), fs, {0.5, 40})) < 0.02);
    CHECK(settled_amplitude(filtered(sine(160, fs, n), fs, {0.5, 40})) < 0.08);
    // A constant offset (electrode DC) gives no output at all, from the first sample on.
    const auto dc = filtered(std::vector<float>(1000, 2.5f), fs, {0.5, 40});
    CHECK(*std::max_element(dc.begin(), dc.end()) < 1e-5f);
    CHECK(*std::min_element(dc.begin(), dc.end()) > -1e-5f);
    // Low-pass only keeps the DC level.
    CHECK(filtered(std::vector<float>(10, 2.5f), fs, {0, 40}).back() == doctest::Approx(2.5));

    CHECK_THROWS_AS(band_pass_filter(fs, {50, 40}), input_error);
    CHECK_THROWS_AS(band_pass_filter(fs, {0.5, 180}), input_error);
    CHECK_THROWS_AS(band_pass_filter(fs, {-1, 40}), input_error);
    CHECK_THROWS_AS(band_pass_filter(0, {0.5, 40}), input_error);
}

TEST_CASE("ecg level crossing: a ramp gives one up event per threshold, at the crossing times") {
    const double fs = 1000, thr = 0.1;
    std::vector<float> ramp(1001);
    for (std::size_t i = 0; i < ramp.size(); ++i)
        ramp[i] = static_cast<float>(0.001 * static_cast<double>(i)); // 1 mV/s
    const auto ev = encode(ramp, fs, {thr, 0});
    REQUIRE(ev.size() == 10); // 0 -> 1 mV in 0.1 mV steps
    for (std::size_t k = 0; k < ev.size(); ++k) {
        CHECK(ev[k].up == 1);
        // The k-th level (k+1) * 0.1 mV is reached after (k+1) * 100 ms (within one sample, float rounding).
        CHECK(std::abs(ev[k].t_us - static_cast<std::int64_t>(k + 1) * 100000) <= 1000);
    }
    // Falling ramp: down events only.
    std::vector<float> down(ramp.rbegin(), ramp.rend());
    const auto ev2 = encode(down, fs, {thr, 0});
    CHECK(ev2.size() == 10);
    CHECK(std::all_of(ev2.begin(), ev2.end(), [](const level_event& e) { return e.up == 0; }));
}

TEST_CASE("ecg level crossing: a step crosses several levels at once, refractory time spaces the events") {
    std::vector<float> step(100, 0.0f);
    std::fill(step.begin() + 10, step.end(), 1.0f);
    const auto burst = encode(step, 1000, {0.25, 0});
    REQUIRE(burst.size() == 4);
    CHECK(std::all_of(burst.begin(), burst.end(), [](const level_event& e) { return e.t_us == 10000; }));
    // With 5 ms refractory the encoder tracks the step one level per 5 ms (slope overload).
    const auto slow = encode(step, 1000, {0.25, 5});
    REQUIRE(slow.size() == 4);
    for (std::size_t k = 0; k < slow.size(); ++k)
        CHECK(slow[k].t_us == 10000 + 5000 * static_cast<std::int64_t>(k));

    CHECK_THROWS_AS(level_crossing_encoder({0, 0}, 0), input_error);
    CHECK_THROWS_AS(level_crossing_encoder({0.1, -1}, 0), input_error);
    CHECK_THROWS_AS(level_crossing_encoder({std::nan(""), 0}, 0), input_error);
}

TEST_CASE("ecg level crossing: streaming in chunks gives the same events as one call") {
    const auto x = sine(3, 500, 5000, 2.0);
    const auto s = to_samples(x, 500);
    std::vector<level_event> whole, chunked;
    level_crossing_encoder a({0.07, 2}, 3), b({0.07, 2}, 3);
    a.process(s, whole);
    for (std::size_t i = 0; i < s.size(); i += 37)
        b.process(std::span(s).subspan(i, std::min<std::size_t>(37, s.size() - i)), chunked);
    REQUIRE(whole.size() == chunked.size());
    CHECK(whole.size() > 100);
    bool same = true;
    for (std::size_t i = 0; i < whole.size(); ++i)
        same = same && whole[i].t_us == chunked[i].t_us && whole[i].up == chunked[i].up && whole[i].lead == 3;
    CHECK(same);
}

TEST_CASE("ecg encoding of record 100: reconstruction within one threshold, spike trains, HDF5 round trip") {
    if (!std::filesystem::exists(record100 + ".hea")) {
        MESSAGE("skipped: " << record100 << ".hea is missing (real MIT-BIH data from ../shared/data)");
        return;
    }
    const auto r = read_wfdb_record(record100);
    encoding_params p;
    p.lc.threshold_mv = 0.05;
    const auto e = encode_record(r, p);
    REQUIRE(e.leads == std::vector<std::string>{"MLII", "V5"});
    CHECK(e.samples == 650000);
    CHECK(e.duration_us == std::llround(650000 / 360.0 * 1e6));
    CHECK(std::is_sorted(e.events.begin(), e.events.end(),
                         [](const level_event& a, const level_event& b) { return a.t_us < b.t_us; }));
    for (std::size_t lead = 0; lead < 2; ++lead) {
        const auto input = encoder_input(r, lead, p);
        const auto rec = reconstruct(e, lead);
        double worst = 0;
        for (std::size_t i = 0; i < input.size(); ++i)
            worst = std::max(worst, std::abs(static_cast<double>(rec[i]) - static_cast<double>(input[i])));
        // Without refractory time the reconstruction never strays a full threshold from the input.
        CHECK(worst < p.lc.threshold_mv + 1e-6);
        const auto q = measure_quality(e, lead, input);
        CHECK(q.rmse_mv < p.lc.threshold_mv);
        CHECK(q.rmse_mv > 0);
        CHECK(q.events_per_second > 10);   // an ECG moves
        CHECK(q.events_per_second < 2000); // but far less than one event per sample per level
        CHECK(q.snr_db > 10);
    }

    // Spike trains: 4 neurons, every event once over the whole record, times relative to the window.
    const auto trains = to_spike_trains(e, 0, e.duration_us + 1);
    REQUIRE(trains.size() == 4);
    std::size_t total = 0;
    for (const auto& t : trains) total += t.size();
    CHECK(total == e.events.size());
    const auto window = to_spike_trains(e, 1000000, 2000000);
    for (const auto& t : window)
        for (double ms : t) CHECK((ms >= 0 && ms < 1000));

    test::temp_dir dir("ecg_encode_h5");
    const auto path = dir.file("100.h5");
    const auto ann = read_annotations(record100 + ".atr");
    write_encoded_hdf5(path, e, ann);
    // Written atomically: only the final file is left in the directory.
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path),
                        std::filesystem::directory_iterator()) == 1);
    const auto back = read_encoded_hdf5(path);
    CHECK(back.record == "100");
    CHECK(back.leads == e.leads);
    CHECK(back.fs_hz == 360.0);
    CHECK(back.samples == e.samples);
    CHECK(back.initial_mv == e.initial_mv);
    CHECK(back.params.lc.threshold_mv == p.lc.threshold_mv);
    REQUIRE(back.events.size() == e.events.size());
    bool same = true;
    for (std::size_t i = 0; i < e.events.size(); ++i)
        same = same && back.events[i].t_us == e.events[i].t_us && back.events[i].lead == e.events[i].lead &&
               back.events[i].up == e.events[i].up;
    CHECK(same);

    dir.write("not.h5", "this is not HDF5");
    CHECK_THROWS_AS(read_encoded_hdf5(dir.file("not.h5")), input_error);
    CHECK_THROWS_AS(read_encoded_hdf5(dir.file("missing.h5")), input_error);
}

TEST_CASE("ecg HDF5 input: inconsistent files name the dataset and the event") {
    test::temp_dir dir("ecg_h5_bad");
    encoded_ecg e;
    e.record = "x";
    e.fs_hz = 360;
    e.samples = 3600;
    e.duration_us = 10'000'000;
    e.leads = {"MLII"};
    e.initial_mv = {0.0f};
    e.events = {{100, 0, 1}, {50, 0, 0}};
    write_encoded_hdf5(dir.file("backwards.h5"), e);
    auto message = [](const std::string& path) {
        try {
            read_encoded_hdf5(path);
        } catch (const input_error& ex) {
            return std::string(ex.what());
        }
        return std::string("no error");
    };
    CHECK(message(dir.file("backwards.h5")).find("/ecg/events[1]: time goes backwards") != std::string::npos);
    e.events = {{100, 3, 1}};
    write_encoded_hdf5(dir.file("lead.h5"), e);
    CHECK(message(dir.file("lead.h5")).find("/ecg/events[0]: lead 3 out of range") != std::string::npos);
    e.events.clear();
    e.initial_mv = {};
    write_encoded_hdf5(dir.file("initial.h5"), e);
    CHECK(message(dir.file("initial.h5")).find("/ecg/initial_mv: 0 values for 1 leads") != std::string::npos);
}
