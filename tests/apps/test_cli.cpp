#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "../support/test_support.hpp"
#include "spikekit/io/h5.hpp"

using namespace spikekit::test;

namespace {
const std::string bin = SPIKEKIT_BIN;
}

TEST_CASE("spikekit run prints a JSON summary with the documented keys and writes the output") {
    temp_dir dir("cli_run");
    const auto out = dir.file("cuba.h5");
    auto r = run_command(bin + " run " + source_path("examples/cuba.json") +
                             " --duration 200 --json --quiet --out " + out,
                         false);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    for (const char* k :
         {"neurons", "synapses", "spikes", "mean_rate_hz", "populations", "sim_ms", "build_s", "run_s"})
        CHECK(j.contains(k));
    CHECK(j["neurons"] == 4000);
    CHECK(j["sim_ms"].get<double>() == doctest::Approx(200.0));
    CHECK(j["populations"]["exc"]["size"] == 3200);
    CHECK(j["mean_rate_hz"].get<double>() > 1.0);
    CHECK(std::filesystem::exists(out));
}

TEST_CASE("spikekit run: seed and threads options change what they should") {
    auto run = [](const std::string& extra) {
        auto r = run_command(bin + " run " + source_path("examples/cuba.json") +
                                 " --duration 100 --json --quiet --no-output " + extra,
                             false);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out)["spikes"].get<long>();
    };
    const long base = run("");
    CHECK(run("--threads 2") == base);
    CHECK(run("--seed 99") != base);
}

TEST_CASE("help on every verb, exit code 0") {
    for (const char* v : {"--help", "run --help", "models --help"}) {
        auto r = run_command(bin + " " + v);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("usage: spikekit") != std::string::npos);
    }
}

TEST_CASE("bad input exits with code 2 and a message naming the file and the position") {
    temp_dir dir("cli_bad");
    SUBCASE("bad config value") {
        const auto f = dir.write(
            "bad.json",
            R"({"populations": [{"name": "a", "size": 10, "model": "lif_exp", "params": {"tau_m": -1}}]})");
        auto r = run_command(bin + " run " + f);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find(f + ": populations[0].params.tau_m: expected a value > 0 ms, got -1") !=
              std::string::npos);
    }
    SUBCASE("truncated config") {
        const auto f = dir.write("trunc.json", R"({"populations": [{"name": "a", "si)");
        auto r = run_command(bin + " run " + f);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("line 1, column") != std::string::npos);
    }
    SUBCASE("missing file") {
        auto r = run_command(bin + " run " + dir.file("nope.json"));
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("cannot open") != std::string::npos);
    }
    SUBCASE("binary garbage") {
        const auto f = dir.write("garbage.json", std::string("\x00\xff\x13garbage", 10));
        auto r = run_command(bin + " run " + f);
        CHECK(r.exit_code == 2);
    }
    SUBCASE("unknown option, bad number, unknown verb") {
        CHECK(run_command(bin + " run " + source_path("examples/cuba.json") + " --frobnicate").exit_code ==
              2);
        CHECK(run_command(bin + " run " + source_path("examples/cuba.json") + " --threads many").exit_code ==
              2);
        CHECK(run_command(bin + " run " + source_path("examples/cuba.json") + " --duration -5").exit_code ==
              2);
        CHECK(run_command(bin + " fly").exit_code == 2);
        CHECK(run_command(bin).exit_code == 2);
    }
}

