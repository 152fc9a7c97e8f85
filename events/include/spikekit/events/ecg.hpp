#pragma once
// ECG signals into spikes: band-pass filtering, level-crossing (delta) encoding with up/down channels as an
// event-driven ADC would produce them, reconstruction and its error, HDF5 output, per-neuron spike trains,
// beat segmentation around annotations and an R-peak detector for unannotated signals.
//
// Encoded HDF5 layout (write_encoded_hdf5; one file per record):
//   /ecg                  attributes: record (string), leads (string, lead names joined by '\n'), fs_hz,
//                         samples (per lead), duration_us, threshold_mv, refractory_ms, band_low_hz,
//                         band_high_hz (0 = that side of the filter off)
//   /ecg/initial_mv       float32 [leads]  reference level of each lead at t = 0 (reconstruction start)
//   /ecg/events/t_us      int64   [n]      event times in microseconds, non-decreasing
//   /ecg/events/lead      uint32  [n]      index into the leads
//   /ecg/events/up        uint8   [n]      1 = signal rose by one threshold, 0 = fell by one threshold
//   /ecg/annotations/sample int64 [m], /ecg/annotations/code uint8 [m]   (when annotations were given)
//   /spikes/ecg/timestamps float64 [n] ms, /spikes/ecg/node_ids uint64 [n]: the same events in the SONATA
//                         spike layout of core/output.hpp, neuron = 2 * lead + (up ? 0 : 1)
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "spikekit/core/params.hpp"
#include "spikekit/events/event.hpp"
#include "spikekit/events/wfdb.hpp"

namespace spikekit::events {

// ---- filtering ------------------------------------------------------------------------------------------

struct band_pass_params {
    double low_hz = 0.5;   // high-pass corner (removes baseline wander); 0 = no high-pass
    double high_hz = 40.0; // low-pass corner (removes mains and muscle noise); 0 = no low-pass
};

// Causal band-pass: a 2nd-order Butterworth high-pass followed by a 2nd-order Butterworth low-pass (bilinear
// transform), as an analogue front end or an MCU would filter before encoding. Streaming: state carries over
// from one call to the next. The first sample initialises the state as if the input had always had that
// value, so a record starting away from 0 mV does not ring.
class band_pass_filter {
  public:
    band_pass_filter(double fs_hz,
                     band_pass_params p); // input_error for corners outside (0, fs/2), low >= high
    float process(float x);
    void process(std::span<sample> inout);

  private:
    struct biquad {
        double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0, s1 = 0, s2 = 0;
        bool on = false;
        void reset(double x);
        double step(double x);
    };
    biquad hp_, lp_;
    bool started_ = false;
};

// ---- level-crossing encoding ----------------------------------------------------------------------------

// One event of a level-crossing encoder. 16 bytes.
struct level_event {
    std::int64_t t_us;
    std::uint16_t lead;
    std::uint8_t up; // 1 = up channel, 0 = down channel
    std::uint8_t pad[5] = {0, 0, 0, 0, 0};
};
static_assert(sizeof(level_event) == 16);

struct level_crossing_params {
    double threshold_mv = 0.05; // level spacing (delta); > 0
    double refractory_ms = 0.0; // after an event the encoder is blind this long (>= 0)
};

// Level-crossing / delta-modulation encoder for one lead. It tracks a reference level that starts at the
// first sample; whenever the input is at least one threshold above (below) the reference, it emits an up
// (down) event and moves the reference by one threshold. Without refractory time every level crossed within
// one sample gives an event (same time stamp); with it, at most one event per refractory period, so fast
// edges are tracked with a lag, as in a real event-driven ADC (slope overload).
class level_crossing_encoder {
  public:
    level_crossing_encoder(level_crossing_params p, std::uint16_t lead); // input_error for bad parameters
    void process(std::span<const sample> in, std::vector<level_event>& out);
    bool started() const { return started_; }
    double initial_level() const { return initial_; }
    double level() const { return ref_; }

