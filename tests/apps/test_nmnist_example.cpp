// The shipped N-MNIST digit classifier (examples/nmnist, tools/train_nmnist_snn.py) end to end on one
// held-out recording: evaluated from its NIR graph and as the integer network, mapped on PAICORE.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "../support/test_support.hpp"

using namespace spikekit::test;

TEST_CASE("N-MNIST example: one held-out recording through NIR import, evaluate, the integer network and "
          "the PAICORE mapping") {
    const std::string bin = SPIKEKIT_BIN, ex = std::string(SPIKEKIT_SOURCE_DIR) + "/examples/nmnist/";
    const auto recording = shared_path("data/events/nmnist_small/803.bs2");
    if (!std::filesystem::exists(recording)) {
        MESSAGE("skipped: shared N-MNIST recording missing: " << recording);
        return;
    }
    temp_dir dir("nmnist_example");
    const auto list = dir.file("one.txt");
    std::ofstream(list) << "#sample #class\n" << recording << "\t6\n"; // held out: samples 801..1000
    auto eval = [&](const std::string& net, const std::string& extra) {
        auto r = run_command(
            bin + " evaluate " + ex + net + " --events " + list + " --bin 30ms --json" + extra, false);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out);
    };
    const auto f = eval("nmnist_snn.nir", " --dt 30ms");
    CHECK(f["samples"] == 1);
    CHECK(f["accuracy"] == 1.0); // the shipped model classifies this recording right (a 6)
    CHECK(f["spikes_per_sample"].get<double>() > 0.0);
    const auto q = eval("nmnist_snn_int.json", "");
    CHECK(q["accuracy"] == 1.0); // so does its 8-bit integer version
    auto map = run_command(bin + " map " + ex + "nmnist_snn_int.json --chip paicore --json", false);
    REQUIRE(map.exit_code == 0);
    const auto m = nlohmann::json::parse(map.out);
    CHECK(m["fits"] == true);
    CHECK(m["cores_required"].get<int>() <= 1008); // one chip's offline cores
}
