#pragma once
// Reading event-camera files of any size in bounded memory.
//
//   event_reader r("rec.raw");                       // format from header / extension
//   std::vector<dvs_event> buf(1 << 16);
//   while (std::size_t n = r.read(buf)) process(buf.data(), buf.data() + n);
//
// Each format is a decoder plugin behind this one interface (src/camera_decoder.hpp). The reader holds one
// buffer of file bytes (1 MiB, larger only while an AEDAT 4 packet needs it) and the decoder's state, so
// memory does not grow with the file. Every event is checked as it is decoded: coordinates inside the
// sensor, time not decreasing; bad data throws spikekit::input_error naming the file, the byte offset and
// the problem.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "spikekit/events/event.hpp"
#include "spikekit/events/formats.hpp"

namespace spikekit::events {

// What the header says about the recording.
struct stream_info {
    format fmt = format::nmnist;
    std::uint16_t width = 0;  // sensor size in pixels from the header (or the camera it names); 0 when the
    std::uint16_t height = 0; // file does not say (events are then checked against the format's range)
    std::string camera;       // plugin / chip / source name when the header gives one
    // Added to every decoded time: the `% time_offset_us N` of an EVT file whose times spikekit rebased to
    // its first event (event_writer), so reading gives back the recording's absolute times.
    std::int64_t time_offset_us = 0;
};

struct reader_options {
    std::optional<format> fmt;     // force a format instead of detecting it
    bool allow_time_jumps = false; // accept decreasing timestamps instead of throwing
};

class decoder;
class byte_source;

class event_reader {
  public:
    explicit event_reader(const std::string& path, reader_options opt = {});
    ~event_reader();
    event_reader(event_reader&&) noexcept;
    event_reader& operator=(event_reader&&) noexcept;

    const stream_info& info() const { return info_; }
    const std::string& path() const { return path_; }

    // Decode up to out.size() events; returns how many were written, 0 at the end of the file.
    std::size_t read(std::span<dvs_event> out);

    // Fraction of the file decoded so far (0..1), for progress bars.
    double progress() const;

  private:
    std::size_t decode_into(std::span<dvs_event> out);

    std::string path_;
    stream_info info_;
    std::unique_ptr<byte_source> src_;
    std::unique_ptr<decoder> dec_;
    std::vector<dvs_event> staging_; // used when the caller's span is too small for one decoding step
    std::size_t staged_first_ = 0, staged_last_ = 0;
};

// Every event of a (small) file in memory.
std::vector<dvs_event> read_all(const std::string& path, reader_options opt = {});

// One pass over a file in bounded memory: what `spikekit events info` prints.
struct stream_summary {
    stream_info info;
    std::uint64_t events = 0, on = 0;
    std::int64_t t_first_us = 0, t_last_us = 0;
    std::uint16_t max_x = 0, max_y = 0;
    // The sensor from the header, else the extent of the events (N-MNIST files have no header).
    std::uint16_t width() const {
        return info.width ? info.width : static_cast<std::uint16_t>(events ? max_x + 1 : 0);
    }
    std::uint16_t height() const {
        return info.height ? info.height : static_cast<std::uint16_t>(events ? max_y + 1 : 0);
    }
};
stream_summary summarize(const std::string& path, reader_options opt = {});

} // namespace spikekit::events
