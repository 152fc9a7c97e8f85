// Bad input of every kind for every event-camera reader: truncated files, wrong magic, corrupted headers,
// lying sizes, out-of-range coordinates, time going back. Each must give an input_error that names the file,
// the byte offset and the problem; never a crash or a read past the buffer (the ASan build checks that).
// Small synthetic files are built byte by byte so the expected offsets are known exactly.
#include <random>

#include "camera_test_support.hpp"

using namespace spikekit;
using namespace spikekit::test;
using events::dvs_event;

namespace {

// The error names the file and the byte and says `problem`.
void check_error(const std::string& path, std::uint64_t byte, const std::string& problem,
                 events::reader_options opt = {}) {
    const std::string msg = read_error(path, opt);
    INFO("message: " << msg);
    CHECK(contains(msg, path));
    CHECK(contains(msg, "byte " + std::to_string(byte) + ":"));
    CHECK(contains(msg, problem));
}

const std::string evt2_header = "% evt 2.0\n% geometry 640x480\n% end\n";

std::uint32_t evt2_cd(unsigned t_lsb, unsigned x, unsigned y, unsigned p) {
    return (p << 28) | (t_lsb << 22) | (x << 11) | y;
}
std::uint32_t evt2_time_high(std::uint32_t v) {
    return 0x80000000u | v;
}

bytes evt2_file(const std::vector<std::uint32_t>& words) {
    bytes b;
    put_text(b, evt2_header);
    for (auto w : words) put_le(b, w);
    return b;
}

} // namespace

TEST_CASE("EVT 2.0 bad input: unknown word, outside the sensor, time back, truncated, no header") {
    temp_dir dir("camera_bad_evt2");
    const std::uint64_t h = evt2_header.size();
    const auto good = events::read_all(write_bytes(
        dir, "good.raw", evt2_file({evt2_time_high(100), evt2_cd(5, 10, 20, 1), evt2_cd(6, 639, 479, 0)})));
    REQUIRE(good.size() == 2);
    CHECK(good[0].t_us == (100 << 6 | 5));
    CHECK(good[1].x == 639);
    CHECK(good[1].y == 479);

    // A bad word deep inside a large block: the fast loop only flags it, the checked replay must name it.
    std::vector<std::uint32_t> words(10000, evt2_cd(1, 1, 1, 1));
    words[0] = evt2_time_high(7);
    words[5000] = 0x30000000u;
    check_error(write_bytes(dir, "type.raw", evt2_file(words)), h + 4 * 5000,
                "unknown EVT 2.0 word type 0x3");
    words[5000] = evt2_cd(1, 700, 1, 1);
    check_error(write_bytes(dir, "x.raw", evt2_file(words)), h + 4 * 5000, "outside the 640x480 sensor");
    words[5000] = evt2_time_high(3);
    check_error(write_bytes(dir, "back.raw", evt2_file(words)), h + 4 * 5001, "time goes backwards");
    events::reader_options jumps;
    jumps.allow_time_jumps = true;
    CHECK(events::read_all(dir.file("back.raw"), jumps).size() == 9998);

    auto cut = evt2_file({evt2_time_high(1), evt2_cd(0, 1, 1, 1)});
    cut.insert(cut.end(), {1, 2, 3});
    check_error(write_bytes(dir, "cut.raw", cut), h + 8, "truncated");
    check_error(write_bytes(dir, "nohead.raw", bytes{1, 2, 3, 4}), 0, "without the `%` header");
    CHECK(contains(read_error(write_bytes(dir, "v4.raw", bytes{'%', ' ', 'e', 'v', 't', ' ', '4', '\n'})),
                   "names no known encoding"));
    check_error(write_bytes(dir, "noeol.raw", bytes{'%', ' ', 'e', 'v', 't', ' ', '2', '.', '0'}), 0,
                "header line without a line end");
    // The encoding is taken from the header only, never from text that happens to be in the data.
    auto text = evt2_file({evt2_time_high(1)});
    put_text(text, "evt 3.0\n");
    check_error(write_bytes(dir, "text.raw", text), h + 4, "unknown EVT 2.0 word type 0x2");
}

