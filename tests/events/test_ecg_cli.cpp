// The `spikekit ecg` verbs, run as a user would: info (text and JSON), encode (HDF5 read back), and the exit
// codes and messages for bad records and options.
#include <filesystem>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "../support/test_support.hpp"
#include "spikekit/events/ecg.hpp"

using namespace spikekit;
using namespace spikekit::test;

namespace {

const std::string mitdb = SPIKEKIT_SHARED_DIR "/data/mitdb/";

std::string ecg(const std::string& arguments) {
    return std::string(SPIKEKIT_BIN) + " ecg " + arguments;
}

bool have_mitdb() {
    if (std::filesystem::exists(mitdb + "100.hea")) return true;
    MESSAGE("skipped: " << mitdb << "100.hea is missing (real MIT-BIH data from ../shared/data)");
    return false;
}

} // namespace

TEST_CASE("spikekit ecg info --json: header, signals, beats and AAMI classes of record 208") {
    if (!have_mitdb()) return;
    const auto r = run_command(ecg(mitdb + "208.hea info --json"), false);
    // The sub-verb comes first: "ecg RECORD info" is a usage error.
    CHECK(r.exit_code == 2);
    const auto ok = run_command(ecg("info " + mitdb + "208 --json"), false);
    REQUIRE(ok.exit_code == 0);
    const auto j = nlohmann::json::parse(ok.out);
    CHECK(j["fs_hz"] == 360.0);
    CHECK(j["samples"] == 650000);
    REQUIRE(j["signals"].size() == 2);
    CHECK(j["signals"][0]["description"] == "MLII");
    CHECK(j["signals"][1]["description"] == "V1");
    CHECK(j["signals"][0]["checksum_ok"] == true);
    CHECK(j["beats"]["V"] == 992);
    CHECK(j["aami"] == nlohmann::json({{"N", 1586}, {"S", 2}, {"V", 992}, {"F", 373}, {"Q", 2}}));

    const auto text = run_command(ecg("info " + mitdb + "208"));
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("AAMI       F 373 N 1586 Q 2 S 2 V 992") != std::string::npos);
    CHECK(run_command(ecg("--help")).exit_code == 0);

    // Record 100 starts with a '+' rhythm annotation "(N" (README); rhythm texts are counted.
    const auto r100 = run_command(ecg("info " + mitdb + "100 --json"), false);
    REQUIRE(r100.exit_code == 0);
    CHECK(nlohmann::json::parse(r100.out)["rhythms"]["(N"].get<int>() >= 1);
}

TEST_CASE("spikekit ecg encode: writes the HDF5 layout, options change the encoding") {
    if (!have_mitdb()) return;
    temp_dir dir("ecg_cli_encode");
    const auto out = dir.file("100.h5");
    const auto r =
        run_command(ecg("encode " + mitdb + "100 --out " + out + " --threshold 0.1 --leads 1 --json"), false);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const auto e = events::read_encoded_hdf5(out);
    CHECK(j["events"] == e.events.size());
    CHECK(e.leads == std::vector<std::string>{"V5"});
    CHECK(e.params.lc.threshold_mv == 0.1);
    CHECK(j["leads"][0]["rmse_mv"].get<double>() < 0.1);

    // A finer threshold gives more events.
    const auto fine = run_command(
        ecg("encode " + mitdb + "100 --out " + out + " --threshold 0.02 --leads 1 --json"), false);
    REQUIRE(fine.exit_code == 0);
    CHECK(nlohmann::json::parse(fine.out)["events"].get<std::size_t>() > 2 * e.events.size());
}

TEST_CASE("spikekit ecg: bad records and options exit 2 with the file and position") {
    temp_dir dir("ecg_cli_bad");
    dir.write("r.hea", "r 1 360 100\nr.dat 212 200 11 1024 0 0 0 MLII\n");
    auto r = run_command(ecg("info " + dir.file("r")));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("r.hea: signal 0: signal file 'r.dat' not found") != std::string::npos);

    dir.write("r.dat", std::string(150, '\0'));
    dir.write("r.atr", std::string("\x05\x04", 2)); // one N annotation, no end marker
    r = run_command(ecg("info " + dir.file("r")));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("r.atr: byte 2: no end-of-annotations marker") != std::string::npos);

    dir.write("bad.hea", "bad 1 360 100\nbad.dat 212 200x 11\n");
    r = run_command(ecg("info " + dir.file("bad.hea")));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("bad.hea: line 2: gain") != std::string::npos);

    CHECK(run_command(ecg("info")).exit_code == 2);
    CHECK(run_command(ecg("encode " + dir.file("r"))).exit_code == 2); // no --out
    CHECK(run_command(ecg("encode " + dir.file("r") + " --out x.h5 --threshold -1")).exit_code == 2);
    r = run_command(ecg("encode " + dir.file("r") + " --out x.h5 --band 40,5"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("--band: low corner 40") != std::string::npos);
    CHECK(run_command(ecg("encode " + dir.file("r") + " --out x.h5 --leads 3")).exit_code == 2);
}
