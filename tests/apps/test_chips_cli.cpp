// spikekit chips / map / run --chip from the command line.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../support/test_support.hpp"

using namespace spikekit::test;

namespace {
const std::string bin = SPIKEKIT_BIN;

// in (spike_source) -> h -> o, all to all, every weight `w` (its width decides the cores on paicore).
std::string layered_config(const temp_dir& dir, const std::string& name, int n_in, int n_h, int n_o, int w) {
    nlohmann::json c = {{"name", name},
                        {"simulation", {{"dt", 1}, {"duration", 20}}},
                        {"populations",
                         {{{"name", "in"}, {"size", n_in}, {"model", "spike_source"}},
                          {{"name", "h"}, {"size", n_h}, {"model", "lif_int"}},
                          {{"name", "o"}, {"size", n_o}, {"model", "lif_int"}}}},
                        {"projections",
                         {{{"source", "in"},
                           {"target", "h"},
                           {"connectivity", {{"rule", "all_to_all"}}},
                           {"weight", w},
                           {"delay", 1}},
                          {{"source", "h"},
                           {"target", "o"},
                           {"connectivity", {{"rule", "all_to_all"}}},
                           {"weight", w},
                           {"delay", 1}}}}};
    return dir.write(name + ".json", c.dump());
}
} // namespace

TEST_CASE("spikekit chips lists the presets and prints one with its sources") {
    auto r = run_command(bin + " chips --json", false);
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out).size() == 4);
    r = run_command(bin + " chips paicore --json", false);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["core_types"][0]["count"] == 1008);
    CHECK(j["energy_j"]["synaptic_op"] == "unknown");
    CHECK(j["core_types"][0].contains("source"));
    r = run_command(bin + " chips loihi");
    CHECK(r.out.find("synaptic_op      35.5 pJ") != std::string::npos);
    r = run_command(bin + " chips nope");
    CHECK(r.exit_code == 2);
    for (const char* v : {"chips --help", "map --help"}) CHECK(run_command(bin + " " + v).exit_code == 0);
}

TEST_CASE("spikekit map: PAIBox's counts through a config, the keys, the refusal") {
    temp_dir dir("cli_map");
    const std::pair<int, int> widths[] = {{-100, 9}, {-5, 5}, {-1, 3}, {1, 2}}; // 8, 4, 2, 1 bits
    for (const auto& [w, cores] : widths) {
        const auto f = layered_config(dir, "n" + std::to_string(cores), 784, 500, 10, w);
        auto r = run_command(bin + " map " + f + " --chip paicore --json", false);
        REQUIRE(r.exit_code == 0);
        const auto j = nlohmann::json::parse(r.out);
        CHECK(j["cores_required"] == cores);
        for (const char* k : {"chip", "fits", "cores_required", "cores_occupied", "layers", "links"})
            CHECK(j.contains(k));
        for (const char* k :
             {"population", "n_axon", "weight_bits", "lcn", "cores", "neurons_per_core", "routing_group"})
            CHECK(j["layers"][0].contains(k));
    }
    const auto big = layered_config(dir, "big", 73729, 10, 1, 1);
    auto r = run_command(bin + " map " + big + " --chip paicore");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("population 'h': 73,729 axons > 73,728 at LCN 64x (short by 1)") != std::string::npos);
}

