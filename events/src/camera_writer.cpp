// event_writer and the Prophesee sinks (EVT 2.0 and EVT 3.0).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "spikekit/core/error.hpp"
#include "spikekit/events/writer.hpp"

namespace spikekit::events {
namespace {

// A Prophesee .raw file: the `%` header with the encoding and the geometry, then little-endian words of
// type Word buffered 64 Ki at a time. Derived classes encode events into words with put().
template <class Word>
class raw_sink : public event_sink {
  public:
    raw_sink(const std::string& path, const char* evt, const char* format, std::uint16_t width,
             std::uint16_t height, std::int64_t time_offset_us)
        : path_(path) {
        f_ = std::fopen(path.c_str(), "wb");
        if (!f_) throw runtime_error(path + ": cannot create: " + std::strerror(errno));
        const std::string w = std::to_string(width), h = std::to_string(height);
        const std::string header =
            std::string("% evt ") + evt + "\n% format " + format + ";height=" + h + ";width=" + w +
            "\n% geometry " + w + "x" + h + "\n% integrator_name spikekit\n" +
            (time_offset_us != 0 ? "% time_offset_us " + std::to_string(time_offset_us) + "\n"
                                 : std::string()) +
            "% end\n";
        write_bytes(header.data(), header.size());
        words_.reserve(capacity);
    }
    ~raw_sink() override {
        if (f_) std::fclose(f_);
    }

    void close() override {
        flush();
        const bool bad = std::fclose(f_) != 0;
        f_ = nullptr;
        if (bad) throw runtime_error(path_ + ": write failed: " + std::strerror(errno));
    }

  protected:
    void put(Word w) {
        words_.push_back(w);
        if (words_.size() >= capacity) flush();
    }

  private:
    static constexpr std::size_t capacity = std::size_t{1} << 16;
    void flush() {
        if (!words_.empty()) write_bytes(words_.data(), words_.size() * sizeof(Word)); // little-endian host
        words_.clear();
    }
    void write_bytes(const void* p, std::size_t n) {
        if (std::fwrite(p, 1, n, f_) != n)
            throw runtime_error(path_ + ": write failed: " + std::strerror(errno));
    }

    std::string path_;
    std::FILE* f_ = nullptr;
    std::vector<Word> words_;
};

// EVT 2.0: a TIME_HIGH word whenever bits 33..6 of the time change and one CD word per event.
class evt2_sink final : public raw_sink<std::uint32_t> {
  public:
    evt2_sink(const std::string& path, std::uint16_t width, std::uint16_t height, std::int64_t time_offset_us)
        : raw_sink(path, "2.0", "EVT2", width, height, time_offset_us) {}

    void write(std::span<const dvs_event> events) override {
        for (const auto& e : events) {
            const auto high = static_cast<std::uint64_t>(e.t_us) >> 6;
            if (high != time_high_ || first_) {
                put(0x80000000u | static_cast<std::uint32_t>(high & 0x0FFFFFFF));
                time_high_ = high;
                first_ = false;
            }
            put((std::uint32_t{e.p ? 1u : 0u} << 28) | static_cast<std::uint32_t>((e.t_us & 0x3F) << 22) |
                (std::uint32_t{e.x} << 11) | e.y);
        }
    }

  private:
    std::uint64_t time_high_ = 0;
    bool first_ = true;
};

// EVT 3.0: TIME_HIGH (time bits 23..12) when it changes, then TIME_LOW (bits 11..0) since a new TIME_HIGH
// resets it in readers; TIME_LOW alone when only the low bits change; ADDR_Y when the row changes; one
// ADDR_X with the polarity per event. Readers count 24-bit wraps (every 16.777216 s) from a drop of the
// high part, which works only for steps under 2048 units: larger jumps, including the one from time 0 that
// readers start at, are bridged by intermediate TIME_HIGH words 2047 units apart.
class evt3_sink final : public raw_sink<std::uint16_t> {
  public:
    evt3_sink(const std::string& path, std::uint16_t width, std::uint16_t height, std::int64_t time_offset_us)
        : raw_sink(path, "3.0", "EVT3", width, height, time_offset_us) {}

