// spikekit ecg info|encode RECORD: describe a WFDB (PhysioNet) ECG record, or encode it into level-crossing
// events (HDF5, layout in spikekit/events/ecg.hpp).
#include <filesystem>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/events/ecg.hpp"
#include "spikekit/events/wfdb.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {

constexpr const char* ecg_help = R"(usage: spikekit ecg info RECORD [--json] [--annotator EXT]
       spikekit ecg encode RECORD --out FILE.h5 [options]

RECORD is a WFDB record: "dir/100", "dir/100.hea" or "dir/100.dat" (header, signal file(s), and annotations
in dir/100.atr when present). Signal formats 8, 16, 24, 32, 61, 80, 160, 212, 310, 311.

info: header fields, signals with their calibration and checksum check, beats per annotation code and per
AAMI class (N, S, V, F, Q).
  --json            machine-readable output on stdout (keys record, fs_hz, samples, duration_s, signals,
                    comments, annotations, beats, aami, rhythms)
  --annotator EXT   annotation file extension (default atr)

encode: band-pass each lead, then encode it with a level-crossing (delta) encoder into up/down events.
  --out FILE        output HDF5 file (required)
  --threshold MV    level spacing in mV (default 0.05)
  --refractory MS   minimum time between two events of a lead in ms (default 0)
  --band LO,HI      band-pass corners in Hz (default 0.5,40; 0 turns one side off)
  --no-filter       encode the raw signal
  --leads I,J       signal indices to encode (default: all)
  --annotator EXT   annotations copied into the output (default atr; skipped when the file is missing)
  --json            print a JSON summary on stdout (events, events per second, reconstruction error per lead)

exit codes: 0 ok, 1 runtime failure, 2 bad input (record, option)
)";

std::vector<double> number_list(const std::string& option, const std::string& text) {
    std::vector<double> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, comma - start);
        try {
            std::size_t used = 0;
            out.push_back(std::stod(item, &used));
            if (used != item.size()) throw std::invalid_argument("");
        } catch (const std::exception&) {
            throw usage_error("option " + option + " expects comma-separated numbers, got '" + text + "'");
        }
        start = comma + 1;
    }
    return out;
}

// Annotations of the record if its annotation file exists (bad content is still an error).
std::optional<std::vector<events::annotation>> annotations_of(const std::string& record,
                                                              const std::string& ext, std::size_t frames) {
    const auto path = events::wfdb_record_base(record) + "." + ext;
    if (!std::filesystem::exists(path)) return std::nullopt;
    return events::read_annotations(path, static_cast<std::int64_t>(frames));
}

nlohmann::json signal_json(const events::wfdb_record& r, std::size_t s) {
    const auto& sig = r.header.signals[s];
    nlohmann::json j = {{"index", s},
                        {"description", sig.description},
                        {"file", sig.file},
                        {"format", sig.format},
                        {"gain", sig.gain},
                        {"baseline", sig.baseline},
                        {"units", sig.units},
                        {"adc_resolution", sig.adc_resolution},
                        {"adc_zero", sig.adc_zero},
                        {"initial_value", sig.initial_value},
                        {"block_size", sig.block_size}};
    j["checksum"] = sig.has_checksum ? nlohmann::json(sig.checksum) : nlohmann::json(nullptr);
    j["checksum_ok"] = !sig.has_checksum || events::wfdb_checksum(r, s) == sig.checksum;
    return j;
}

nlohmann::json info_json(const events::wfdb_record& r,
                         const std::optional<std::vector<events::annotation>>& ann) {
    nlohmann::json j = {{"record", r.header.record},
                        {"fs_hz", r.header.fs_hz},
                        {"samples", r.frames},
                        {"duration_s", static_cast<double>(r.frames) / r.header.fs_hz},
                        {"base_time", r.header.base_time},
                        {"base_date", r.header.base_date},
                        {"comments", r.header.comments}};
    j["signals"] = nlohmann::json::array();
    for (std::size_t s = 0; s < r.nsig(); ++s) j["signals"].push_back(signal_json(r, s));
    std::map<std::string, std::size_t> beats;
    std::map<std::string, std::size_t> aami = {{"N", 0}, {"S", 0}, {"V", 0}, {"F", 0}, {"Q", 0}};
    std::map<std::string, std::size_t>
        rhythms; // rhythm changes ('+' annotations) by their text, e.g. "(AFIB"
    if (ann) {
        for (const auto& a : *ann) {
            if (a.code == events::ann_rhythm && !a.aux.empty()) ++rhythms[a.aux];
            if (!events::is_beat(a.code)) continue;
            ++beats[events::annotation_symbol(a.code)];
            if (events::aami_of(a.code) != events::aami_class::none)
                ++aami[events::aami_name(events::aami_of(a.code))];
        }
    }
    j["annotations"] = ann ? nlohmann::json(ann->size()) : nlohmann::json(nullptr);
    j["beats"] = beats;
    j["aami"] = aami;
    j["rhythms"] = rhythms;
    return j;
}

