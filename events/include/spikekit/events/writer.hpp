#pragma once
// Writing event streams: Prophesee EVT 2.0 and EVT 3.0 (.raw, readable by Metavision/OpenEB, expelliarmus,
// Tonic) and spikekit's HDF5 layout (.h5, shuffle + deflate compressed):
//   /events/t  int64  [us]   (attribute units = "us")
//   /events/x  uint16        /events/y uint16 (0,0 = upper left)   /events/p uint8 (1 = ON)
//   /events attributes: width, height (uint32, sensor size), source_format (string)
// Datasets are chunked and extendable, so a file of any size is written in bounded memory.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "spikekit/events/event.hpp"
#include "spikekit/events/formats.hpp"

namespace spikekit::events {

class event_sink;

class event_writer {
  public:
    // Creates `path` (format evt2, evt3 or hdf5) for a width x height sensor. This writes in place: wrap it
    // in spikekit::write_atomically (core/output.hpp) for final outputs. A non-zero `time_offset_us` (the
    // absolute time of t = 0 of rebased events) is written to the EVT header as `% time_offset_us N`, which
    // event_reader adds back to every event (ignored by the HDF5 sink).
    event_writer(const std::string& path, format fmt, std::uint16_t width, std::uint16_t height,
                 const std::string& source_format = "", std::int64_t time_offset_us = 0);
    ~event_writer();
    event_writer(const event_writer&) = delete;
    event_writer& operator=(const event_writer&) = delete;

    // Appends events (time-ordered, inside the sensor, times >= 0 and, for EVT 2.0/3.0, below 2^34 us = 4.8
    // h; input_error otherwise).
    void write(std::span<const dvs_event> events);
    // Flushes and closes; errors are runtime_error. Called by the destructor if not called.
    void close();
    std::uint64_t events_written() const { return count_; }

  private:
    [[noreturn]] void reject(const dvs_event& e, std::uint64_t index) const; // throws the input_error

    std::string path_;
    std::unique_ptr<event_sink> sink_;
    std::uint64_t count_ = 0;
    std::int64_t last_t_ = INT64_MIN;
    std::int64_t max_t_ = INT64_MAX; // EVT 2.0 holds 34-bit times
    std::uint16_t width_, height_;
};

// The sinks behind event_writer (one per format); use event_writer, which checks the events first.
std::unique_ptr<event_sink> make_evt2_sink(const std::string& path, std::uint16_t width, std::uint16_t height,
                                           std::int64_t time_offset_us = 0);
std::unique_ptr<event_sink> make_evt3_sink(const std::string& path, std::uint16_t width, std::uint16_t height,
                                           std::int64_t time_offset_us = 0);
std::unique_ptr<event_sink> make_hdf5_sink(const std::string& path, std::uint16_t width, std::uint16_t height,
                                           const std::string& source_format);

class event_sink {
  public:
    virtual ~event_sink() = default;
    virtual void write(std::span<const dvs_event> events) = 0;
    virtual void close() = 0;
};

} // namespace spikekit::events
