#pragma once
// The ECG monitor's data side: MIT-BIH record lists, the training/test splits, and the features of one beat
// as spike counts (what the spiking network receives).
//
// A beat's input is what a wearable sends: the band-passed lead (MLII when the record has it) encoded by the
// level-crossing encoder of events/ecg.hpp, cut by the beat segmenter (events::segment_peaks) into a window
// around the R peak and binned (up and down events per 20 ms bin). What the network receives is how this
// beat differs from the patient's usual beat: the record's running template (exponential average of the
// binned counts of the beats before, weight `adapt`) is subtracted, and the positive and negative parts of
// the difference are two input neurons per bin. Eight rhythm inputs follow: the RR interval before and
// after the beat and the local average RR (mean of the 10 RR intervals before) in units of `rr_unit_ms`,
// and the ratios pre/local, post/local, pre/post, pre/long-term and local/long-term (long-term: exponential
// average of the RR intervals with weight `adapt`) in units of 1/`ratio_unit`. Every input is a spike count
// clamped to the network's `steps` (a neuron fires at most once per step).
// Why relative to the patient: inter-patient, absolute morphology is what differs most between patients;
// normalising to the patient's own beats (and RR to the patient's own rhythm, de Chazal et al. 2004, IEEE
// TBME 51(7)) raised DS2 accuracy from 86 % to 94 % and S sensitivity from 21 % to 73 % (README figures).
// A beat close to its template sends almost no morphology spikes, which also keeps the energy low.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spikekit/events/ecg.hpp"

namespace spikekit::app::ecg {

// The AAMI classes the classifier tells apart: N S V F Q (5) or N S V F (4; Q beats are left out).
struct class_set {
    int count = 5;
    // Index of an AAMI class, or -1 when the beat is not used.
    int index_of(events::aami_class c) const;
    static const char* name(int index);
};

struct feature_config {
    double threshold_mv = 0.05; // level-crossing threshold
    double band_low_hz = 0.5, band_high_hz = 40.0;
    double before_ms = 240, after_ms = 400, bin_ms = 20; // window around the R peak and its bins
    int steps = 32;                                      // network steps per beat: the largest count
    double rr_unit_ms = 50;                              // one spike per 50 ms of RR interval
    double ratio_unit = 16;                              // one spike per 1/16 of an RR ratio
    double adapt = 0.01;                                 // weight of a new beat in the template and long RR
    int bins() const;
    int inputs() const { return 4 * bins() + 8; }
    events::encoding_params encoding() const;
    nlohmann::json to_json() const;
    static feature_config from_json(const nlohmann::json& j, const std::string& file);
};

struct beat {
    std::int64_t sample = 0; // R peak
    int label = -1;          // class index (class_set), -1 for unlabelled or unused
    std::uint8_t code = 0;   // annotation code, 0 for a detected beat
    std::uint32_t record = 0;
    std::vector<std::uint8_t> counts; // feature_config::inputs() spike counts
};

// A record's lead in the encoded form the classifier uses.
struct record_data {
    std::string name, path;
    std::size_t lead = 0;
    events::wfdb_record wfdb;
    events::encoded_ecg encoded;
    std::vector<events::annotation> annotations; // empty when the record has no .atr
};

// Record paths for LIST: comma-separated record paths or names, or ds1, ds2, all (resolved in `data_dir`).
std::vector<std::string> resolve_records(const std::string& list, const std::string& data_dir);
// The record's name ("101" from ".../101.hea").
std::string record_name(const std::string& path);
record_data load_record(const std::string& path, const feature_config& f);

// RR features and windows of the beats at `peaks` (sorted samples). `labels`/`codes` may be empty.
std::vector<beat> beat_features(const record_data& r, const feature_config& f,
                                const std::vector<std::int64_t>& peaks, const std::vector<int>& labels = {},
                                const std::vector<std::uint8_t>& codes = {});
// Features of every annotated beat of the classes in `cs`.
std::vector<beat> annotated_beats(const record_data& r, const feature_config& f, const class_set& cs);

// The seeded 80/20 intra-patient split: indices into `n` beats, disjoint, train first.
void intra_split(std::size_t n, std::uint64_t seed, double test_fraction, std::vector<std::size_t>& train,
                 std::vector<std::size_t>& test);

// Input values of the ANN for one beat: count / steps, in [0, 1] (the rate of its input neuron).
std::vector<float> ann_input(const beat& b, const feature_config& f);
// Spike steps (1-based) of an input neuron that fires `count` times, evenly over `steps` steps.
std::vector<double> spread_spikes(int count, int steps);

} // namespace spikekit::app::ecg