TEST_CASE("an output that cannot be written is refused before the build (exit 2, the path named)") {
    temp_dir dir("cli_out_checks");
    const auto cfg = source_path("examples/cuba.json");
    auto refused = [&](const std::string& opts, const std::string& message) {
        // --max-memory 1B would refuse the build itself: the output check comes first.
        const auto r = run_command(bin + " run " + cfg + " --duration 10 --quiet --max-memory 1B " + opts);
        CAPTURE(opts);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find(message) != std::string::npos);
        CHECK(r.out.find("needs about") == std::string::npos);
    };
    refused("--out /nonexistent/dir/x.h5",
            "/nonexistent/dir/x.h5: --out: the directory '/nonexistent/dir' does not exist");
    refused("--out " + dir.path.string(), dir.path.string() + ": --out: is a directory");
    refused("--out " + dir.path.string() + "/", "--out: is a directory");
    refused("--out " + cfg, cfg + ": --out: is the input " + cfg);
    refused("--out ''", "option --out needs a value, got an empty string"); // refused by the option parser itself
    const auto file = dir.write("plain.txt", "x");
    refused("--out " + file + "/x.h5", "is not a directory");
    refused("--no-output --checkpoint /nonexistent/c.h5",
            "/nonexistent/c.h5: --checkpoint: the directory '/nonexistent' does not exist");
    refused("--out " + dir.file("a.h5") + " --checkpoint " + dir.file("a.h5"),
            "--checkpoint and --out name the same file");
}

TEST_CASE("durations of more than 2^53 steps and networks beyond the memory limit are refused up front") {
    const auto cfg = source_path("examples/cuba.json");
    auto r = run_command(bin + " run " + cfg + " --duration 1e300 --no-output --quiet");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("--duration: 1e+300 ms is") != std::string::npos);
    r = run_command(bin + " run " + cfg + " --no-output --quiet --max-memory 1MB");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(cfg + ": the network needs about") != std::string::npos);
    CHECK(r.out.find("more than the 1 MB of --max-memory 1MB") != std::string::npos);
    r = run_command(bin + " run " + cfg + " --no-output --quiet --max-memory 4ms");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("--max-memory expects a size such as 4GB") != std::string::npos);
    CHECK(
        run_command(bin + " run " + cfg + " --duration 10 --no-output --quiet --max-memory 4GB").exit_code ==
        0);
}

TEST_CASE("spikekit models lists the models and describes one") {
    auto r = run_command(bin + " models");
    CHECK(r.exit_code == 0);
    for (const char* m :
         {"lif_delta", "lif_exp", "lif_cond_exp", "izhikevich", "adex", "lif_int", "if_delta"})
        CHECK(r.out.find(m) != std::string::npos);
    auto one = run_command(bin + " models lif_exp --json", false);
    REQUIRE(one.exit_code == 0);
    const auto j = nlohmann::json::parse(one.out);
    CHECK(j["lif_exp"]["params"][0]["name"] == "C_m");
}

TEST_CASE("spikekit run --checkpoint then --resume gives the spikes of an uninterrupted run") {
    temp_dir dir("cli_checkpoint");
    const auto cfg = source_path("examples/cuba.json");
    auto json_of = [](const std::string& cmd) {
        auto r = run_command(cmd, false);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out);
    };
    const auto whole = json_of(bin + " run " + cfg + " --duration 200 --json --quiet --no-output");
    const auto cp = dir.file("cp.h5");
    const auto first = json_of(bin + " run " + cfg + " --duration 200 --checkpoint-at 70 --checkpoint " + cp +
                               " --json --quiet --no-output");
    CHECK(first["spikes"] == whole["spikes"]); // taking a checkpoint does not disturb the run
    const auto resumed = json_of(bin + " run --resume " + cp + " --threads 2 --json --quiet --no-output");
    CHECK(resumed["resumed_at_ms"].get<double>() == doctest::Approx(70.0));
    CHECK(resumed["sim_ms"].get<double>() == doctest::Approx(200.0));
    CHECK(resumed["populations"] == whole["populations"]);
    CHECK(resumed["synaptic_events"] == whole["synaptic_events"]);

    auto r = run_command(bin + " run " + cfg + " --checkpoint-at 50 --quiet --no-output");
    CHECK(r.exit_code == 2);
    r = run_command(bin + " run --resume " + dir.write("junk.h5", "junk") + " --quiet --no-output");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("junk.h5") != std::string::npos);
    r = run_command(bin + " run --resume " + cp + " " + source_path("examples/coba.json") +
                    " --quiet --no-output");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("another network") != std::string::npos);
}