    void write(std::span<const dvs_event> events) override {
        for (const auto& e : events) {
            set_time(static_cast<std::uint64_t>(e.t_us));
            if (e.y != y_ || first_) {
                put(static_cast<std::uint16_t>(e.y)); // ADDR_Y, type 0x0
                y_ = e.y;
                first_ = false;
            }
            put(static_cast<std::uint16_t>(0x2000u | (e.p ? 1u << 11 : 0u) | e.x));
        }
    }

  private:
    void set_time(std::uint64_t t) {
        const std::uint64_t high = t >> 12, low = t & 0xFFF;
        if (high != high_ || first_) {
            while (high - high_ > 2047) {
                high_ += 2047;
                put(static_cast<std::uint16_t>(0x8000u | (high_ & 0xFFF)));
            }
            high_ = high;
            put(static_cast<std::uint16_t>(0x8000u | (high & 0xFFF)));
            put(static_cast<std::uint16_t>(0x6000u | low));
        } else if (low != low_) {
            put(static_cast<std::uint16_t>(0x6000u | low));
        }
        low_ = low;
    }

    std::uint64_t high_ = 0, low_ = 0; // readers start at time 0
    std::uint16_t y_ = 0;
    bool first_ = true;
};

} // namespace

std::unique_ptr<event_sink> make_evt2_sink(const std::string& path, std::uint16_t width, std::uint16_t height,
                                           std::int64_t time_offset_us) {
    return std::make_unique<evt2_sink>(path, width, height, time_offset_us);
}

std::unique_ptr<event_sink> make_evt3_sink(const std::string& path, std::uint16_t width, std::uint16_t height,
                                           std::int64_t time_offset_us) {
    return std::make_unique<evt3_sink>(path, width, height, time_offset_us);
}

event_writer::event_writer(const std::string& path, format fmt, std::uint16_t width, std::uint16_t height,
                           const std::string& source_format, std::int64_t time_offset_us)
    : path_(path), width_(width), height_(height) {
    if (fmt == format::evt2 || fmt == format::evt3) {
        if (width > 2048 || height > 2048)
            throw input_error(path, "", "EVT 2.0 and 3.0 addresses hold at most 2048x2048 pixels");
        sink_ = fmt == format::evt2 ? make_evt2_sink(path, width, height, time_offset_us)
                                    : make_evt3_sink(path, width, height, time_offset_us);
        max_t_ = (std::int64_t{1} << 34) - 1;
    } else if (fmt == format::hdf5) {
        sink_ = make_hdf5_sink(path, width, height, source_format);
    } else {
        throw input_error(
            path, "", "cannot write " + std::string(format_name(fmt)) + " files (evt2, evt3 and hdf5 only)");
    }
}

event_writer::~event_writer() {
    try {
        close();
    } catch (...) { // a destructor must not throw; call close() to see the error
    }
}

void event_writer::write(std::span<const dvs_event> events) {
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        const bool inside = e.x < width_ && e.y < height_;
        const bool in_time = e.t_us >= last_t_ && e.t_us >= 0 && e.t_us <= max_t_;
        if (!inside || !in_time) [[unlikely]]
            reject(e, count_ + i);
        last_t_ = e.t_us;
    }
    sink_->write(events);
    count_ += events.size();
}

void event_writer::reject(const dvs_event& e, std::uint64_t index) const {
    const std::string where = "event " + std::to_string(index), t = std::to_string(e.t_us);
    if (e.x >= width_ || e.y >= height_)
        throw input_error(path_, where,
                          "(" + std::to_string(e.x) + ", " + std::to_string(e.y) + ") is outside the " +
                              std::to_string(width_) + "x" + std::to_string(height_) + " sensor");
    if (e.t_us < last_t_ || e.t_us < 0)
        throw input_error(path_, where, "time " + t + " us is negative or before the previous event");
    throw input_error(
        path_, where,
        "time " + t +
            " us does not fit the 34-bit timestamps written to EVT 2.0/3.0 files (4.8 h from the "
            "first event: cut the recording with --from/--to)");
}

void event_writer::close() {
    if (!sink_) return;
    auto s = std::move(sink_);
    s->close();
}

} // namespace spikekit::events
