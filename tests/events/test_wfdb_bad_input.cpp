// Bad input to the WFDB readers: every malformed header, signal file or annotation file gives an input_error
// naming the file and the line or byte offset, never a crash or a read past the data.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <doctest/doctest.h>

#include "../support/test_support.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/events/wfdb.hpp"

using namespace spikekit;
using namespace spikekit::events;

namespace {

// The message of the input_error thrown by f (fails the test if none is thrown).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const input_error& e) {
        return e.what();
    }
    FAIL("no input_error thrown");
    return {};
}

bool contains(const std::string& s, const std::string& part) {
    if (s.find(part) != std::string::npos) return true;
    MESSAGE("'" << s << "' does not contain '" << part << "'");
    return false;
}

std::string header_error(const std::string& text) {
    return error_of([&] { parse_wfdb_header(text, "x.hea"); });
}

std::vector<std::uint8_t> words(std::initializer_list<std::uint16_t> w) {
    std::vector<std::uint8_t> b;
    for (auto v : w) {
        b.push_back(static_cast<std::uint8_t>(v & 0xFF));
        b.push_back(static_cast<std::uint8_t>(v >> 8));
    }
    return b;
}

std::uint16_t ann_word(unsigned code, unsigned inc) {
    return static_cast<std::uint16_t>((code << 10) | inc);
}

std::string ann_error(const std::vector<std::uint8_t>& b) {
    return error_of([&] { parse_mit_annotations(b, "x.atr"); });
}

// A small valid two-signal record in format 16: 4 frames.
struct small_record {
    test::temp_dir dir{"wfdb_bad_input"};
    std::string base = dir.file("r");
    void write(const std::string& header, const std::vector<std::uint8_t>& dat) const {
        dir.write("r.hea", header);
        std::ofstream(dir.file("r.dat"), std::ios::binary)
            .write(reinterpret_cast<const char*>(dat.data()), static_cast<std::streamsize>(dat.size()));
    }
};

const std::string good_header = "r 2 100 4\nr.dat 16 100 12 0 1 10 0 a\nr.dat 16 100 12 0 -1 -10 0 b\n";
const std::vector<std::uint8_t> good_dat = words({1, 0xFFFF, 2, 0xFFFE, 3, 0xFFFD, 4, 0xFFFC});

} // namespace

TEST_CASE("wfdb bad input: headers name the line and the field") {
    CHECK(contains(header_error(""), "x.hea: line 1: no record line"));
    CHECK(contains(header_error("# only a comment\n"), "no record line"));
    CHECK(contains(header_error("r\n"), "line 1: record line"));
    CHECK(contains(header_error("r two 360\n"), "line 1: number of signals: expected a number, found 'two'"));
    CHECK(contains(header_error("r -1 360\n"), "number of signals -1"));
    CHECK(contains(header_error("r 99999999999 360\n"), "number of signals"));
    CHECK(contains(header_error("r 1 0\n"), "sampling frequency must be > 0"));
    CHECK(contains(header_error("r 1 1e12\n"), "sampling frequency must be > 0 and <= 1e9 Hz"));
    CHECK(contains(header_error("r 1 nan\n"), "sampling frequency"));
    CHECK(contains(header_error("r 1 360 -5\n"), "number of samples must be >= 0"));
    CHECK(contains(header_error("r/2 1 360\n"), "multi-segment"));
    CHECK(contains(header_error("r 2 360 10\nr.dat 212 200 11 1024 0 0 0 a\n"),
                   "line 2: header declares 2 signals but describes 1"));
    CHECK(contains(header_error("r 1 360 10\n\n# c\nr.dat 999 200\n"),
                   "line 4: signal format 999 is not supported"));
    CHECK(contains(header_error("r 1 360 10\nr.dat 212 2x0\n"), "gain: expected a number, found '2x0'"));
    CHECK(contains(header_error("r 1 360 10\nr.dat 212 200(5\n"), "baseline"));
    CHECK(contains(header_error("r 1 360 10\nr.dat 212x2\n"), "samples per frame 2"));
    CHECK(contains(header_error("r 1 360 10\nr.dat 212:3\n"), "skew 3"));
    CHECK(contains(header_error("r 1 360 10\nr.dat 212 200 11 1024 0 0 0 a\nextra line\n"),
                   "line 3: unexpected line"));
    CHECK(contains(header_error(std::string("r 1 360\0 10\n", 12)), "NUL byte"));
}

