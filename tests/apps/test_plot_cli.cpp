// spikekit plot and run --plot: the pictures are made (PNG header and size, SVG text), and requests for what
// the file does not hold are refused naming what it holds.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "../support/test_support.hpp"

using namespace spikekit::test;

namespace {
const std::string bin = SPIKEKIT_BIN;

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

std::uint32_t be32(const std::string& b, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(b[at + i]);
    return v;
}

// CUBA for 100 ms with the membrane of three excitatory neurons recorded.
std::string small_run(const temp_dir& dir) {
    std::ifstream f(source_path("examples/cuba.json"));
    std::ostringstream s;
    s << f.rdbuf();
    std::string cfg = s.str();
    const std::string rec = "\"record\": {";
    cfg.replace(cfg.find(rec), rec.size(),
                rec + R"("state": [{"population": "exc", "variables": ["V_m"], "neurons": [0, 1, 2]}], )");
    const auto path = dir.write("cuba_traced.json", cfg);
    const auto r = run_command(bin + " run " + path + " -d 100ms -q -o " + dir.file("run.h5"));
    REQUIRE(r.exit_code == 0);
    return dir.file("run.h5");
}
} // namespace

TEST_CASE("run --plot writes a PNG of the raster and the rates beside the output") {
    temp_dir dir("plot_run");
    const auto r = run_command(bin + " run " + source_path("examples/cuba.json") + " --duration 50 -q -o " +
                               dir.file("c.h5") + " --plot " + dir.file("c.png"));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("plot       " + dir.file("c.png")) != std::string::npos);
    const auto png = read_file(dir.file("c.png"));
    REQUIRE(png.size() > 33);
    CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    CHECK(png.compare(12, 4, "IHDR") == 0);
    CHECK(be32(png, 16) == 1000); // width
    CHECK(be32(png, 20) >= 300);  // height
    // A picture name that is no picture is refused before the run.
    const auto bad = run_command(bin + " run " + source_path("examples/cuba.json") + " -q -o " +
                                 dir.file("d.h5") + " --plot " + dir.file("d.jpg"));
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.find("--plot expects a picture file ending in .png or .svg") != std::string::npos);
    CHECK(run_command(bin + " run " + source_path("examples/cuba.json") + " --no-output --plot " +
                      dir.file("e.png"))
              .exit_code == 2);
}

TEST_CASE("spikekit plot draws raster, rates and traces in a window as SVG with labelled axes") {
    temp_dir dir("plot_svg");
    const auto h5 = small_run(dir);
    const auto r = run_command(
        bin + " plot " + h5 + " --raster --rates --trace exc.V_m:0,2 --from 20ms --to \"0.08 s\" -j -o " +
            dir.file("p.svg"),
        false);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("\"trace exc.V_m:0,2\"") != std::string::npos);
    CHECK(r.out.find("\"from_ms\": 20.0") != std::string::npos);
    const auto svg = read_file(dir.file("p.svg"));
    for (const char* s : {">exc (3200)</text>", ">inh (800)</text>", ">time (ms)</text>", ">rate (Hz)</text>",
                          ">V_m (mV)</text>", ">exc 0</text>", ">exc 2</text>", ">80</text>"})
        CHECK_MESSAGE(svg.find(s) != std::string::npos, s);
    CHECK(svg.find(">exc 1</text>") == std::string::npos); // only the neurons asked for
}

TEST_CASE("spikekit plot refuses what the file does not hold, naming what it holds") {
    temp_dir dir("plot_bad");
    const auto h5 = small_run(dir);
    auto refused = [&](const std::string& opts, const std::string& message) {
        const auto r = run_command(bin + " plot " + h5 + " " + opts);
        CAPTURE(opts);
        CHECK(r.exit_code == 2);
        CHECK_MESSAGE(r.out.find(message) != std::string::npos, r.out);
    };
    refused("--trace inh -o " + dir.file("a.png"),
            "no state of population 'inh' was recorded; recorded: exc/V_m");
    refused("--trace exc.g_ex -o " + dir.file("a.png"), "no variable 'g_ex' recorded for exc; recorded: V_m");
    refused("--trace exc:7 -o " + dir.file("a.png"),
            "neuron 7 of exc was not recorded; recorded: 3 neurons from 0 to 2");
    refused("--trace exc:x -o " + dir.file("a.png"), "expected neuron ids such as 0,3,10-12");
    refused("--weights 'exc->inh' -o " + dir.file("a.png"), "no learned weights of projection 'exc->inh'");
    refused("-o " + dir.file("a.jpg"), "ending in .png or .svg");
    refused("--from 50ms --to 10ms -o " + dir.file("a.png"), "expected a window with --to after --from");
    refused("", "plot needs --out");
    refused("--rastre -o " + dir.file("a.png"), "did you mean '--raster'?");
    CHECK(run_command(bin + " plot " + dir.file("none.h5") + " -o " + dir.file("a.png")).exit_code == 2);
}
