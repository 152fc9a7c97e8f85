#pragma once
// PhysioNet WFDB records: header (.hea), signal files (.dat) and MIT-format annotation files (.atr).
//
// What is read (see PhysioNet's header(5), signal(5) and annot(5) pages; facts in
// shared/data/mitdb/README.md):
//  * .hea: single-segment records. The record line `name nsig [fs[/counter_fs[(base_counter)]] [nsamp
//    [base_time [base_date]]]]`, one line per signal `file fmt[xspf][:skew][+offset]
//    [gain[(baseline)][/units] [adc_res [adc_zero [init [checksum [block_size [description]]]]]]]`, and every
//    `#` comment line.
//  * .dat: formats 8, 16, 24, 32, 61, 80, 160, 212, 310, 311 (1 sample per frame, no skew). Samples are ADC
//    units; physical value = (adu - baseline) / gain. The 16-bit checksum and the first sample given by the
//    header are verified.
//  * .atr: MIT format, including SKIP, NUM, SUB, CHN and AUX. NUM and CHN persist from one annotation to the
//    next, as in WFDB's getann(); SUB applies to one annotation only.
// Every malformed input is an input_error naming the file and the line (text) or the byte offset (binary).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace spikekit::events {

struct wfdb_signal_spec {
    std::string file;             // signal file name, relative to the header's directory
    int format = 0;               // 212, 16, ...
    std::int64_t byte_offset = 0; // bytes to skip at the start of the signal file ("+offset")
    double gain = 200.0;          // ADC units per physical unit (0 in the file means uncalibrated -> 200)
    bool gain_given = false;
    std::int32_t baseline = 0; // ADC value of 0 physical units (defaults to adc_zero)
    std::string units = "mV";
    int adc_resolution = 0; // bits
    std::int32_t adc_zero = 0;
    std::int32_t initial_value = 0; // first sample (defaults to adc_zero)
    bool has_initial_value = false;
    std::int32_t checksum = 0; // 16-bit sum of all samples, as a signed 16-bit number
    bool has_checksum = false;
    int block_size = 0;
    std::string description;
};

struct wfdb_header {
    std::string record;
    double fs_hz = 250.0;
    double counter_fs_hz = 0.0; // 0 when absent
    double base_counter = 0.0;
    std::int64_t samples = 0; // samples per signal; 0 when the header does not say
    std::string base_time, base_date;
    std::vector<wfdb_signal_spec> signals;
    std::vector<std::string> comments; // text of the `#` lines, without the leading '#'
};

// Parses the text of a .hea file; `file` names it in errors.
wfdb_header parse_wfdb_header(std::string_view text, const std::string& file);
wfdb_header read_wfdb_header(const std::string& path);

// Decodes `frames` frames of `nsig` interleaved signals stored in `format` from `data` into
// out[frame * out_stride + signal]. `file` names the data in errors (too short, unsupported format);
// `initial` holds the header's initial values (needed by the difference format 8, may be empty otherwise).
void decode_wfdb_samples(int format, std::span<const std::uint8_t> data, std::size_t nsig, std::size_t frames,
                         std::int32_t* out, std::size_t out_stride, std::span<const std::int32_t> initial,
                         const std::string& file);
// Bytes needed for `samples` samples (all signals of a file together) in `format`; 0 if unsupported.
std::size_t wfdb_bytes_for(int format, std::size_t samples);
bool wfdb_format_supported(int format);

// A whole record in memory, samples as ADC units, frame-major.
struct wfdb_record {
    wfdb_header header;
    std::string header_path;
    std::size_t first_frame = 0; // of the record, for a window (read_wfdb_window); 0 otherwise
    std::size_t frames = 0;
    std::vector<std::int32_t> adu; // adu[frame * nsig + signal]

    std::size_t nsig() const { return header.signals.size(); }
    std::int32_t at(std::size_t frame, std::size_t signal) const { return adu[frame * nsig() + signal]; }
    // One signal in physical units (mV for ECG).
    std::vector<float> physical(std::size_t signal) const;
};

// The record's path without extension ("dir/100") from "dir/100", "dir/100.hea" or "dir/100.dat".
std::string wfdb_record_base(const std::string& path);
// Reads header and signals of RECORD (any form accepted by wfdb_record_base). With `verify`, the checksum and
// initial value of each signal are compared with the header (input_error on mismatch).
wfdb_record read_wfdb_record(const std::string& record, bool verify = true);
// Frames [first_frame, first_frame + frames) of RECORD, reading only those bytes of the signal files (as
// wfdb-python's sampfrom/sampto), so a window of a long Holter record costs only its own size. `frames` is
// clamped to the end of the record. Checksums cover whole signals and are not verified; format 8
// (differences) can only be read from frame 0.
wfdb_record read_wfdb_window(const std::string& record, std::size_t first_frame, std::size_t frames);
// 16-bit checksum of one signal, as WFDB computes it (sum modulo 2^16, as signed).
std::int32_t wfdb_checksum(const wfdb_record& r, std::size_t signal);

// ---- annotations ----------------------------------------------------------------------------------------

// Standard annotation codes used below (annot(5)).
enum : std::uint8_t { ann_notqrs = 0, ann_normal = 1, ann_rhythm = 28, ann_max_code = 49 };

struct annotation {
    std::int64_t sample = 0; // time in samples from the start of the record
    std::uint8_t code = 0;   // 1..49 (N = 1, V = 5, '+' = 28, ...)
    std::int8_t subtype = 0;
    std::uint8_t chan = 0;
    std::int8_t num = 0;
    std::string aux; // rhythm strings such as "(AFIB", empty when absent
};

// With `record_samples` > 0 (the record's length), an annotation at or past the end of the record (a SKIP
// that jumps beyond it) is refused with its byte offset and sample.
std::vector<annotation> parse_mit_annotations(std::span<const std::uint8_t> bytes, const std::string& file,
                                              std::int64_t record_samples = 0);
std::vector<annotation> read_annotations(const std::string& path, std::int64_t record_samples = 0);

// Mnemonic of a code ("N", "V", "+", "/"...); "?" for codes without one.
const char* annotation_symbol(std::uint8_t code);
// True for the codes that label a QRS complex (N L R B A a J S V r F e j n E / f Q ?).
bool is_beat(std::uint8_t code);

// AAMI EC57 classes of heartbeats: N (normal, bundle branch block, escape), S (supraventricular ectopic),
// V (ventricular ectopic), F (fusion), Q (paced, fusion of paced, unclassifiable); none for non-beats and
// the beat codes AAMI leaves out (B, r, n, ?).
enum class aami_class : std::uint8_t { N, S, V, F, Q, none };
aami_class aami_of(std::uint8_t code);
const char* aami_name(aami_class c);

} // namespace spikekit::events
