// Beat windows around annotations or detected R peaks, and the Pan-Tompkins QRS detector (ecg.hpp).
#include <algorithm>
#include <cmath>

#include "spikekit/core/error.hpp"
#include "spikekit/events/ecg.hpp"

namespace spikekit::events {
namespace {

// The window around sample `s`, or false when it does not fit inside the record.
bool make_window(const encoded_ecg& e, std::int64_t s, window_params p, beat_window& w) {
    const auto t = std::llround(static_cast<double>(s) * 1e6 / e.fs_hz);
    const auto from = t - std::llround(p.before_ms * 1e3), to = t + std::llround(p.after_ms * 1e3);
    if (s < 0 || from < 0 || to > e.duration_us) return false;
    w.sample = s;
    w.spikes = to_spike_trains(e, from, to);
    return true;
}

void check_window(window_params p) {
    if (!(p.before_ms >= 0) || !(p.after_ms > 0) || !std::isfinite(p.before_ms) || !std::isfinite(p.after_ms))
        throw input_error("", "window", "beat window needs before >= 0 ms and after > 0 ms");
}

// Zero-phase (forward then backward) band-pass: the detector works offline and must not shift the peaks.
std::vector<float> zero_phase(std::span<const float> x, double fs, band_pass_params band) {
    std::vector<float> y(x.begin(), x.end());
    band_pass_filter fwd(fs, band), bwd(fs, band);
    for (auto& v : y) v = fwd.process(v);
    for (auto it = y.rbegin(); it != y.rend(); ++it) *it = bwd.process(*it);
    return y;
}

// Squared 5-point derivative, then a centred moving-window integral of `width` samples.
std::vector<double> integrated_energy(const std::vector<float>& bp, std::size_t width) {
    const std::size_t n = bp.size();
    std::vector<double> sq(n, 0.0), out(n, 0.0);
    const auto x = [&](std::size_t k) { return static_cast<double>(bp[k]); };
    for (std::size_t i = 2; i + 2 < n; ++i) {
        const double d = (2.0 * x(i + 2) + x(i + 1) - x(i - 1) - 2.0 * x(i - 2)) / 8.0;
        sq[i] = d * d;
    }
    double acc = 0;
    const std::size_t half = width / 2;
    for (std::size_t i = 0; i < n + half; ++i) {
        if (i < n) acc += sq[i];
        if (i >= width) acc -= sq[i - width];
        if (i >= half) out[i - half] = acc / static_cast<double>(width);
    }
    return out;
}

// Local maxima of `y` at least `gap` samples apart (the larger one wins): the detector's candidate peaks.
std::vector<std::size_t> candidate_peaks(const std::vector<double>& y, std::size_t gap) {
    std::vector<std::size_t> c;
    for (std::size_t i = 1; i + 1 < y.size(); ++i) {
        if (!(y[i] > y[i - 1] && y[i] >= y[i + 1])) continue;
        if (!c.empty() && i - c.back() < gap) {
            if (y[i] > y[c.back()]) c.back() = i;
        } else {
            c.push_back(i);
        }
    }
    return c;
}

// Pan-Tompkins adaptive thresholds: SPKI/NPKI running estimates of signal and noise peak heights; a candidate
// above THRESHOLD1 is a QRS; when no QRS came for 166% of the mean RR interval, the largest candidate above
// THRESHOLD2 = THRESHOLD1 / 2 in that gap is taken (search-back).
std::vector<std::size_t> classify(const std::vector<double>& y, const std::vector<std::size_t>& cand,
                                  double fs) {
    std::vector<std::size_t> qrs;
    const auto learn = std::min(y.size(), static_cast<std::size_t>(2 * fs));
    double spki = 0, npki = 0;
    for (std::size_t i = 0; i < learn; ++i) {
        spki = std::max(spki, y[i]);
        npki += y[i];
    }
    spki *= 0.33;
    npki = learn ? 0.5 * npki / static_cast<double>(learn) : 0.0;
    double rr = fs; // mean RR interval, starts at 1 s
    std::size_t last_searched = 0;
    for (std::size_t k = 0; k < cand.size(); ++k) {
        const double thr1 = npki + 0.25 * (spki - npki);
        const double v = y[cand[k]];
        if (v > thr1) {
            if (qrs.size() >= 1) rr = 0.875 * rr + 0.125 * static_cast<double>(cand[k] - qrs.back());
            qrs.push_back(cand[k]);
            spki = 0.125 * v + 0.875 * spki;
            last_searched = k;
            continue;
        }
        npki = 0.125 * v + 0.875 * npki;
        if (qrs.empty() || static_cast<double>(cand[k] - qrs.back()) <= 1.66 * rr) continue;
        // Search back among the candidates since the last QRS for the largest one above THRESHOLD2.
        std::size_t best = k;
        for (std::size_t j = last_searched + 1; j <= k; ++j)
            if (y[cand[j]] > y[cand[best]]) best = j;
        if (y[cand[best]] > 0.5 * thr1 && cand[best] > qrs.back()) {
            qrs.push_back(cand[best]);
            spki = 0.25 * y[cand[best]] + 0.75 * spki;
        }
        last_searched = k;
    }
    return qrs;
}

} // namespace

std::vector<std::int64_t> detect_r_peaks(std::span<const float> mv, double fs_hz) {
    if (!(fs_hz >= 50) || !std::isfinite(fs_hz))
        throw input_error("", "R-peak detector", "needs a sampling frequency of at least 50 Hz");
    const auto bp = zero_phase(mv, fs_hz, {5.0, 15.0});
    const auto energy = integrated_energy(bp, static_cast<std::size_t>(0.150 * fs_hz));
    const auto qrs =
        classify(energy, candidate_peaks(energy, static_cast<std::size_t>(0.200 * fs_hz)), fs_hz);
    // The R peak is the largest |band-passed| sample within 100 ms of the energy peak.
    const auto reach = static_cast<std::size_t>(0.100 * fs_hz);
    std::vector<std::int64_t> peaks;
    for (auto q : qrs) {
        const std::size_t lo = q > reach ? q - reach : 0, hi = std::min(bp.size(), q + reach + 1);
        std::size_t best = lo;
        for (std::size_t i = lo; i < hi; ++i)
            if (std::abs(bp[i]) > std::abs(bp[best])) best = i;
        if (peaks.empty() || static_cast<std::int64_t>(best) > peaks.back())
            peaks.push_back(static_cast<std::int64_t>(best));
    }
    return peaks;
}

std::span<const char* const> mitdb_ds1() {
    static constexpr const char* ds1[] = {"101", "106", "108", "109", "112", "114", "115", "116",
                                          "118", "119", "122", "124", "201", "203", "205", "207",
                                          "208", "209", "215", "220", "223", "230"};
    return ds1;
}

std::span<const char* const> mitdb_ds2() {
    static constexpr const char* ds2[] = {"100", "103", "105", "111", "113", "117", "121", "123",
                                          "200", "202", "210", "212", "213", "214", "219", "221",
                                          "222", "228", "231", "232", "233", "234"};
    return ds2;
}

std::vector<beat_window> segment_beats(const encoded_ecg& e, std::span<const annotation> ann,
                                       window_params p) {
    check_window(p);
    std::vector<beat_window> out;
    for (const auto& a : ann) {
        if (!is_beat(a.code)) continue;
        beat_window w;
        if (!make_window(e, a.sample, p, w)) continue;
        w.code = a.code;
        w.label = aami_of(a.code);
        out.push_back(std::move(w));
    }
    return out;
}

std::vector<beat_window> segment_peaks(const encoded_ecg& e, std::span<const std::int64_t> peaks,
                                       window_params p) {
    check_window(p);
    std::vector<beat_window> out;
    for (auto s : peaks) {
        beat_window w;
        if (make_window(e, s, p, w)) out.push_back(std::move(w));
    }
    return out;
}

} // namespace spikekit::events
