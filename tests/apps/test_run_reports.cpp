// What spikekit run says at the end and on the way in: learned weights before and after (the figure of merit
// of the learning examples), missing input files named as written and as resolved with the run that makes
// them, and the model list's summaries and ranges.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "../support/test_support.hpp"

using namespace spikekit::test;

namespace {
const std::string bin = SPIKEKIT_BIN;
}

TEST_CASE("a plastic run reports each plastic projection's weights before and after, in text and JSON") {
    const auto r = run_command(
        bin + " run " + source_path("examples/rstdp_reward.json") + " -d 5s -q --no-output --json", false);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out)["learned_weights"];
    REQUIRE(j.contains("input_a->cell"));
    REQUIRE(j.contains("input_b->cell"));
    const auto& a = j["input_a->cell"];
    CHECK(a["synapses"] == 20);
    CHECK(a["mean_before"].get<double>() == doctest::Approx(0.15));
    std::size_t n = 0;
    for (const auto& c : a["histogram_after"]) n += c.get<std::size_t>();
    CHECK(n == 20);
    CHECK(j["input_b->cell"]["mean_before"].get<double>() == doctest::Approx(0.5));
    const auto text =
        run_command(bin + " run " + source_path("examples/rstdp_reward.json") + " -d 1s -q --no-output");
    CHECK(text.out.find("learned    input_a->cell: 20 weights, mean 0.15 -> ") != std::string::npos);
    CHECK(text.out.find("histogram over [") != std::string::npos);
}

TEST_CASE("a missing input file is named as written and as resolved, with the JSON path and its maker") {
    temp_dir dir("run_missing");
    std::filesystem::create_directories(dir.path / "cfg");
    dir.write("cfg/trained.json", "{}"); // a config beside the missing output, as examples/ has
    const auto cfg =
        dir.write("cfg/net.json", R"({"populations": [{"name": "a", "size": 2, "model": "lif_exp"}],
 "projections": [{"name": "a->a", "source": "a", "target": "a",
   "connectivity": {"rule": "hdf5", "file": "../results/trained.h5", "sources_dataset": "/s", "targets_dataset": "/t"},
   "weight": 1}]})");
    const auto r = run_command(bin + " run " + cfg + " --no-output -q");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("net.json: projections[0].connectivity.file: no such file '../results/trained.h5'") !=
          std::string::npos);
    CHECK(r.out.find("(resolved against the config's directory '" + dir.file("cfg") +
                     "': " + dir.file("results/trained.h5") + ")") != std::string::npos);
    CHECK(r.out.find("it is the output of `spikekit run " + dir.file("cfg/trained.json") + " --out " +
                     dir.file("results/trained.h5") + "`") != std::string::npos);
}

TEST_CASE("model summaries end at a sentence's end; parameter tables show the ranges") {
    const auto list = run_command(bin + " models");
    CHECK(list.out.find("bit-identical to the chip models and the MCU runtime.\n") != std::string::npos);
    const auto one = run_command(bin + " models lif_exp");
    CHECK(one.out.find("range") != std::string::npos);
    CHECK(one.out.find("> 0") != std::string::npos); // tau_m
}