TEST_CASE("wfdb: header fields and defaults, CRLF and blank lines accepted") {
    const auto h = parse_wfdb_header("# leading comment\r\n\r\nrec 2 360/1000(5) 20 10:00:00 01/02/2003\r\n"
                                     "rec.dat 212+6 100(3)/uV 12 7 9 -3 0 lead one\r\n"
                                     "rec.dat 212\r\n# tail\r\n\r\n",
                                     "rec.hea");
    CHECK(h.fs_hz == 360.0);
    CHECK(h.counter_fs_hz == 1000.0);
    CHECK(h.base_counter == 5.0);
    CHECK(h.samples == 20);
    CHECK(h.base_time == "10:00:00");
    CHECK(h.base_date == "01/02/2003");
    REQUIRE(h.signals.size() == 2);
    CHECK(h.signals[0].byte_offset == 6);
    CHECK(h.signals[0].gain == 100.0);
    CHECK(h.signals[0].baseline == 3);
    CHECK(h.signals[0].units == "uV");
    CHECK(h.signals[0].adc_zero == 7);
    CHECK(h.signals[0].initial_value == 9);
    CHECK(h.signals[0].checksum == -3);
    CHECK(h.signals[0].description == "lead one");
    CHECK(h.signals[1].gain == 200.0);
    CHECK(!h.signals[1].gain_given);
    CHECK(!h.signals[1].has_checksum);
    CHECK(h.signals[1].description == "record rec, signal 1");
    CHECK(h.comments == std::vector<std::string>{" leading comment", " tail"});
}

TEST_CASE("wfdb: a valid small record reads, and bad signal files are named with the byte offset") {
    small_record rec;
    rec.write(good_header, good_dat);
    const auto r = read_wfdb_record(rec.base);
    REQUIRE(r.frames == 4);
    CHECK(r.at(3, 0) == 4);
    CHECK(r.at(3, 1) == -4);

    rec.write(good_header, std::vector<std::uint8_t>(good_dat.begin(), good_dat.end() - 3));
    auto e = error_of([&] { read_wfdb_record(rec.base); });
    CHECK(contains(e, "r.dat: byte 13"));

    // A lying sample count far beyond the file must fail before allocating it.
    rec.write("r 2 100 4000000000000\nr.dat 16 100 12 0 1 10 0 a\nr.dat 16 100 12 0 -1 -10 0 b\n", good_dat);
    CHECK(contains(error_of([&] { read_wfdb_record(rec.base); }), "header says 4000000000000 samples"));

    rec.write("r 2 100 4\nr.dat 16 100 12 0 1 11 0 a\nr.dat 16 100 12 0 -1 -10 0 b\n", good_dat);
    CHECK(contains(error_of([&] { read_wfdb_record(rec.base); }),
                   "checksum of r.dat is 10 but the header says 11"));
    CHECK(read_wfdb_record(rec.base, false).frames == 4);

    rec.write("r 2 100 4\nr.dat 16 100 12 0 5 10 0 a\nr.dat 16 100 12 0 -1 -10 0 b\n", good_dat);
    CHECK(contains(error_of([&] { read_wfdb_record(rec.base); }), "first sample is 1 but the header says 5"));

    rec.write("r 1 100 4\nmissing.dat 16 100 12 0\n", good_dat);
    e = error_of([&] { read_wfdb_record(rec.base + ".hea"); });
    CHECK(contains(e, "r.hea: signal 0: signal file 'missing.dat' not found"));

    CHECK(contains(error_of([&] { read_wfdb_record(rec.dir.file("nothere")); }), "nothere.hea: cannot open"));
}

