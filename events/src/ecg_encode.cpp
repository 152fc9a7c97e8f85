// Level-crossing encoding of ECG leads, its reconstruction and error, and per-neuron spike trains (ecg.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "spikekit/core/error.hpp"
#include "spikekit/events/ecg.hpp"

namespace spikekit::events {

level_crossing_encoder::level_crossing_encoder(level_crossing_params p, std::uint16_t lead)
    : p_(p), lead_(lead) {
    if (!(p.threshold_mv > 0) || !std::isfinite(p.threshold_mv))
        throw input_error("", "threshold",
                          "level-crossing threshold must be > 0 mV, got " + std::to_string(p.threshold_mv));
    if (!(p.refractory_ms >= 0) || !std::isfinite(p.refractory_ms) || p.refractory_ms > 1e9)
        throw input_error("", "refractory",
                          "refractory time must be >= 0 ms, got " + std::to_string(p.refractory_ms));
    refractory_us_ = std::llround(p.refractory_ms * 1000.0);
}

void level_crossing_encoder::process(std::span<const sample> in, std::vector<level_event>& out) {
    for (const auto& s : in) {
        if (!started_) {
            ref_ = initial_ = s.value;
            started_ = true;
            continue;
        }
        // Each pass emits one event; without refractory time the loop continues at the same time stamp until
        // the reference is within one threshold of the input.
        while (!any_event_ || s.t_us - last_t_ >= refractory_us_) {
            const double d = static_cast<double>(s.value) - ref_;
            if (std::abs(d) < p_.threshold_mv) break;
            const bool up = d > 0;
            ref_ += up ? p_.threshold_mv : -p_.threshold_mv;
            out.push_back({s.t_us, lead_, static_cast<std::uint8_t>(up)});
            last_t_ = s.t_us;
            any_event_ = true;
        }
    }
}

std::vector<float> encoder_input(const wfdb_record& r, std::size_t lead, const encoding_params& p) {
    auto mv = r.physical(lead);
    if (!p.filter) return mv;
    band_pass_filter f(r.header.fs_hz, p.band);
    for (auto& v : mv) v = f.process(v);
    return mv;
}

encoded_ecg encode_record(const wfdb_record& r, const encoding_params& p, std::vector<std::size_t> leads) {
    if (leads.empty())
        for (std::size_t s = 0; s < r.nsig(); ++s) leads.push_back(s);
    encoded_ecg e;
    e.record = r.header.record;
    e.fs_hz = r.header.fs_hz;
    e.samples = static_cast<std::int64_t>(r.frames);
    const double duration_us = static_cast<double>(r.frames) * 1e6 / r.header.fs_hz;
    if (!(duration_us < 9e18)) // int64 microseconds
        throw input_error(r.header_path, "line 1",
                          "record too long to time-stamp in microseconds (sampling frequency too low)");
    e.duration_us = std::llround(duration_us);
    e.params = p;
    for (std::size_t k = 0; k < leads.size(); ++k) {
        if (leads[k] >= r.nsig())
            throw input_error(r.header_path, "lead " + std::to_string(leads[k]),
                              "record has " + std::to_string(r.nsig()) + " signals");
        const auto input = encoder_input(r, leads[k], p);
        level_crossing_encoder enc(p.lc, static_cast<std::uint16_t>(k));
        enc.process(to_samples(input, r.header.fs_hz), e.events);
        e.leads.push_back(r.header.signals[leads[k]].description);
        e.initial_mv.push_back(static_cast<float>(enc.initial_level()));
    }
    // Leads were appended one after the other; a stable sort keeps each lead's order and puts ties by lead.
    std::stable_sort(e.events.begin(), e.events.end(), [](const level_event& a, const level_event& b) {
        return a.t_us < b.t_us || (a.t_us == b.t_us && a.lead < b.lead);
    });
    return e;
}

std::vector<float> reconstruct(const encoded_ecg& e, std::size_t lead) {
    const auto n = static_cast<std::size_t>(e.samples);
    std::vector<float> out(n);
    if (lead >= e.initial_mv.size()) return out;
    const auto times = to_samples(out, e.fs_hz); // only the time stamps are used
    double level = e.initial_mv[lead];
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
        for (; k < e.events.size() && e.events[k].t_us <= times[i].t_us; ++k)
            if (e.events[k].lead == lead)
                level += e.events[k].up ? e.params.lc.threshold_mv : -e.params.lc.threshold_mv;
        out[i] = static_cast<float>(level);
    }
    return out;
}

encoding_quality measure_quality(const encoded_ecg& e, std::size_t lead, std::span<const float> input) {
    encoding_quality q;
    const auto rec = reconstruct(e, lead);
    const std::size_t n = std::min(rec.size(), input.size());
    if (n == 0) return q;
    double err = 0, mean = 0, var = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(rec[i]) - static_cast<double>(input[i]);
        err += d * d;
        mean += static_cast<double>(input[i]);
    }
    mean /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i)
        var += (static_cast<double>(input[i]) - mean) * (static_cast<double>(input[i]) - mean);
    std::size_t count = 0;
    for (const auto& ev : e.events) count += ev.lead == lead;
    q.events_per_second =
        e.duration_us > 0 ? static_cast<double>(count) * 1e6 / static_cast<double>(e.duration_us) : 0;
    q.rmse_mv = std::sqrt(err / static_cast<double>(n));
    q.input_rms_mv = std::sqrt(var / static_cast<double>(n));
    q.snr_db =
        q.rmse_mv > 0 ? 20 * std::log10(q.input_rms_mv / q.rmse_mv) : std::numeric_limits<double>::infinity();
    return q;
}

std::vector<std::vector<double>> to_spike_trains(const encoded_ecg& e, std::int64_t t_from_us,
                                                 std::int64_t t_to_us) {
    std::vector<std::vector<double>> trains(2 * e.leads.size());
    const auto first = std::lower_bound(e.events.begin(), e.events.end(), t_from_us,
                                        [](const level_event& ev, std::int64_t t) { return ev.t_us < t; });
    for (auto it = first; it != e.events.end() && it->t_us < t_to_us; ++it) {
        const std::size_t neuron = 2 * std::size_t{it->lead} + (it->up ? 0 : 1);
        if (neuron < trains.size())
            trains[neuron].push_back(static_cast<double>(it->t_us - t_from_us) * 1e-3);
    }
    return trains;
}

} // namespace spikekit::events