TEST_CASE(
    "EVT 3.0: synthetic stream decodes as specified - bad words, sensor, time and truncation are reported") {
    temp_dir dir("camera_bad_evt3");
    const std::string head = "% evt 3.0\n% format EVT3;height=720;width=1280\n% end\n";
    auto file = [&](const std::vector<std::uint16_t>& words) {
        bytes b;
        put_text(b, head);
        for (auto w : words) put_le(b, w);
        return b;
    };
    // TIME_HIGH 1, TIME_LOW 5, ADDR_Y 10, ADDR_X 20 ON, VECT_BASE_X 100 OFF, VECT_12 bits 0 and 2, VECT_8
    // bit 1.
    const std::vector<std::uint16_t> ok = {0x8001,       0x6005, 0x000A, 0x2000 | 1 << 11 | 20,
                                           0x3000 | 100, 0x4005, 0x5002};
    const auto ev = events::read_all(write_bytes(dir, "good.raw", file(ok)));
    REQUIRE(ev.size() == 4);
    const unsigned xs[] = {20, 100, 102, 113};
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(ev[i].t_us == 4096 + 5);
        CHECK(ev[i].y == 10);
        CHECK(ev[i].x == xs[i]);
        CHECK(ev[i].p == (i == 0 ? 1 : 0));
    }
    const std::uint64_t h = head.size();
    auto bad = ok;
    bad[4] = 0x1000;
    check_error(write_bytes(dir, "type.raw", file(bad)), h + 8, "unknown EVT 3.0 word type 0x1");
    bad = ok;
    bad[3] = 0x2000 | 1300;
    check_error(write_bytes(dir, "x.raw", file(bad)), h + 6, "outside the 1280x720 sensor");
    bad = ok;
    bad.insert(bad.end(), {0x8000, 0x2001}); // TIME_HIGH 0 (no wrap: 1 < 0 + 2048) then an event at t = 0
    check_error(write_bytes(dir, "back.raw", file(bad)), h + 16, "time goes backwards");
    auto odd = file(ok);
    odd.push_back(0x42);
    check_error(write_bytes(dir, "odd.raw", odd), h + 14, "truncated: 1 byte left");
}

TEST_CASE("DAT bad input: event size and type bytes, polarity, sensor, time back, truncated record") {
    temp_dir dir("camera_bad_dat");
    const std::string head =
        "% Data file containing N9Chronocam7Event2dE events.\n% Version 2\n% Height 100\n% Width 100\n";
    auto file = [&](std::uint8_t type, std::uint8_t size,
                    const std::vector<std::pair<std::uint32_t, std::uint32_t>>& recs) {
        bytes b;
        put_text(b, head);
        b.push_back(type);
        b.push_back(size);
        for (auto [t, w] : recs) {
            put_le(b, t);
            put_le(b, w);
        }
        return b;
    };
    auto w = [](std::uint32_t x, std::uint32_t y, std::uint32_t p) { return x | y << 14 | p << 28; };
    const std::uint64_t d = head.size() + 2;
    const auto ev =
        events::read_all(write_bytes(dir, "good.dat", file(0, 8, {{3, w(99, 98, 1)}, {3, w(0, 0, 0)}})));
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].x == 99);
    CHECK(ev[0].y == 98);
    CHECK(ev[0].p == 1);
    check_error(write_bytes(dir, "size.dat", file(0, 16, {})), head.size() + 1, "event size 16");
    check_error(write_bytes(dir, "type.dat", file(5, 8, {})), head.size(), "event type 5");
    check_error(write_bytes(dir, "pol.dat", file(0, 8, {{1, w(1, 1, 1)}, {2, w(1, 1, 3)}})), d + 8,
                "polarity 3");
    check_error(write_bytes(dir, "x.dat", file(0, 8, {{1, w(150, 1, 1)}})), d, "outside the 100x100 sensor");
    check_error(write_bytes(dir, "back.dat", file(0, 8, {{10, w(1, 1, 1)}, {9, w(1, 1, 1)}})), d + 8,
                "time goes backwards");
    auto cut = file(0, 8, {{1, w(1, 1, 1)}});
    cut.resize(cut.size() + 5, 0);
    check_error(write_bytes(dir, "cut.dat", cut), d + 8, "truncated DAT event");
    auto nosize = bytes(head.begin(), head.end());
    check_error(write_bytes(dir, "nosize.dat", nosize), head.size(), "event type and size bytes");
}

