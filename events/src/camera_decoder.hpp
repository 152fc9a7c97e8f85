#pragma once
// Private plumbing of the event readers: the buffered byte source and the decoder plugin interface.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "spikekit/core/error.hpp"
#include "spikekit/events/reader.hpp"

namespace spikekit::events {

// The file's bytes through one buffer: the decoder sees [data(), data() + size()) which starts at byte
// offset() of the file. fill(n) makes at least n bytes visible (fewer only at the end of the file), growing
// the buffer only when n exceeds it, which only the per-packet formats ask for.
class byte_source {
  public:
    explicit byte_source(const std::string& path, std::size_t chunk = std::size_t{1} << 20);
    ~byte_source();
    byte_source(const byte_source&) = delete;
    byte_source& operator=(const byte_source&) = delete;

    std::size_t fill(std::size_t n);
    const std::uint8_t* data() const { return buf_.data() + first_; }
    std::size_t size() const { return last_ - first_; }
    std::uint64_t offset() const { return offset_; }
    void consume(std::size_t n) {
        first_ += n;
        offset_ += n;
    }
    bool at_end() const { return eof_ && first_ == last_; }
    bool eof() const { return eof_; }
    std::uint64_t file_size() const { return file_size_; }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    int fd_ = -1;
    std::vector<std::uint8_t> buf_;
    std::size_t first_ = 0, last_ = 0;
    std::uint64_t offset_ = 0, file_size_ = 0;
    bool eof_ = false;
};

// Where a record starts, for error messages: "byte 1234".
inline std::string at_byte(std::uint64_t offset) {
    return "byte " + std::to_string(offset);
}

[[noreturn]] inline void bad_data(const std::string& path, std::uint64_t offset, const std::string& problem) {
    throw input_error(path, at_byte(offset), problem);
}

// Checks every decoded event against the sensor and the time order.
struct event_check {
    std::uint32_t width = 0, height = 0; // the sensor, or the format's address range when unknown
    std::int64_t last_t = INT64_MIN;
    bool allow_time_jumps = false;

    bool ok(const dvs_event& e) const {
        return e.x < width && e.y < height && (allow_time_jumps || e.t_us >= last_t);
    }
    // Names the problem of an event that failed ok().
    [[noreturn]] void fail(const std::string& path, std::uint64_t offset, const dvs_event& e) const;
    void require(const std::string& path, std::uint64_t offset, const dvs_event& e) {
        if (!ok(e)) fail(path, offset, e);
        last_t = e.t_us;
    }
};

// The outcome of one decoding step.
struct decode_step {
    std::size_t consumed = 0; // bytes of the source used
    std::size_t produced = 0; // events written
    std::size_t need = 0;     // when nothing could be done: bytes the source must hold to make progress
    bool end = false;         // the stream is over (formats that end before the end of the file)
};

// A format plugin. decode() works on the bytes the source holds, never past them; it must make progress
// when `out` has at least min_out() slots and the source holds need() bytes, and report a truncated record
// at the end of the file as an input_error.
class decoder {
  public:
    virtual ~decoder() = default;
    virtual decode_step decode(const byte_source& src, std::span<dvs_event> out) = 0;
    virtual std::size_t min_out() const { return 1; }
    // Fraction of the recording decoded so far, for progress bars.
    virtual double progress(const byte_source& src) const {
        return src.file_size() ? static_cast<double>(src.offset()) / static_cast<double>(src.file_size())
                               : 1.0;
    }
};

// Little- and big-endian loads from unaligned bytes.
template <class T>
inline T load_le(const std::uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline std::uint32_t load_be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Decoders of formats made of fixed-size records, one event or none per record. Derived provides
// `bool record(const std::uint8_t* p, std::uint64_t offset, dvs_event& e)` (false: not an event).
template <class Derived>
class record_decoder : public decoder {
  public:
    record_decoder(std::string path, std::size_t record_size, const char* what)
        : path_(std::move(path)), rec_(record_size), what_(what) {}

    decode_step decode(const byte_source& src, std::span<dvs_event> out) override {
        const std::size_t records = std::min(src.size() / rec_, out.size());
        if (records == 0) {
            if (src.eof() && src.size() > 0 && src.size() < rec_)
                bad_data(path_, src.offset(),
                         "truncated " + std::string(what_) + ": " + std::to_string(src.size()) +
                             " bytes left of a " + std::to_string(rec_) + "-byte record");
            return {0, 0, rec_};
        }
        auto& self = static_cast<Derived&>(*this);
        std::size_t n = 0;
        for (std::size_t i = 0; i < records; ++i)
            n += self.record(src.data() + i * rec_, src.offset() + i * rec_, out[n]);
        return {records * rec_, n, 0};
    }

  protected:
    std::string path_;
    std::size_t rec_;
    const char* what_;
};

// 32-bit timestamps that wrap: a drop of more than half the range is a wrap, anything else is kept as is
// (and a real step back is then reported by event_check).
struct unwrap32 {
    std::int64_t base = 0;
    std::uint32_t prev = 0;
    std::int64_t operator()(std::uint32_t t) {
        if (t < prev && prev - t > 0x80000000u) base += std::int64_t{1} << 32;
        prev = t;
        return base + t;
    }
};

// Header of `%`-line (Prophesee) or `#`-line (AEDAT) files: the lines, without marker and line end. Reads
// lines while the next byte is `marker`; stops after a line equal to `end_line` when given.
std::vector<std::string> read_text_header(byte_source& src, char marker, const std::string& end_line = "");

// Plugins. `info` is filled from the header; the source is left at the first data byte. Each plugin checks
// its events with an event_check built from the sensor size it found.
std::unique_ptr<decoder> make_nmnist_decoder(byte_source& src, stream_info& info, bool allow_time_jumps);
std::unique_ptr<decoder> make_evt2_decoder(byte_source& src, stream_info& info, bool allow_time_jumps);
std::unique_ptr<decoder> make_evt3_decoder(byte_source& src, stream_info& info, bool allow_time_jumps);
std::unique_ptr<decoder> make_dat_decoder(byte_source& src, stream_info& info, bool allow_time_jumps);
std::unique_ptr<decoder> make_aedat2_decoder(byte_source& src, stream_info& info, bool allow_time_jumps);
std::unique_ptr<decoder> make_aedat31_decoder(byte_source& src, stream_info& info, bool allow_time_jumps);
std::unique_ptr<decoder> make_aedat4_decoder(byte_source& src, stream_info& info, bool allow_time_jumps);
std::unique_ptr<decoder> make_hdf5_decoder(const std::string& path, stream_info& info, bool allow_time_jumps);

// Sensor size from Prophesee header lines (`% geometry WxH`, `% format EVT3;height=H;width=W`, `% Height`,
// `% Width`, or a known plugin name); false when none says.
bool prophesee_geometry(const std::vector<std::string>& header, stream_info& info);

} // namespace spikekit::events
