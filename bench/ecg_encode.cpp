// ECG benchmark: WFDB decoding speed, band-pass + level-crossing encoding speed, and the encoding trade-off
// (events per second of ECG vs reconstruction error) over the MIT-BIH records, first lead (MLII in 45 of 48).
//
//   bench_ecg_encode [MITDB_DIR] [RECORDS]     (default ../shared/data/mitdb, all 48 records)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "spikekit/events/ecg.hpp"
#include "spikekit/events/wfdb.hpp"

using namespace spikekit::events;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

struct row {
    double threshold_mv, refractory_ms;
    bool filter;
};

} // namespace

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : SPIKEKIT_SHARED_DIR "/data/mitdb";
    const std::size_t max_records = argc > 2 ? std::stoul(argv[2]) : 48;
    std::vector<std::string> names;
    if (std::filesystem::is_directory(dir))
        for (const auto& e : std::filesystem::directory_iterator(dir))
            if (e.path().extension() == ".hea") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    if (names.size() > max_records) names.resize(max_records);
    if (names.empty()) {
        std::fprintf(stderr, "no WFDB records in %s\n", dir.c_str());
        return 1;
    }

    // Decoding: read header + .dat + checksum verification, from the page cache after a warm-up read.
    std::vector<wfdb_record> records;
    (void)read_wfdb_record(dir + "/" + names[0]);
    auto t0 = clock_type::now();
    std::size_t samples = 0;
    for (const auto& n : names) {
        records.push_back(read_wfdb_record(dir + "/" + n));
        samples += records.back().adu.size();
    }
    double s = seconds_since(t0);
    std::printf(
        "WFDB read (format 212, file read + decode + checksums): %zu records, %.1f M samples/s, %.0f MB/s\n",
        names.size(), static_cast<double>(samples) / s * 1e-6, static_cast<double>(samples) * 1.5 / s * 1e-6);

    const row rows[] = {{0.02, 0, true}, {0.05, 0, true}, {0.1, 0, true},  {0.2, 0, true},
                        {0.05, 2, true}, {0.05, 5, true}, {0.05, 0, false}};
    std::printf("\nlevel crossing, lead 0 of each record (mean over records):\n");
    std::printf("%10s %10s %7s %12s %10s %9s %16s\n", "thr (mV)", "refr (ms)", "filter", "events/s",
                "RMSE (mV)", "SNR (dB)", "encode M smp/s");
    for (const auto& r : rows) {
        encoding_params p;
        p.lc = {r.threshold_mv, r.refractory_ms};
        p.filter = r.filter;
        double rate = 0, rmse = 0, snr = 0, encode_s = 0;
        std::size_t encoded = 0;
        for (const auto& rec : records) {
            t0 = clock_type::now();
            const auto e = encode_record(rec, p, {0});
            encode_s += seconds_since(t0);
            encoded += rec.frames;
            const auto q = measure_quality(e, 0, encoder_input(rec, 0, p));
            rate += q.events_per_second;
            rmse += q.rmse_mv;
            snr += q.snr_db;
        }
        const auto n = static_cast<double>(records.size());
        std::printf("%10.2f %10.1f %7s %12.1f %10.4f %9.2f %16.1f\n", r.threshold_mv, r.refractory_ms,
                    r.filter ? "0.5-40" : "none", rate / n, rmse / n, snr / n,
                    static_cast<double>(encoded) / encode_s * 1e-6);
    }

    // R-peak detection (Pan-Tompkins) on lead 0: speed, and sensitivity / positive predictivity against the
    // reference beats of the .atr files (a detection within 150 ms of a beat matches it, one-to-one).
    std::size_t ref_beats = 0, detected = 0, matched = 0, frames = 0;
    double detect_s = 0;
    for (std::size_t k = 0; k < records.size(); ++k) {
        const auto x = records[k].physical(0);
        t0 = clock_type::now();
        const auto peaks = detect_r_peaks(x, records[k].header.fs_hz);
        detect_s += seconds_since(t0);
        frames += records[k].frames;
        std::vector<std::int64_t> ref;
        for (const auto& a : read_annotations(dir + "/" + names[k] + ".atr"))
            if (is_beat(a.code)) ref.push_back(a.sample);
        const auto tol = static_cast<std::int64_t>(0.150 * records[k].header.fs_hz);
        std::size_t j = 0;
        for (auto r : ref) {
            while (j < peaks.size() && peaks[j] < r - tol) ++j;
            if (j < peaks.size() && peaks[j] <= r + tol) {
                ++matched;
                ++j;
            }
        }
        ref_beats += ref.size();
        detected += peaks.size();
    }
    std::printf("\nPan-Tompkins R-peak detection, lead 0, %zu records: Se %.2f%%, +P %.2f%% (%zu beats, %zu "
                "detections), "
                "%.1f M samples/s\n",
                records.size(), 100.0 * static_cast<double>(matched) / static_cast<double>(ref_beats),
                100.0 * static_cast<double>(matched) / static_cast<double>(detected), ref_beats, detected,
                static_cast<double>(frames) / detect_s * 1e-6);
    return 0;
}
