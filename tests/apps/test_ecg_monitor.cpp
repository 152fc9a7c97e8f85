// The ECG arrhythmia monitor (spikekit ecg train|evaluate|monitor): the training splits, the evaluation
// counts on a one-minute record, the monitor on it, and the shipped model on Cortex-M4. Cases that need
// ../shared/data (or the ARM tools) skip with a message naming what is missing.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "../support/test_support.hpp"
#include "ecg_data.hpp"
#include "spikekit/events/wfdb.hpp"

using namespace spikekit;
using spikekit::test::run_command;
using spikekit::test::temp_dir;

namespace {

const std::string bin = SPIKEKIT_BIN;
const std::string mitdb = SPIKEKIT_SHARED_DIR "/data/mitdb";
const std::string small = SPIKEKIT_SHARED_DIR "/data/mitdb_small/100s";

bool have(const std::string& file) {
    if (std::filesystem::exists(file)) return true;
    MESSAGE("skipped: " << file << " is missing (real MIT-BIH data from ../shared/data)");
    return false;
}

std::set<std::string> names(const std::vector<std::string>& paths) {
    std::set<std::string> n;
    for (const auto& p : paths) n.insert(app::ecg::record_name(p));
    return n;
}

// The annotated beats of `record` whose class is one of N S V F Q and whose feature window
// (-240 ms .. +400 ms) fits in the record, counted per class from the annotation file itself.
std::vector<std::uint64_t> expected_counts(const std::string& record) {
    const auto h = events::read_wfdb_header(record + ".hea");
    const auto ann = events::read_annotations(record + ".atr");
    std::vector<std::uint64_t> n(5, 0);
    for (const auto& a : ann) {
        const auto c = events::aami_of(a.code);
        if (!events::is_beat(a.code) || c == events::aami_class::none) continue;
        const double t_ms = static_cast<double>(a.sample) * 1000.0 / h.fs_hz;
        if (t_ms - 240 < 0 || t_ms + 400 > static_cast<double>(h.samples) * 1000.0 / h.fs_hz) continue;
        ++n[static_cast<std::size_t>(c)];
    }
    return n;
}

} // namespace

TEST_CASE("intra-patient split: seeded, disjoint, 80/20, every beat once") {
    std::vector<std::size_t> a_train, a_test, b_train, b_test, c_train, c_test;
    app::ecg::intra_split(1000, 7, 0.2, a_train, a_test);
    app::ecg::intra_split(1000, 7, 0.2, b_train, b_test);
    app::ecg::intra_split(1000, 8, 0.2, c_train, c_test);
    CHECK(a_train == b_train); // same seed, same split
    CHECK(a_test == b_test);
    CHECK(a_test != c_test); // another seed, another split
    CHECK(a_test.size() == 200);
    CHECK(a_train.size() == 800);
    std::vector<std::size_t> all = a_train;
    all.insert(all.end(), a_test.begin(), a_test.end());
    std::sort(all.begin(), all.end());
    for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i] == i); // disjoint and complete
}