TEST_CASE("wfdb: sample formats decode known bit patterns") {
    std::vector<std::int32_t> out(6);
    // 212: frames (995, 1011) and (-1, -2048).
    const std::vector<std::uint8_t> f212 = {0xE3, 0x33, 0xF3, 0xFF, 0x8F, 0x00};
    decode_wfdb_samples(212, f212, 2, 2, out.data(), 2, {}, "t");
    CHECK(out[0] == 995);
    CHECK(out[1] == 1011);
    CHECK(out[2] == -1);
    CHECK(out[3] == -2048);
    // 311: 1, -1, 511 in one 32-bit word.
    const std::uint32_t w = 1u | (0x3FFu << 10) | (511u << 20);
    const std::vector<std::uint8_t> f311 = {static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(w >> 8),
                                            static_cast<std::uint8_t>(w >> 16),
                                            static_cast<std::uint8_t>(w >> 24)};
    decode_wfdb_samples(311, f311, 3, 1, out.data(), 3, {}, "t");
    CHECK(out[0] == 1);
    CHECK(out[1] == -1);
    CHECK(out[2] == 511);
    // 310: samples 5, -3, -512 (= 0x200: low 5 bits 0 in word 0, high 5 bits 0x10 in word 1).
    const std::uint16_t w0 = static_cast<std::uint16_t>(5u << 1),
                        w1 = static_cast<std::uint16_t>(((0x3FDu) << 1) | (0x10u << 11));
    const std::vector<std::uint8_t> f310 = {static_cast<std::uint8_t>(w0), static_cast<std::uint8_t>(w0 >> 8),
                                            static_cast<std::uint8_t>(w1),
                                            static_cast<std::uint8_t>(w1 >> 8)};
    decode_wfdb_samples(310, f310, 3, 1, out.data(), 3, {}, "t");
    CHECK(out[0] == 5);
    CHECK(out[1] == -3);
    CHECK(out[2] == -512);
    // 80 (offset binary), 8 (first differences from the initial value), 61 (big-endian).
    const std::vector<std::uint8_t> f80 = {128, 0, 255};
    decode_wfdb_samples(80, f80, 1, 3, out.data(), 1, {}, "t");
    CHECK(out[0] == 0);
    CHECK(out[1] == -128);
    CHECK(out[2] == 127);
    const std::int32_t init = 100;
    decode_wfdb_samples(8, f80, 1, 3, out.data(), 1, std::span(&init, 1), "t");
    CHECK(out[0] == 100 - 128);
    CHECK(out[2] == 100 - 128 - 1);
    const std::vector<std::uint8_t> f61 = {0x01, 0x02};
    decode_wfdb_samples(61, f61, 1, 1, out.data(), 1, {}, "t");
    CHECK(out[0] == 0x0102);
    // Too short: names the byte where the data ends.
    CHECK(contains(error_of([&] { decode_wfdb_samples(212, f212, 2, 3, out.data(), 2, {}, "t.dat"); }),
                   "t.dat: byte 6: signal data ends early"));
}

