// Writers: EVT 2.0 and HDF5 files read back to the same events; the writer refuses what its format cannot
// hold; broken HDF5 event files are reported by dataset.
#include "camera_test_support.hpp"
#include "spikekit/events/writer.hpp"
#include "spikekit/io/h5.hpp"

using namespace spikekit;
using namespace spikekit::test;
using events::dvs_event;

namespace {

// Writes `ev` in chunks of 1000 (so chunk boundaries are crossed) and returns the path.
std::string write_file(const std::string& path, events::format fmt, std::uint16_t w, std::uint16_t h,
                       const std::vector<dvs_event>& ev) {
    events::event_writer wr(path, fmt, w, h, "test");
    for (std::size_t i = 0; i < ev.size(); i += 1000)
        wr.write(std::span<const dvs_event>(ev.data() + i, std::min<std::size_t>(1000, ev.size() - i)));
    CHECK(wr.events_written() == ev.size());
    wr.close();
    return path;
}

std::string writer_error(const std::string& path, events::format fmt, const std::vector<dvs_event>& ev) {
    try {
        events::event_writer wr(path, fmt, 100, 50);
        wr.write(ev);
        wr.close();
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("EVT 2.0, EVT 3.0 and HDF5 writers: real recordings read back identical, with the sensor size") {
    temp_dir dir("camera_writers");
    for (const char* rel :
         {"prophesee/evt2_sample.raw", "prophesee/evt3_sample.raw", "davis240c/IMU_translBoxes.aedat"}) {
        const auto f = event_file(rel);
        if (!have(f)) continue;
        const events::event_reader r(f);
        const auto ev = events::read_all(f);
        for (auto fmt : {events::format::evt2, events::format::evt3, events::format::hdf5}) {
            const auto out = write_file(dir.file(std::string(events::format_name(fmt)) +
                                                 (fmt == events::format::hdf5 ? ".h5" : ".raw")),
                                        fmt, r.info().width, r.info().height, ev);
            const events::event_reader back(out);
            CHECK(back.info().fmt == fmt);
            CHECK(back.info().width == r.info().width);
            CHECK(back.info().height == r.info().height);
            CHECK(same_events(events::read_all(out), ev));
        }
    }
    // Epoch times (AEDAT 4) fit HDF5 but not EVT 2.0.
    const std::vector<dvs_event> epoch = {{1605537493718345, 1, 1, 1}};
    CHECK(same_events(events::read_all(write_file(dir.file("epoch.h5"), events::format::hdf5, 2, 2, epoch)),
                      epoch));
    CHECK(contains(writer_error(dir.file("epoch.raw"), events::format::evt2, epoch), "34-bit"));
}

TEST_CASE("EVT 3.0 writer: time jumps across the 24-bit wrap and from time 0 read back exactly") {
    temp_dir dir("camera_writer_evt3");
    const std::int64_t wrap = std::int64_t{1} << 24;
    const std::vector<dvs_event> ev = {{0, 0, 0, 1},
                                       {4095, 1, 0, 0},
                                       {4096, 1, 0, 1},
                                       {wrap - 1, 2, 1, 0},
                                       {wrap + 7, 2, 1, 1},                     // across one wrap
                                       {5 * wrap + 123, 3, 2, 0},               // several wraps in one step
                                       {(std::int64_t{1} << 34) - 1, 3, 2, 1}}; // the largest time
    const auto path = write_file(dir.file("jumps.raw"), events::format::evt3, 4, 3, ev);
    CHECK(same_events(events::read_all(path), ev));
    const std::vector<dvs_event> late = {{100 * wrap, 1, 1, 1}}; // a first event long after time 0
    CHECK(same_events(events::read_all(write_file(dir.file("late.raw"), events::format::evt3, 4, 3, late)),
                      late));
}

TEST_CASE("event_writer refuses events outside the sensor, time going back, formats it cannot write") {
    temp_dir dir("camera_writer_bad");
    const auto raw = dir.file("bad.raw");
    auto msg = writer_error(raw, events::format::evt2, {{0, 1, 1, 1}, {5, 100, 1, 1}});
    CHECK(contains(msg, raw + ": event 1: (100, 1) is outside the 100x50 sensor"));
    msg = writer_error(raw, events::format::evt2, {{10, 1, 1, 1}, {9, 1, 1, 1}});
    CHECK(contains(msg, "event 1: time 9 us is negative or before the previous event"));
    CHECK(contains(writer_error(dir.file("x.aedat4"), events::format::aedat4, {}), "cannot write aedat4"));
    CHECK(contains(writer_error(dir.file("neg.raw"), events::format::evt3, {{-1, 1, 1, 1}}), "negative"));
    CHECK_THROWS_AS(events::output_format_for("x.dat"), input_error);
    CHECK(events::output_format_for("x.RAW") == events::format::evt2);
    CHECK(events::output_format_for("x.hdf5") == events::format::hdf5);
}

TEST_CASE("HDF5 event files: missing datasets, unequal lengths, missing sensor size are input errors") {
    temp_dir dir("camera_hdf5_bad");
    auto make = [&](const std::string& name, bool with_p, std::size_t p_len, bool with_size) {
        const auto path = dir.file(name);
        io::h5::writer w(path);
        w.group("/events");
        w.write("/events/t", std::vector<std::int64_t>{1, 2, 3});
        w.write("/events/x", std::vector<std::uint32_t>{1, 2, 3});
        w.write("/events/y", std::vector<std::uint32_t>{1, 2, 3});
        if (with_p) w.write("/events/p", std::vector<std::uint8_t>(p_len, 1));
        if (with_size) {
            w.attr("/events", "width", 10.0);
            w.attr("/events", "height", 10.0);
        }
        w.close();
        return path;
    };
    CHECK(read_error(make("ok.h5", true, 3, true)).empty());
    CHECK(events::read_all(dir.file("ok.h5")).size() == 3);
    CHECK(contains(read_error(make("nop.h5", false, 0, true)), "/events/p: missing dataset"));
    CHECK(
        contains(read_error(make("len.h5", true, 2, true)), "/events/p: has 2 elements but /events/t has 3"));
    CHECK(contains(read_error(make("size.h5", true, 3, false)), "missing or invalid sensor size"));
    auto b = file_bytes(dir.file("ok.h5"));
    b.resize(b.size() / 2);
    CHECK(contains(read_error(write_bytes(dir, "cut.h5", b)), "cut.h5"));
}