  private:
    level_crossing_params p_;
    std::int64_t refractory_us_;
    std::uint16_t lead_;
    bool started_ = false;
    double ref_ = 0, initial_ = 0;
    std::int64_t last_t_ = 0;
    bool any_event_ = false;
};

struct encoding_params {
    level_crossing_params lc;
    band_pass_params band;
    bool filter = true; // band-pass before encoding
};

struct encoded_ecg {
    std::string record;
    double fs_hz = 0;
    std::int64_t samples = 0;     // per lead
    std::int64_t duration_us = 0; // samples / fs
    encoding_params params;
    std::vector<std::string> leads;
    std::vector<float> initial_mv;   // per lead
    std::vector<level_event> events; // ordered by time, then lead
};

// The samples of a signal in mV, t = t0 + n / fs.
std::vector<sample> to_samples(std::span<const float> mv, double fs_hz, std::int64_t t0_us = 0);
// Signal `lead` of the record in mV, band-passed if p.filter: the exact input of the encoder.
std::vector<float> encoder_input(const wfdb_record& r, std::size_t lead, const encoding_params& p);
// Encodes the given leads (all when empty) of a record.
encoded_ecg encode_record(const wfdb_record& r, const encoding_params& p,
                          std::vector<std::size_t> leads = {});

// Zero-order-hold reconstruction of lead index `lead` (into e.leads) on the sample grid: initial level plus
// threshold x (ups - downs) of the events up to each sample time.
std::vector<float> reconstruct(const encoded_ecg& e, std::size_t lead);

struct encoding_quality {
    double events_per_second = 0; // of this lead
    double rmse_mv = 0;           // reconstruction vs the encoder input
    double input_rms_mv = 0;      // RMS of the encoder input (around its mean)
    double snr_db = 0;            // 20 log10(input_rms / rmse)
};
encoding_quality measure_quality(const encoded_ecg& e, std::size_t lead, std::span<const float> input);

// Spike trains for a population of 2 neurons per lead (2 * lead = up, 2 * lead + 1 = down): for each neuron
// the times in ms, relative to t_from_us, of its events with t_from_us <= t < t_to_us.
std::vector<std::vector<double>> to_spike_trains(const encoded_ecg& e, std::int64_t t_from_us,
                                                 std::int64_t t_to_us);

// HDF5 output (layout above), written to a temporary and renamed into place. `ann` may be empty.
void write_encoded_hdf5(const std::string& path, const encoded_ecg& e, std::span<const annotation> ann = {});
// Reads a file written by write_encoded_hdf5 (input_error naming the file and dataset when malformed).
encoded_ecg read_encoded_hdf5(const std::string& path);

// ---- replay into a simulation --------------------------------------------------------------------------

// Options of an ECG replay (config: "replay": {"kind": "ecg", "file": ..., <option>: number}), as data.
std::span<const param_info> ecg_replay_params();

// Spike times (ms, one list per neuron, 2 neurons per lead: up then down) for a spike_source population of
// `size` neurons replaying `file`: an encoded .h5 (write_encoded_hdf5) or a WFDB record (.hea, .dat or base
// name), which is then band-passed and encoded with the options. The window [from_ms, to_ms) of the recording
// is replayed from simulated time 0, one recording millisecond per simulated millisecond. input_error (naming
// the file or `where`.option) for unknown or out-of-range options or a population size that does not match.
std::vector<std::vector<double>> ecg_replay_spike_times(const std::string& file, const param_map& options,
                                                        std::size_t size,
                                                        const std::string& where = "replay");

// ---- beats ----------------------------------------------------------------------------------------------

struct window_params {
    double before_ms = 250; // window start before the R peak
    double after_ms = 450;  // window end after it
};

// A labelled spike-train window around one beat, ready for a classifier.
struct beat_window {
    std::int64_t sample = 0; // R peak (annotation or detection), in samples
    std::uint8_t code = 0;   // annotation code; 0 for detected beats
    aami_class label = aami_class::none;
    std::vector<std::vector<double>>
        spikes; // to_spike_trains of [peak - before, peak + after), ms from its start
};

// One window per annotated beat whose window lies inside the record (beats near the ends are skipped).
std::vector<beat_window> segment_beats(const encoded_ecg& e, std::span<const annotation> ann,
                                       window_params p = {});
// One unlabelled window per detected R peak.
std::vector<beat_window> segment_peaks(const encoded_ecg& e, std::span<const std::int64_t> peaks,
                                       window_params p = {});

// The de Chazal et al. (2004) inter-patient split of the MIT-BIH Arrhythmia Database used to train (DS1) and
// test (DS2) beat classifiers; the paced records 102, 104, 107 and 217 are in neither. Record names.
std::span<const char* const> mitdb_ds1();
std::span<const char* const> mitdb_ds2();

// Pan-Tompkins QRS detector (Pan & Tompkins 1985): 5-15 Hz band-pass, derivative, squaring, 150 ms moving
// integration, adaptive signal/noise thresholds with a 200 ms refractory period and search-back for missed
// beats; each QRS is then located at the largest |band-passed| sample. Returns R-peak sample indices.
std::vector<std::int64_t> detect_r_peaks(std::span<const float> mv, double fs_hz);

} // namespace spikekit::events