TEST_CASE("N-MNIST bad input: truncated record, row outside the sensor, time back - the overflow marker") {
    temp_dir dir("camera_bad_nmnist");
    auto rec = [](bytes& b, std::uint8_t x, std::uint8_t y, unsigned p, std::uint32_t t) {
        b.insert(b.end(), {x, y, static_cast<std::uint8_t>(p << 7 | t >> 16),
                           static_cast<std::uint8_t>(t >> 8), static_cast<std::uint8_t>(t)});
    };
    bytes b;
    rec(b, 1, 2, 1, 100);
    rec(b, 0, 240, 0, 0); // overflow marker: later times + 8192 us
    rec(b, 3, 4, 0, 50);
    const auto ev = events::read_all(write_bytes(dir, "ovf.bin", b));
    REQUIRE(ev.size() == 2);
    CHECK(ev[1].t_us == 8192 + 50);
    auto cut = b;
    cut.resize(cut.size() + 2, 0);
    check_error(write_bytes(dir, "cut.bin", cut), 15, "truncated N-MNIST event");
    bytes row;
    rec(row, 1, 250, 1, 100);
    check_error(write_bytes(dir, "row.bs2", row), 0, "outside the 256x240 sensor");
    bytes back;
    rec(back, 1, 1, 1, 100);
    rec(back, 1, 1, 1, 99);
    check_error(write_bytes(dir, "back.bin", back), 5, "time goes backwards");
}

TEST_CASE("AEDAT 2.0 bad input and the DAVIS address layout (y flipped to upper-left origin)") {
    temp_dir dir("camera_bad_aedat2");
    const std::string head = "#!AER-DAT2.0\r\n# AEChip: eu.seebetter.ini.chips.davis.DAVIS240C\r\n";
    auto file = [&](const std::vector<std::pair<std::uint32_t, std::uint32_t>>& recs) {
        bytes b;
        put_text(b, head);
        for (auto [a, t] : recs) {
            put_be32(b, a);
            put_be32(b, t);
        }
        return b;
    };
    auto dvs = [](std::uint32_t x, std::uint32_t y, bool on) {
        return y << 22 | x << 12 | (on ? 2u : 0u) << 10;
    };
    const auto ev = events::read_all(write_bytes(
        dir, "good.aedat", file({{dvs(5, 0, true), 10}, {0x80000C00u, 11}, {dvs(239, 179, false), 12}})));
    REQUIRE(ev.size() == 2); // the IMU word (bit 31) is skipped
    CHECK(ev[0].x == 5);
    CHECK(ev[0].y == 179);
    CHECK(ev[0].p == 1);
    CHECK(ev[1].y == 0);
    CHECK(ev[1].p == 0);
    const std::uint64_t h = head.size();
    check_error(write_bytes(dir, "y.aedat", file({{dvs(5, 200, true), 10}})), h,
                "outside the 240x180 sensor");
    check_error(write_bytes(dir, "back.aedat", file({{dvs(1, 1, true), 10}, {dvs(1, 1, true), 9}})), h + 8,
                "time goes backwards");
    auto cut = file({{dvs(1, 1, true), 10}});
    cut.resize(cut.size() + 4, 0);
    check_error(write_bytes(dir, "cut.aedat", cut), h + 8, "truncated AEDAT record");
}

