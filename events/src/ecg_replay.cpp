// Replaying an ECG recording into a spike_source population (ecg.hpp): options declared as data, checked
// once.
#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

#include "spikekit/core/error.hpp"
#include "spikekit/events/ecg.hpp"

namespace spikekit::events {
namespace {

constexpr std::array<param_info, 8> params = {{
    {"from_ms", "ms", 0.0, 0.0, unbounded, "start of the replayed window, in recording time"},
    {"to_ms", "ms", unbounded, 0.0, unbounded, "end of the replayed window (exclusive); default: the end"},
    {"threshold_mv", "mV", 0.05, 0.0, 1e3, "level-crossing threshold (WFDB input only)", false, true},
    {"refractory_ms", "ms", 0.0, 0.0, 1e6, "encoder refractory time (WFDB input only)"},
    {"band_low_hz", "Hz", 0.5, 0.0, 1e6, "band-pass high-pass corner, 0 = off (WFDB input only)"},
    {"band_high_hz", "Hz", 40.0, 0.0, 1e6, "band-pass low-pass corner, 0 = off (WFDB input only)"},
    {"filter", "1", 1.0, 0.0, 1.0, "1 = band-pass before encoding (WFDB input only)", true},
    {"lead", "1", -1.0, -1.0, 65535.0, "the one lead to replay (signal index), -1 = all leads", true},
}};

bool is_hdf5(const std::string& file) {
    const auto ext = std::filesystem::path(file).extension().string();
    return ext == ".h5" || ext == ".hdf5";
}

encoded_ecg load(const std::string& file, const param_map& given, const param_map& o,
                 const std::string& where) {
    if (is_hdf5(file)) {
        for (const char* k : {"threshold_mv", "refractory_ms", "band_low_hz", "band_high_hz", "filter"})
            if (given.count(k))
                throw input_error(file, where + "." + k,
                                  "applies only when replaying a WFDB record, not an encoded .h5");
        auto e = read_encoded_hdf5(file);
        if (o.at("lead") >= 0) {
            const auto lead = static_cast<std::uint16_t>(o.at("lead"));
            if (lead >= e.leads.size())
                throw input_error(file, where + ".lead",
                                  "the file has " + std::to_string(e.leads.size()) + " leads");
            std::erase_if(e.events, [&](const level_event& ev) { return ev.lead != lead; });
            for (auto& ev : e.events) ev.lead = 0;
            e.leads = {e.leads[lead]};
            e.initial_mv = {e.initial_mv[lead]};
        }
        return e;
    }
    const auto r = read_wfdb_record(file);
    encoding_params p;
    p.lc = {o.at("threshold_mv"), o.at("refractory_ms")};
    p.band = {o.at("band_low_hz"), o.at("band_high_hz")};
    p.filter = o.at("filter") != 0;
    std::vector<std::size_t> leads;
    if (o.at("lead") >= 0) leads.push_back(static_cast<std::size_t>(o.at("lead")));
    if (!leads.empty() && leads[0] >= r.nsig())
        throw input_error(file, where + ".lead", "the record has " + std::to_string(r.nsig()) + " signals");
    return encode_record(r, p, leads);
}

} // namespace

std::span<const param_info> ecg_replay_params() {
    return params;
}

std::vector<std::vector<double>> ecg_replay_spike_times(const std::string& file, const param_map& options,
                                                        std::size_t size, const std::string& where) {
    for (const auto& [name, value] : options) {
        const auto* p = find_param(params, name);
        if (!p)
            throw input_error(file, where + "." + name,
                              "unknown ECG replay option (expected from_ms, to_ms, "
                              "threshold_mv, refractory_ms, band_low_hz, band_high_hz, filter, lead)");
        if (auto problem = check_range(*p, value); !problem.empty())
            throw input_error(file, where + "." + name, problem);
    }
    const auto o = with_defaults(params, options);
    if (o.at("to_ms") <= o.at("from_ms"))
        throw input_error(file, where + ".to_ms", "the window must end after from_ms");
    const auto e = load(file, options, o, where);
    if (size != 2 * e.leads.size())
        throw input_error(file, where,
                          "the population has " + std::to_string(size) + " neurons but replaying " +
                              std::to_string(e.leads.size()) + " lead(s) needs " +
                              std::to_string(2 * e.leads.size()) + " (an up and a down neuron per lead)");
    // Clamped to the recording first, so no option value can overflow the conversion to microseconds.
    const double end = static_cast<double>(e.duration_us + 1);
    const auto from_us = std::llround(std::min(o.at("from_ms") * 1e3, end));
    const auto to_us = std::llround(std::min(o.at("to_ms") * 1e3, end));
    return to_spike_trains(e, from_us, to_us);
}

} // namespace spikekit::events
