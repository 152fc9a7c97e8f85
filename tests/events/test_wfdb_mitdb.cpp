// WFDB readers validated on the 48 real MIT-BIH records against the check values of
// ../shared/data/mitdb/README.md (checksums, beat counts per code and AAMI class, de Chazal DS1/DS2 split).
#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <set>

#include <doctest/doctest.h>

#include "../support/test_support.hpp"
#include "spikekit/events/ecg.hpp"
#include "spikekit/events/wfdb.hpp"

using namespace spikekit;
using namespace spikekit::events;

namespace {

const std::string mitdb = SPIKEKIT_SHARED_DIR "/data/mitdb";
const std::string mitdb_small = SPIKEKIT_SHARED_DIR "/data/mitdb_small";

bool have(const std::string& path) {
    if (std::filesystem::exists(path)) return true;
    MESSAGE("skipped: " << path << " is missing (real MIT-BIH data from ../shared/data)");
    return false;
}

std::vector<std::string> all_records() {
    std::vector<std::string> r;
    for (const auto& e : std::filesystem::directory_iterator(mitdb))
        if (e.path().extension() == ".hea") r.push_back(e.path().stem().string());
    std::sort(r.begin(), r.end());
    return r;
}

using aami_counts = std::array<std::size_t, 5>;

aami_counts count_aami(const std::vector<annotation>& ann) {
    aami_counts c{};
    for (const auto& a : ann)
        if (is_beat(a.code) && aami_of(a.code) != aami_class::none)
            ++c[static_cast<std::size_t>(aami_of(a.code))];
    return c;
}

aami_counts sum_over(const std::map<std::string, aami_counts>& per_record,
                     const std::vector<std::string>& names) {
    aami_counts t{};
    for (const auto& n : names)
        for (std::size_t k = 0; k < 5; ++k) t[k] += per_record.at(n)[k];
    return t;
}

} // namespace

TEST_CASE("wfdb: record 100 header, first frame and annotations") {
    if (!have(mitdb + "/100.hea")) return;
    const auto r = read_wfdb_record(mitdb + "/100");
    CHECK(r.header.record == "100");
    CHECK(r.header.fs_hz == 360.0);
    CHECK(r.header.samples == 650000);
    REQUIRE(r.nsig() == 2);
    CHECK(r.frames == 650000);
    const auto& s0 = r.header.signals[0];
    CHECK(s0.file == "100.dat");
    CHECK(s0.format == 212);
    CHECK(s0.gain == 200.0);
    CHECK(s0.adc_resolution == 11);
    CHECK(s0.adc_zero == 1024);
    CHECK(s0.baseline == 1024);
    CHECK(s0.initial_value == 995);
    CHECK(s0.checksum == -22131);
    CHECK(s0.block_size == 0);
    CHECK(s0.description == "MLII");
    CHECK(r.header.signals[1].description == "V5");
    CHECK(r.header.signals[1].checksum == 20052);
    CHECK(r.at(0, 0) == 995);
    CHECK(r.at(0, 1) == 1011);
    REQUIRE(r.header.comments.size() >= 2);
    CHECK(r.header.comments[0] == " 69 M 1085 1629 x1");
    CHECK(r.header.comments[1] == " Aldomet, Inderal");
    const auto mv = r.physical(0);
    CHECK(mv[0] == doctest::Approx((995 - 1024) / 200.0));

    const auto ann = read_annotations(mitdb + "/100.atr");
    CHECK(ann.size() == 2274);
    REQUIRE(!ann.empty());
    CHECK(ann[0].sample == 18);
    CHECK(std::string(annotation_symbol(ann[0].code)) == "+");
    CHECK(ann[0].aux == "(N");
    std::map<std::string, std::size_t> beats;
    for (const auto& a : ann)
        if (is_beat(a.code)) ++beats[annotation_symbol(a.code)];
    CHECK(beats["N"] == 2239);
    CHECK(beats["A"] == 33);
    CHECK(beats["V"] == 1);
    CHECK(beats.size() == 3);
}