namespace {

// AEDAT 3.1 packet header (28 bytes) followed by `payload`.
void aedat31_packet(bytes& b, std::int16_t type, std::int32_t size, std::int32_t overflow,
                    std::int32_t capacity, std::int32_t number, const bytes& payload) {
    put_le(b, type);
    put_le<std::int16_t>(b, 1);
    put_le(b, size);
    put_le<std::int32_t>(b, 4);
    put_le(b, overflow);
    put_le(b, capacity);
    put_le(b, number);
    put_le(b, number);
    b.insert(b.end(), payload.begin(), payload.end());
}

bytes polarity_events(const std::vector<std::array<std::uint32_t, 5>>& ev) { // x, y, p, valid, t
    bytes b;
    for (const auto& e : ev) {
        put_le(b, e[0] << 17 | e[1] << 2 | e[2] << 1 | e[3]);
        put_le(b, e[4]);
    }
    return b;
}

const std::string aedat31_head = "#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n#!END-HEADER\r\n";

} // namespace

TEST_CASE("AEDAT 3.1 (written from the spec): polarity packets, other packets skipped, corrupted headers") {
    temp_dir dir("camera_aedat31");
    bytes b;
    put_text(b, aedat31_head);
    aedat31_packet(b, 1, 8, 0, 3, 3,
                   polarity_events({{127, 0, 1, 1, 5}, {3, 4, 0, 0, 6}, {0, 127, 0, 1, 7}}));
    aedat31_packet(b, 2, 4, 0, 2, 2, bytes(8, 0xEE)); // a special-event packet: skipped
    aedat31_packet(b, 1, 8, 1, 1, 1, polarity_events({{9, 9, 1, 1, 8}}));
    const auto path = write_bytes(dir, "good.aedat", b);
    events::event_reader r(path);
    CHECK(r.info().fmt == events::format::aedat31);
    CHECK(r.info().width == 128);
    const auto ev = events::read_all(path);
    REQUIRE(ev.size() == 3); // the invalid (valid bit 0) event is dropped
    CHECK(ev[0].x == 127);
    CHECK(ev[0].y == 0);
    CHECK(ev[0].p == 1);
    CHECK(ev[0].t_us == 5);
    CHECK(ev[1].y == 127);
    CHECK(ev[2].t_us == (std::int64_t{1} << 31) + 8); // eventTSOverflow << 31 | timestamp

    const std::uint64_t h = aedat31_head.size();
    bytes lying;
    put_text(lying, aedat31_head);
    aedat31_packet(lying, 1, 8, 0, 1000, 1, polarity_events({{1, 1, 1, 1, 5}}));
    check_error(write_bytes(dir, "lying.aedat", lying), h, "claims 8000 bytes of events but only 8 remain");
    bytes number;
    put_text(number, aedat31_head);
    aedat31_packet(number, 1, 8, 0, 1, 5, polarity_events({{1, 1, 1, 1, 5}}));
    check_error(write_bytes(dir, "number.aedat", number), h, "corrupted packet header");
    bytes size;
    put_text(size, aedat31_head);
    aedat31_packet(size, 1, 4, 0, 2, 2, polarity_events({{1, 1, 1, 1, 5}}));
    check_error(write_bytes(dir, "size.aedat", size), h + 4, "polarity packet with eventSize 4");
    bytes x;
    put_text(x, aedat31_head);
    aedat31_packet(x, 1, 8, 0, 1, 1, polarity_events({{128, 1, 1, 1, 5}}));
    check_error(write_bytes(dir, "x.aedat", x), h + 28, "outside the 128x128 sensor");
    bytes head_only(aedat31_head.begin(), aedat31_head.end() - 14);
    aedat31_packet(head_only, 1, 8, 0, 0, 0, {});
    CHECK(contains(read_error(write_bytes(dir, "nohead.aedat", head_only)), "#!END-HEADER"));
    auto cut = b;
    cut.resize(h + 20);
    check_error(write_bytes(dir, "cut.aedat", cut), h, "truncated packet");
}