namespace {
// A config of about 4 MB: 2,000 spike sources with 150 spike times each, driving 10 neurons.
std::string big_config(const temp_dir& dir) {
    std::string times;
    for (int k = 0; k < 150; ++k) times += (k ? ", " : "") + std::to_string(0.1 + 0.6 * k);
    std::string lists;
    for (int i = 0; i < 2000; ++i) lists += (i ? ", [" : "[") + times + "]";
    return dir.write("big.json", R"({"name": "big", "simulation": {"duration": 20},
      "populations": [{"name": "s", "size": 2000, "model": "spike_source", "spike_times": [)" + lists + R"(]},
                      {"name": "n", "size": 10, "model": "lif_delta"}],
      "projections": [{"source": "s", "target": "n", "connectivity": {"rule": "fixed_indegree", "n": 5}, "weight": 1}],
      "record": {"spikes": [{"population": "n"}]}})");
}
} // namespace

TEST_CASE("a config of several MB survives run --out, --checkpoint and --resume (issue #12 item 1)") {
    temp_dir dir("cli_big_config");
    const auto cfg = big_config(dir);
    REQUIRE(std::filesystem::file_size(cfg) > 3'000'000);
    std::filesystem::create_directories(dir.path / "od");
    auto r = run_command(bin + " run " + cfg + " --quiet --out " + dir.file("od/out.h5") + " --checkpoint-at 10 --checkpoint " +
                         dir.file("cp.h5"));
    CAPTURE(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(spikekit::io::h5::reader(dir.file("od/out.h5")).read_string("/spikekit/config").size() > 3'000'000);
    r = run_command(bin + " run --resume " + dir.file("cp.h5") + " --quiet --out " + dir.file("resumed.h5"));
    CHECK(r.exit_code == 0);
    CHECK(spikekit::io::h5::reader(dir.file("resumed.h5")).read_doubles("/spikes/n/timestamps") ==
          spikekit::io::h5::reader(dir.file("od/out.h5")).read_doubles("/spikes/n/timestamps"));
}

TEST_CASE("--resume F --duration D before the checkpoint's time is refused, saying what duration means") {
    temp_dir dir("cli_resume_duration");
    const auto cp = dir.file("cp.h5");
    auto r = run_command(bin + " run " + source_path("examples/cuba.json") + " --duration 50 --quiet --no-output --checkpoint " + cp);
    REQUIRE(r.exit_code == 0);
    r = run_command(bin + " run --resume " + cp + " --duration 20 --quiet --out " + dir.file("x.h5"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("the checkpoint is at t = 50 ms, after the end of this run at 20 ms") != std::string::npos);
    CHECK(r.out.find("--duration is the end time counted from t = 0") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("x.h5")));
    r = run_command(bin + " run --resume " + cp + " --duration 60 --quiet --json --out " + dir.file("y.h5"), false);
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["sim_ms"].get<double>() == doctest::Approx(60.0));
}

TEST_CASE("an empty --out is refused up front; write errors name the user's file, not the temporary") {
    temp_dir dir("cli_out_paths");
    auto r = run_command(bin + " run " + source_path("examples/cuba.json") + " --duration 10 --quiet --out \"\"");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("option --out needs a value, got an empty string") != std::string::npos);
    // Events whose second time stamp does not fit EVT 2.0: the writer's error names od/out.raw.
    const auto in = dir.file("in.h5");
    {
        spikekit::io::h5::writer w(in);
        w.group("/events");
        w.attr_u32("/events", "width", 4);
        w.attr_u32("/events", "height", 4);
        w.write("/events/t", std::vector<std::int64_t>{0, std::int64_t{1} << 35});
        w.write("/events/x", std::vector<std::uint16_t>{1, 2});
        w.write("/events/y", std::vector<std::uint16_t>{1, 2});
        w.write("/events/p", std::vector<std::uint8_t>{1, 0});
        w.close();
    }
    std::filesystem::create_directories(dir.path / "od");
    const auto out = dir.file("od/out.raw");
    r = run_command(bin + " events convert " + in + " " + out + " --quiet");
    CAPTURE(r.out);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(out + ": event 1: time") != std::string::npos);
    CHECK(r.out.find(".tmp.") == std::string::npos);
    CHECK(std::filesystem::is_empty(dir.path / "od"));
}