TEST_CASE("wfdb bad input: annotation files name the byte offset") {
    // Valid: N at 5 with SUB, CHN, NUM and AUX; then SKIP 70000; then V at +3; end.
    const auto ok = words({ann_word(1, 5), ann_word(61, 2), ann_word(62, 1), ann_word(60, 7), ann_word(63, 3),
                           0x4128, 0x0041, ann_word(59, 0), 0x0001, 0x1170, ann_word(5, 3), 0});
    const auto a = parse_mit_annotations(ok, "x.atr");
    REQUIRE(a.size() == 2);
    CHECK(a[0].sample == 5);
    CHECK(a[0].subtype == 2);
    CHECK(a[0].chan == 1);
    CHECK(a[0].num == 7);
    CHECK(a[0].aux == "(AA");
    CHECK(a[1].sample == 5 + 70000 + 3);
    CHECK(a[1].subtype == 0); // SUB does not persist
    CHECK(a[1].chan == 1);    // CHN and NUM do
    CHECK(a[1].num == 7);

    CHECK(contains(ann_error(words({ann_word(1, 5)})), "x.atr: byte 2: no end-of-annotations marker"));
    CHECK(contains(ann_error({0x05}), "x.atr: byte 0: file ends in the middle of an annotation word"));
    CHECK(contains(ann_error(words({ann_word(1, 5), ann_word(63, 10), 0x4141})),
                   "byte 4: file ends in the middle of AUX text"));
    CHECK(contains(ann_error(words({ann_word(59, 0), 0x0000})),
                   "byte 2: file ends in the middle of a SKIP interval"));
    CHECK(contains(ann_error(words({ann_word(60, 1), 0})), "byte 0: modifier"));
    CHECK(contains(ann_error(words({ann_word(1, 5), ann_word(59, 0), 0xFFFF, 0xFFF0, ann_word(1, 1), 0})),
                   "byte 2: SKIP moves the time before the start"));
    CHECK(contains(ann_error(words({ann_word(1, 50), ann_word(59, 0), 0xFFFF, 0xFFF0, ann_word(1, 1), 0})),
                   "byte 8: annotation time 35 is before the previous one (50)"));
    CHECK(contains(ann_error(words({ann_word(55, 1), 0})), "annotation code 55 is not defined"));
}

TEST_CASE("wfdb: code tables") {
    CHECK(std::string(annotation_symbol(1)) == "N");
    CHECK(std::string(annotation_symbol(12)) == "/");
    CHECK(std::string(annotation_symbol(38)) == "f");
    CHECK(std::string(annotation_symbol(200)) == "?");
    CHECK(is_beat(5));
    CHECK(!is_beat(28));
    CHECK(aami_of(34) == aami_class::N);    // e
    CHECK(aami_of(7) == aami_class::S);     // J
    CHECK(aami_of(10) == aami_class::V);    // E
    CHECK(aami_of(38) == aami_class::Q);    // f
    CHECK(aami_of(25) == aami_class::none); // B: not in the AAMI mapping
    CHECK(std::string(aami_name(aami_class::F)) == "F");
}

TEST_CASE("wfdb bad input: every truncation of the real 100s files, and binary files read as headers") {
    const std::string dir = SPIKEKIT_SHARED_DIR "/data/mitdb_small/";
    if (!std::filesystem::exists(dir + "100s.hea")) {
        MESSAGE("skipped: " << dir << "100s.hea is missing (real MIT-BIH data from ../shared/data)");
        return;
    }
    const auto read = [](const std::string& p) {
        std::ifstream in(p, std::ios::binary);
        return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
    };
    const auto atr = read(dir + "100s.atr");
    REQUIRE(atr.size() > 100);
    // Every proper prefix of an annotation file lacks the end marker (or splits a word): always an
    // input_error.
    std::size_t errors = 0;
    for (std::size_t n = 0; n < atr.size(); ++n) {
        try {
            parse_mit_annotations(std::span(atr).first(n), "100s.atr");
        } catch (const input_error&) {
            ++errors;
        }
    }
    CHECK(errors == atr.size());
    CHECK(parse_mit_annotations(atr, "100s.atr").size() > 74);

    const auto hea = read(dir + "100s.hea");
    const std::string text(hea.begin(), hea.end());
    for (std::size_t n = 0; n <= text.size(); ++n) {
        try {
            const auto h = parse_wfdb_header(std::string_view(text).substr(0, n), "100s.hea");
            CHECK(h.signals.size() == 2); // a prefix that parses has both signal lines
        } catch (const input_error&) {
        }
    }
    // Binary data is not a header.
    const auto dat = read(dir + "100s.dat");
    CHECK_THROWS_AS(
        parse_wfdb_header(std::string_view(reinterpret_cast<const char*>(dat.data()), 4096), "100s.dat"),
        input_error);
}