TEST_CASE("inter-patient split: DS1 and DS2 share no record, a test record in training is refused") {
    if (!have(mitdb + "/100.hea")) return;
    const auto ds1 = names(app::ecg::resolve_records("ds1", mitdb));
    const auto ds2 = names(app::ecg::resolve_records("ds2", mitdb));
    CHECK(ds1.size() == 22);
    CHECK(ds2.size() == 22);
    for (const auto& r : ds2) CHECK(ds1.count(r) == 0);
    for (const char* paced : {"102", "104", "107", "217"}) {
        CHECK(ds1.count(paced) == 0);
        CHECK(ds2.count(paced) == 0);
    }
    // a DS2 record among the training records of an inter-patient run: exit 2 before any work
    temp_dir dir("ecg_split");
    const auto r =
        run_command(bin + " ecg train --records ds1,100 --data " + mitdb + " --out " + dir.file("m"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("record 100 is in both --records and --test") != std::string::npos);
    // training on one record and testing on another: the JSON says which beats went where
    const auto t = run_command(bin + " ecg train --records " + small + " --test " + mitdb +
                                   "/103 --epochs 2 --hidden 8 --json --quiet --out " + dir.file("m"),
                               false);
    REQUIRE(t.exit_code == 0);
    const auto j = nlohmann::json::parse(t.out);
    CHECK(j["records"] == nlohmann::json::array({"100s"}));
    CHECK(j["test_records"] == nlohmann::json::array({"103"}));
    const auto train = expected_counts(small), test = expected_counts(mitdb + "/103");
    std::uint64_t n_train = 0, n_test = 0;
    for (auto x : train) n_train += x;
    for (auto x : test) n_test += x;
    CHECK(j["train_beats"] == n_train);
    CHECK(j["test_beats"] == n_test);
    CHECK(std::filesystem::exists(dir.file("m/network.json")));
    CHECK(std::filesystem::exists(dir.file("m/ecg.json")));
}

TEST_CASE("ecg evaluate on a one-minute record: every annotated beat counted once, in its class") {
    if (!have(small + ".hea")) return;
    const auto r = run_command(bin + " ecg evaluate --records " + small + " --json --quiet", false);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const auto expected = expected_counts(small);
    std::uint64_t total = 0;
    for (auto x : expected) total += x;
    CHECK(total == 73); // 74 beats in the minute; the first one's window starts before the record
    CHECK(j["beats"] == total);
    const char* cls[] = {"N", "S", "V", "F", "Q"};
    std::uint64_t in_matrix = 0;
    for (std::size_t c = 0; c < 5; ++c) {
        std::uint64_t row = 0;
        for (auto x : j["confusion"][c]) row += x.get<std::uint64_t>();
        CHECK(row == expected[c]);
        CHECK(j["per_class"][cls[c]]["beats"] == expected[c]);
        in_matrix += row;
    }
    CHECK(in_matrix == total);
    CHECK(j["accuracy"].get<double>() >= 0.9);
    CHECK(j["energy_per_beat_j"].is_null()); // no --chip
    // with a chip: energy and latency per beat from the chip model
    const auto c = run_command(
        bin + " ecg evaluate --records " + small + " --chip loihi --chip-beats 3 --json --quiet", false);
    REQUIRE(c.exit_code == 0);
    const auto k = nlohmann::json::parse(c.out);
    CHECK(k["energy_per_beat_j"].get<double>() > 0);
    CHECK(k["latency_per_beat_s"].get<double>() > 0);
    CHECK(k["chip"]["beats"] == 3);
    CHECK(run_command(bin + " ecg evaluate --records " + small + " --chip nochip").exit_code == 2);
}

TEST_CASE("ecg monitor on a one-minute record: each detected beat classified, matched and drawn") {
    if (!have(small + ".hea")) return;
    temp_dir dir("ecg_monitor");
    const auto r =
        run_command(bin + " ecg monitor " + small + " --json --png " + dir.file("trace.png"), false);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const auto& beats = j["beats"];
    CHECK(beats.size() >= 70);
    CHECK(beats.size() <= 74);
    double last = -1;
    for (const auto& b : beats) {
        CHECK(b["t_s"].get<double>() > last); // in stream order
        last = b["t_s"].get<double>();
        CHECK(!b["reference"].is_null()); // every detected beat lies within 150 ms of an annotated one
        CHECK(b["latency_s"].get<double>() >= 0.4); // never before the window after the R peak has passed
    }
    CHECK(j["scores"]["beats"] == beats.size());
    CHECK(j["scores"]["accuracy"].get<double>() >= 0.9);
    std::ifstream png(dir.file("trace.png"), std::ios::binary);
    char magic[8] = {};
    png.read(magic, 8);
    CHECK(std::string(magic + 1, 3) == "PNG");
    // bad input: a missing record, a missing model
    CHECK(run_command(bin + " ecg monitor " + dir.file("none")).exit_code == 2);
    CHECK(run_command(bin + " ecg monitor " + small + " --model " + dir.path.string()).exit_code == 2);
}

TEST_CASE("the shipped ECG model on Cortex-M4 under QEMU: identical spikes, flash, RAM, instructions") {
    for (const char* t : {"arm-none-eabi-g++", "qemu-system-arm", "cmake"})
        if (run_command(std::string("command -v ") + t + " >/dev/null").exit_code != 0) {
            MESSAGE("skipped: " << t << " is not installed");
            return;
        }
    temp_dir dir("ecg_mcu");
    const auto r =
        run_command(bin + " export " + spikekit::test::source_path("apps/models/ecg/network.json") +
                        " --target mcu --verify --json --quiet --out " + dir.file("mcu"),
                    false);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["identical"] == true);
    CHECK(j["cpu"] == "cortex-m4");
    CHECK(j["flash_bytes"].get<double>() < 64 * 1024);
    CHECK(j["instructions"].get<double>() > 0);
}
