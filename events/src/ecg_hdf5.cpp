// HDF5 output and input of encoded ECG (layout documented in ecg.hpp).
#include <algorithm>

#include "spikekit/core/error.hpp"
#include "spikekit/events/ecg.hpp"
#include "spikekit/io/atomic_file.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit::events {
namespace {

std::string join_lines(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "\n" : "") + v[i];
    return s;
}

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const auto p = std::min(s.find('\n', start), s.size());
        out.push_back(s.substr(start, p - start));
        start = p + 1;
    }
    return out;
}

template <class T, class F>
std::vector<T> column(const std::vector<level_event>& ev, F f) {
    std::vector<T> out(ev.size());
    std::transform(ev.begin(), ev.end(), out.begin(), f);
    return out;
}

void write_file(const std::string& path, const encoded_ecg& e, std::span<const annotation> ann) {
    io::h5::writer w(path);
    w.group("/ecg");
    w.attr("/ecg", "record", e.record);
    w.attr("/ecg", "leads", join_lines(e.leads));
    w.attr("/ecg", "fs_hz", e.fs_hz);
    w.attr("/ecg", "samples", static_cast<double>(e.samples));
    w.attr("/ecg", "duration_us", static_cast<double>(e.duration_us));
    w.attr("/ecg", "threshold_mv", e.params.lc.threshold_mv);
    w.attr("/ecg", "refractory_ms", e.params.lc.refractory_ms);
    w.attr("/ecg", "band_low_hz", e.params.filter ? e.params.band.low_hz : 0.0);
    w.attr("/ecg", "band_high_hz", e.params.filter ? e.params.band.high_hz : 0.0);
    w.write("/ecg/initial_mv", e.initial_mv);
    w.write("/ecg/events/t_us", column<std::int64_t>(e.events, [](const level_event& v) { return v.t_us; }));
    w.write("/ecg/events/lead",
            column<std::uint32_t>(e.events, [](const level_event& v) { return std::uint32_t{v.lead}; }));
    w.write("/ecg/events/up", column<std::uint8_t>(e.events, [](const level_event& v) { return v.up; }));
    w.attr("/ecg/events/t_us", "units", "us");
    w.write("/spikes/ecg/timestamps", column<double>(e.events, [](const level_event& v) {
                return static_cast<double>(v.t_us) * 1e-3;
            }));
    w.write("/spikes/ecg/node_ids", column<std::uint64_t>(e.events, [](const level_event& v) {
                return std::uint64_t{2} * v.lead + (v.up ? 0u : 1u);
            }));
    w.attr("/spikes/ecg/timestamps", "units", "ms");
    w.attr("/spikes/ecg", "sorting", "by_time");
    if (!ann.empty()) {
        std::vector<std::int64_t> t;
        std::vector<std::uint8_t> code;
        for (const auto& a : ann) {
            t.push_back(a.sample);
            code.push_back(a.code);
        }
        w.write("/ecg/annotations/sample", t);
        w.write("/ecg/annotations/code", code);
    }
    w.close();
}

} // namespace

void write_encoded_hdf5(const std::string& path, const encoded_ecg& e, std::span<const annotation> ann) {
    io::write_atomically(path, [&](const std::string& tmp) { write_file(tmp, e, ann); });
}

encoded_ecg read_encoded_hdf5(const std::string& path) {
    io::h5::reader r(path);
    encoded_ecg e;
    e.record = r.read_string_attr("/ecg", "record");
    e.leads = split_lines(r.read_string_attr("/ecg", "leads"));
    e.fs_hz = r.read_double_attr("/ecg", "fs_hz");
    e.samples = static_cast<std::int64_t>(r.read_double_attr("/ecg", "samples"));
    e.duration_us = static_cast<std::int64_t>(r.read_double_attr("/ecg", "duration_us"));
    e.params.lc.threshold_mv = r.read_double_attr("/ecg", "threshold_mv");
    e.params.lc.refractory_ms = r.read_double_attr("/ecg", "refractory_ms");
    e.params.band = {r.read_double_attr("/ecg", "band_low_hz"), r.read_double_attr("/ecg", "band_high_hz")};
    e.params.filter = e.params.band.low_hz > 0 || e.params.band.high_hz > 0;
    e.initial_mv = r.read_floats("/ecg/initial_mv");
    if (!(e.fs_hz > 0) || e.samples < 0 || !(e.params.lc.threshold_mv > 0))
        throw input_error(path, "/ecg", "fs_hz, samples or threshold_mv out of range");
    if (e.initial_mv.size() != e.leads.size())
        throw input_error(path, "/ecg/initial_mv",
                          std::to_string(e.initial_mv.size()) + " values for " +
                              std::to_string(e.leads.size()) + " leads");
    const auto t = r.read_ints("/ecg/events/t_us"), lead = r.read_ints("/ecg/events/lead"),
               up = r.read_ints("/ecg/events/up");
    if (lead.size() != t.size() || up.size() != t.size())
        throw input_error(path, "/ecg/events", "t_us, lead and up have different lengths");
    e.events.resize(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
        const std::string where = "/ecg/events[" + std::to_string(i) + "]";
        if (lead[i] < 0 || static_cast<std::size_t>(lead[i]) >= e.leads.size())
            throw input_error(path, where, "lead " + std::to_string(lead[i]) + " out of range");
        if (up[i] != 0 && up[i] != 1) throw input_error(path, where, "up must be 0 or 1");
        if (i > 0 && t[i] < t[i - 1]) throw input_error(path, where, "time goes backwards");
        e.events[i] = {t[i], static_cast<std::uint16_t>(lead[i]), static_cast<std::uint8_t>(up[i])};
    }
    return e;
}

} // namespace spikekit::events