TEST_CASE("wfdb windows: every window of every format equals the same frames of the whole record") {
    test::temp_dir dir("wfdb_window");
    std::uint32_t state = 12345; // any fixed bytes will do: every bit pattern is a valid sample
    for (int format : {16, 24, 32, 61, 80, 160, 212, 310, 311}) {
        for (std::size_t nsig : {1, 3}) {
            CAPTURE(format);
            CAPTURE(nsig);
            const std::size_t frames = 11;
            std::string header = "r " + std::to_string(nsig) + " 100 " + std::to_string(frames) + "\n";
            for (std::size_t s = 0; s < nsig; ++s) header += "r.dat " + std::to_string(format) + "\n";
            std::string dat(wfdb_bytes_for(format, frames * nsig), '\0');
            for (auto& c : dat) c = static_cast<char>((state = state * 1664525u + 1013904223u) >> 24);
            dir.write("r.hea", header);
            dir.write("r.dat", dat);
            const auto whole = read_wfdb_record(dir.file("r"), false);
            REQUIRE(whole.frames == frames);
            bool same = true;
            for (std::size_t first = 0; first <= frames; ++first)
                for (std::size_t n = 0; first + n <= frames; ++n) {
                    const auto w = read_wfdb_window(dir.file("r"), first, n);
                    same = same && w.frames == n && w.first_frame == first &&
                           std::equal(w.adu.begin(), w.adu.end(),
                                      whole.adu.begin() + static_cast<long>(first * nsig));
                }
            CHECK(same);
            CHECK(read_wfdb_window(dir.file("r"), 5, 1000).frames == frames - 5); // clamped to the end
            CHECK_THROWS_AS(read_wfdb_window(dir.file("r"), frames + 1, 1), input_error);
        }
    }
    // A lying sample count fails before allocating the window.
    dir.write("r.hea", "r 1 100 4000000000000\nr.dat 16\n");
    dir.write("r.dat", std::string(8, '\0'));
    CHECK(contains(error_of([&] { read_wfdb_window(dir.file("r"), 0, SIZE_MAX); }),
                   "header says 4000000000000"));
    dir.write("r.hea", "r 1 100 4\nr.dat 8\n");
    CHECK(contains(error_of([&] { read_wfdb_window(dir.file("r"), 1, 1); }), "format 8 stores differences"));
    dir.write("r.hea", "r 1 100 4\ngone.dat 16\n");
    CHECK(contains(error_of([&] { read_wfdb_window(dir.file("r"), 0, 1); }),
                   "signal file 'gone.dat' not found"));
}

TEST_CASE("wfdb bad input: annotations past the end of the record, a header naming another record") {
    // N at 5, then SKIP 70000, then V at +3 (byte 8): past the end of a 1000-sample record.
    const auto skip = words({ann_word(1, 5), ann_word(59, 0), 0x0001, 0x1170, ann_word(5, 3), 0});
    CHECK(parse_mit_annotations(skip, "x.atr").size() == 2); // the record's length unknown: accepted
    CHECK(parse_mit_annotations(skip, "x.atr", 80000).size() == 2);
    CHECK(contains(error_of([&] { parse_mit_annotations(skip, "x.atr", 1000); }),
                   "x.atr: byte 8: annotation at sample 70008 is past the end of the record (1000 samples)"));
    small_record rec;
    rec.write(good_header, good_dat);
    CHECK(read_wfdb_header(rec.base + ".hea").record == "r");
    rec.write("q" + good_header.substr(1), good_dat);
    CHECK(contains(error_of([&] { read_wfdb_header(rec.base + ".hea"); }),
                   "r.hea: line 1: the record line names record 'q', but the file is r.hea"));
}