TEST_CASE("wfdb: a window of record 100 reads only its frames, equal to the whole record's") {
    if (!have(mitdb + "/100.hea")) return;
    const auto full = read_wfdb_record(mitdb + "/100");
    const auto w = read_wfdb_window(mitdb + "/100", 123457, 3600);
    REQUIRE(w.frames == 3600);
    CHECK(w.first_frame == 123457);
    CHECK(std::equal(w.adu.begin(), w.adu.end(), full.adu.begin() + 2 * 123457));
    CHECK(read_wfdb_window(mitdb + "/100", 649990, 100).frames == 10);
}

TEST_CASE("wfdb: the 1-minute excerpt 100s matches the start of record 100") {
    if (!have(mitdb_small + "/100s.hea") || !have(mitdb + "/100.hea")) return;
    const auto small = read_wfdb_record(mitdb_small + "/100s.hea");
    const auto full = read_wfdb_record(mitdb + "/100");
    REQUIRE(small.frames == 21600);
    for (std::size_t f = 0; f < small.frames; ++f) {
        if (small.at(f, 0) != full.at(f, 0) || small.at(f, 1) != full.at(f, 1)) {
            FAIL("frame " << f << " differs");
            break;
        }
    }
    const auto ann = read_annotations(mitdb_small + "/100s.atr");
    std::size_t beats = 0;
    for (const auto& a : ann) beats += is_beat(a.code);
    CHECK(beats == 74);
}

TEST_CASE("wfdb: all 48 MIT-BIH records - checksums, leads, beat counts, AAMI classes, DS1/DS2") {
    if (!have(mitdb + "/100.hea")) return;
    const auto records = all_records();
    REQUIRE(records.size() == 48);
    std::map<std::string, aami_counts> per_record;
    std::map<std::string, std::size_t> per_code;
    std::size_t mlii_first = 0;
    for (const auto& name : records) {
        CAPTURE(name);
        // read_wfdb_record verifies the first sample and the 16-bit checksum of both signals.
        const auto r = read_wfdb_record(mitdb + "/" + name);
        REQUIRE(r.nsig() == 2);
        CHECK(r.frames == 650000);
        CHECK(r.header.fs_hz == 360.0);
        for (const auto& s : r.header.signals) {
            CHECK(s.format == 212);
            CHECK(s.gain == 200.0);
            CHECK(s.adc_zero == 1024);
            CHECK(s.adc_resolution == 11);
            CHECK(s.has_checksum);
        }
        mlii_first += r.header.signals[0].description == "MLII";
        const auto ann = read_annotations(mitdb + "/" + name + ".atr");
        for (const auto& a : ann) {
            CHECK(a.sample < 650000);
            if (is_beat(a.code)) ++per_code[annotation_symbol(a.code)];
        }
        per_record[name] = count_aami(ann);
    }
    CHECK(mlii_first == 45);

    std::size_t total = 0;
    for (const auto& [code, n] : per_code) total += n;
    CHECK(total == 109494);
    const std::map<std::string, std::size_t> expected_codes = {
        {"N", 75052}, {"L", 8075}, {"R", 7259}, {"V", 7130}, {"/", 7028}, {"A", 2546}, {"f", 982}, {"F", 803},
        {"j", 229},   {"a", 150},  {"E", 106},  {"J", 83},   {"Q", 33},   {"e", 16},   {"S", 2}};
    CHECK(per_code == expected_codes);

    const auto all = sum_over(per_record, records);
    CHECK(all == aami_counts{90631, 2781, 7236, 803, 8043});
    CHECK(per_record.at("208") == aami_counts{1586, 2, 992, 373, 2});

    const std::vector<std::string> ds1(mitdb_ds1().begin(), mitdb_ds1().end());
    const std::vector<std::string> ds2(mitdb_ds2().begin(), mitdb_ds2().end());
    CHECK(ds1.size() == 22);
    CHECK(ds2.size() == 22);
    CHECK(sum_over(per_record, ds1) == aami_counts{45866, 944, 3788, 415, 8});
    CHECK(sum_over(per_record, ds2) == aami_counts{44259, 1837, 3221, 388, 7});
}

TEST_CASE("wfdb: record 114 has its leads swapped (V5 first)") {
    if (!have(mitdb + "/114.hea")) return;
    const auto h = read_wfdb_header(mitdb + "/114.hea");
    REQUIRE(h.signals.size() == 2);
    CHECK(h.signals[0].description == "V5");
    CHECK(h.signals[1].description == "MLII");
    CHECK(h.comments.size() == 3);
}