void print_info(const nlohmann::json& j) {
    std::cout << "record     " << j["record"].get<std::string>() << "\n"
              << "sampling   " << j["fs_hz"].get<double>() << " Hz, " << j["samples"].get<std::size_t>()
              << " samples per signal (" << j["duration_s"].get<double>() << " s)\n";
    for (const auto& s : j["signals"])
        std::cout << "signal " << s["index"].get<std::size_t>() << "   "
                  << s["description"].get<std::string>() << ": format " << s["format"].get<int>() << ", gain "
                  << s["gain"].get<double>() << " adu/" << s["units"].get<std::string>() << ", baseline "
                  << s["baseline"].get<int>() << ", checksum "
                  << (s["checksum_ok"].get<bool>() ? "ok" : "MISMATCH") << "\n";
    for (const auto& c : j["comments"]) std::cout << "#" << c.get<std::string>() << "\n";
    if (j["annotations"].is_null()) {
        std::cout << "annotations: none\n";
        return;
    }
    std::cout << "annotations " << j["annotations"].get<std::size_t>() << "\nbeats     ";
    for (const auto& [code, n] : j["beats"].items()) std::cout << " " << code << " " << n.get<std::size_t>();
    std::cout << "\nAAMI      ";
    for (const auto& [cls, n] : j["aami"].items()) std::cout << " " << cls << " " << n.get<std::size_t>();
    std::cout << "\nrhythms   ";
    for (const auto& [text, n] : j["rhythms"].items())
        std::cout << " " << text << " " << n.get<std::size_t>();
    std::cout << "\n";
}

int info(const args& a) {
    const auto& record = a.positional()[1];
    // Checksums are reported, not enforced, so a damaged record can still be described.
    const auto r = events::read_wfdb_record(record, false);
    const auto j = info_json(r, annotations_of(record, a.get("--annotator").value_or("atr"), r.frames));
    // Header comments and AUX texts are not guaranteed UTF-8 (WFDB predates it): replace invalid bytes.
    if (a.flag("--json"))
        std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    else
        print_info(j);
    return ok;
}

events::encoding_params encoding_options(const args& a) {
    events::encoding_params p;
    p.lc.threshold_mv = a.quantity("--threshold", "mV", p.lc.threshold_mv);
    p.lc.refractory_ms = a.quantity("--refractory", "ms", p.lc.refractory_ms);
    if (p.lc.threshold_mv <= 0) throw usage_error("--threshold expects a level spacing > 0 mV");
    if (p.lc.refractory_ms < 0) throw usage_error("--refractory expects a time >= 0 ms");
    p.filter = !a.flag("--no-filter");
    if (auto band = a.get("--band")) {
        const auto v = number_list("--band", *band);
        if (v.size() != 2) throw usage_error("--band expects LO,HI in Hz, got '" + *band + "'");
        p.band = {v[0], v[1]};
    }
    return p;
}

int encode(const args& a) {
    const auto out = a.get("--out");
    if (!out) throw usage_error("ecg encode needs --out FILE.h5");
    const auto p = encoding_options(a);
    const auto& record = a.positional()[1];
    const auto r = events::read_wfdb_record(record);
    if (p.filter) {
        try { // the corners can only be checked against this record's sampling frequency
            events::band_pass_filter check(r.header.fs_hz, p.band);
        } catch (const input_error& e) {
            throw usage_error("--band: " + e.problem());
        }
    }
    std::vector<std::size_t> leads;
    if (auto l = a.get("--leads"))
        for (double v : number_list("--leads", *l)) {
            if (v < 0 || v >= static_cast<double>(r.nsig()) ||
                v != static_cast<double>(static_cast<std::size_t>(v)))
                throw usage_error("--leads: signal index " + std::to_string(v) + " is not in 0.." +
                                  std::to_string(r.nsig() - 1));
            leads.push_back(static_cast<std::size_t>(v));
        }
    const auto e = events::encode_record(r, p, leads);
    const auto ann = annotations_of(record, a.get("--annotator").value_or("atr"), r.frames);
    events::write_encoded_hdf5(
        *out, e, ann ? std::span<const events::annotation>(*ann) : std::span<const events::annotation>());

    nlohmann::json j = {{"record", e.record},
                        {"out", *out},
                        {"events", e.events.size()},
                        {"threshold_mv", p.lc.threshold_mv},
                        {"refractory_ms", p.lc.refractory_ms}};
    j["leads"] = nlohmann::json::array();
    for (std::size_t k = 0; k < e.leads.size(); ++k) {
        const auto q =
            events::measure_quality(e, k, events::encoder_input(r, leads.empty() ? k : leads[k], p));
        j["leads"].push_back({{"description", e.leads[k]},
                              {"events_per_s", q.events_per_second},
                              {"rmse_mv", q.rmse_mv},
                              {"snr_db", q.snr_db}});
    }
    if (a.flag("--json")) {
        std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return ok;
    }
    std::cout << "wrote " << *out << ": " << e.events.size() << " events from record " << e.record << "\n";
    for (const auto& l : j["leads"])
        std::cout << "  " << l["description"].get<std::string>() << ": " << l["events_per_s"].get<double>()
                  << " events/s, reconstruction RMSE " << l["rmse_mv"].get<double>() << " mV ("
                  << l["snr_db"].get<double>() << " dB)\n";
    return ok;
}

} // namespace

int ecg_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--help", "--no-filter"},
           {"--out", "--threshold", "--refractory", "--band", "--leads", "--annotator"});
    if (a.flag("--help") || (!a.positional().empty() && a.positional()[0] == "help")) {
        std::cout << ecg_help;
        return ok;
    }
    if (a.positional().size() != 2 || (a.positional()[0] != "info" && a.positional()[0] != "encode"))
        throw usage_error(
            "expected 'ecg info RECORD' or 'ecg encode RECORD --out FILE.h5' (see spikekit ecg --help)");
    return a.positional()[0] == "info" ? info(a) : encode(a);
}

} // namespace spikekit::app