TEST_CASE("AEDAT 4.0 bad input: lying header size, lying packet size, corrupted LZ4, truncated file") {
    const auto f = event_file("tonic/sample.aedat4");
    if (!have(f)) return;
    temp_dir dir("camera_bad_aedat4");
    const auto orig = file_bytes(f);
    // Header size at byte 14 (2316), first packet at 18 + 2316: int32 stream, int32 size, LZ4 frame.
    constexpr std::size_t packet = 18 + 2316;
    auto b = orig;
    set_le<std::int32_t>(b, 14, 0x7FFFFFFF);
    check_error(write_bytes(dir, "hsize.aedat4", b), 14, "header size 2147483647 is impossible");
    b = orig;
    set_le<std::int32_t>(b, packet + 4, 0x7FFFFFF0);
    check_error(write_bytes(dir, "psize.aedat4", b), packet + 4, "claims 2147483632 bytes");
    b = orig;
    set_le<std::int64_t>(b, 54, 100);
    check_error(write_bytes(dir, "table.aedat4", b), 18, "dataTablePosition 100 lies inside the header");
    b = orig;
    set_le<std::uint32_t>(b, packet + 8, 0); // the LZ4 frame magic
    check_error(write_bytes(dir, "lz4.aedat4", b), packet, "corrupted LZ4 data");
    b = orig;
    b.resize(packet + 100);
    check_error(write_bytes(dir, "cut.aedat4", b), 18,
                "dataTablePosition 945243 lies past the end of the 2434-byte file");
    set_le<std::int64_t>(b, 54,
                         -1); // IOHeader field 1 at byte 54: no data table (a recording still being written)
    check_error(write_bytes(dir, "cut2.aedat4", b), packet + 4, "claims 7949 bytes but 92 remain");
    b = orig;
    b[3] = 'X';
    CHECK(contains(read_error(write_bytes(dir, "magic.aedat4", b)), "unknown event file format"));
}

TEST_CASE("unreadable inputs: missing file, unknown format, empty file") {
    temp_dir dir("camera_bad_misc");
    CHECK(contains(read_error(dir.file("nope.raw")), "cannot open"));
    CHECK(contains(read_error(write_bytes(dir, "what.xyz", bytes{1, 2, 3})), "unknown event file format"));
    CHECK(
        read_error(write_bytes(dir, "empty.bin", bytes{})).empty()); // an empty N-MNIST sample has no events
    CHECK(contains(read_error(dir.path.string()), "not a regular file"));
}

// Random byte corruption of real files: every outcome must be events or an input_error (the ASan+UBSan
// build turns any out-of-bounds read into a failure). A cheap, deterministic complement of the fuzzers.
TEST_CASE("randomly corrupted real files give events or an input_error, never a crash") {
    temp_dir dir("camera_mutations");
    std::mt19937 rng(12345);
    for (const char* rel :
         {"tonic/sample_nmnist.bin", "tonic/sample_ncars.dat", "prophesee/evt2_sample.raw",
          "prophesee/evt3_sample.raw", "tonic/sample.aedat4", "davis240c/IMU_translBoxes.aedat"}) {
        const auto f = event_file(rel);
        if (!have(f)) continue;
        auto orig = file_bytes(f);
        orig.resize(std::min<std::size_t>(orig.size(), 48 * 1024)); // a prefix is enough and keeps this fast
        const std::string name = "m" + std::filesystem::path(f).extension().string();
        int errors = 0;
        for (int round = 0; round < 60; ++round) {
            auto b = orig;
            const int flips = 1 + static_cast<int>(rng() % 8);
            for (int k = 0; k < flips; ++k) b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
            if (round % 4 == 0) b.resize(rng() % b.size());
            try {
                events::read_all(write_bytes(dir, name, b));
            } catch (const input_error& e) {
                ++errors;
                CHECK(contains(e.what(), name));
            }
        }
        INFO(rel);
        CHECK(errors > 0); // some corruption must be noticed
    }
}