TEST_CASE("spikekit run --chip: the chip object, a placement file, the refusal of float models") {
    temp_dir dir("cli_chip_run");
    const auto cfg = source_path("examples/chips/lif_int_layers.json");
    const auto placement = dir.file("p.json");
    REQUIRE(run_command(bin + " map " + cfg + " --chip loihi --out " + placement).exit_code == 0);
    auto r = run_command(
        bin + " run " + cfg + " --no-output --chip loihi --placement " + placement + " --json", false);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const auto& c = j["chip"];
    for (const char* k :
         {"preset", "cores_used", "steps", "energy_j", "energy_per_step_j", "latency_per_step_s", "spikes",
          "synaptic_events", "messages", "hops", "late_spikes", "energy_by_kind_j"})
        CHECK(c.contains(k));
    CHECK(c["latency_per_step_s"].contains("max"));
    auto k = run_command(bin + " run " + cfg + " --json --no-output --quiet", false);
    const auto kj = nlohmann::json::parse(k.out);
    CHECK(j["populations"]["hidden"]["spikes"] == kj["populations"]["hidden"]["spikes"]);
    r = run_command(bin + " run " + source_path("examples/cuba.json") + " --chip loihi");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("population 'exc' uses model 'lif_exp'") != std::string::npos);
    r = run_command(bin + " run " + cfg + " --no-output --chip loihi --gals");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("--gals needs a step period") != std::string::npos);
    r = run_command(bin + " run " + cfg +
                        " --no-output --chip loihi --gals --step-period 2e-6 --jitter 1e-6 --json",
                    false);
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["chip"]["mode"] == "gals");
}

TEST_CASE("spikekit run --chip paicore learns on the online cores and writes the kernel's results file") {
    temp_dir dir("cli_chip_learn");
    const auto cfg = source_path("examples/chips/online_stdp.json");
    const auto on_chip = dir.file("chip.h5"), kernel = dir.file("kernel.h5");
    auto r = run_command(bin + " run " + cfg + " --chip paicore --out " + on_chip + " --json", false);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["chip"]["weight_updates"].get<double>() > 1000);
    CHECK(j["chip"]["energy_by_kind_j"].contains("weight_update"));
    REQUIRE(run_command(bin + " run " + cfg + " --quiet --out " + kernel).exit_code == 0);
    // the same spikes, learned weights (/weights/in->learner) and config: the same bytes
    auto bytes = [](const std::string& f) {
        std::ifstream in(f, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    CHECK(bytes(on_chip).size() > 10000);
    CHECK(bytes(on_chip) == bytes(kernel));
    r = run_command(bin + " run " + cfg + " --chip loihi --no-output");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("chip 'loihi' has no online (learning) cores") != std::string::npos);
    r = run_command(bin + " map " + cfg + " --chip paicore");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("(online cores, learning)") != std::string::npos);
}

TEST_CASE("spikekit run --chip: pictures, link buffers and the link report") {
    temp_dir dir("cli_chip_pictures");
    const auto cfg = source_path("examples/chips/deep_layers.json");
    const auto heat = dir.file("chip.png"), lat = dir.file("latency.svg");
    auto r = run_command(bin + " run " + cfg + " --no-output --chip loihi --heatmap " + heat +
                             " --latency-plot " + lat + " --link-buffer 2 --json",
                         false);
    REQUIRE(r.exit_code == 0);
    const auto c = nlohmann::json::parse(r.out)["chip"];
    CHECK(c["link_buffer_depth"] == 2);
    CHECK(c["stalls"].get<std::uint64_t>() > 0);
    CHECK(c["max_queue"] == 2);
    std::uint64_t stalls = 0;
    for (const auto& [name, l] : c["links"].items()) {
        CHECK(l.contains("packets"));
        CHECK(l["max_queue"].get<std::uint32_t>() <= 2);
        stalls += l["stalls"].get<std::uint64_t>();
    }
    CHECK(stalls == c["stalls"].get<std::uint64_t>());
    CHECK(!c.contains("energy_per_inference_j")); // not a network from spikekit convert
    std::ifstream png(heat, std::ios::binary);
    char magic[4] = {};
    png.read(magic, 4);
    CHECK(std::string(magic + 1, 3) == "PNG");
    std::ifstream svg(lat);
    std::ostringstream text;
    text << svg.rdbuf();
    const std::string head = text.str();
    CHECK(head.find("<svg") != std::string::npos);
    CHECK(head.find("latency (us)") != std::string::npos);
    r = run_command(bin + " run " + cfg + " --chip loihi --latency-plot " + dir.file("x.gif"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("x.gif") != std::string::npos);
    r = run_command(bin + " run " + cfg + " --chip loihi --link-buffer -1");
    CHECK(r.exit_code == 2);
}
