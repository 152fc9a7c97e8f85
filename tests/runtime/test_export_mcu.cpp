// spikekit export --target mcu: refusals (exit 2, named), the link-time budget, and --verify on the three
// inputs of issue #14 (an ECG record by level crossing, an N-MNIST sample, a converted Fashion-MNIST CNN),
// identical on the host and under QEMU on Cortex-M0+ (or M3), M4 and M33. The QEMU cases skip with a
// message when the ARM toolchain, qemu-system-arm or the shared data are absent.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../support/test_support.hpp"

using spikekit::test::run_command;
using spikekit::test::temp_dir;

namespace {

const std::string bin = SPIKEKIT_BIN;

bool have_arm_tools(std::string& missing) {
    for (const char* t : {"arm-none-eabi-g++", "qemu-system-arm", "cmake"})
        if (run_command(std::string("command -v ") + t + " >/dev/null").exit_code != 0) {
            missing = t;
            return false;
        }
    return true;
}

// An example config with its recording path made absolute (../shared of this checkout) and, if asked, a
// shorter run. Empty when the recording is missing.
std::string example(const temp_dir& dir, const std::string& name, const std::string& data, double duration) {
    if (!std::filesystem::exists(spikekit::test::shared_path(data))) return {};
    std::ifstream in(spikekit::test::source_path("examples/mcu/" + name));
    auto j = nlohmann::json::parse(in);
    j["populations"][0]["replay"]["file"] = spikekit::test::shared_path(data);
    if (duration > 0) j["simulation"]["duration"] = duration;
    return dir.write(name, j.dump(1));
}

nlohmann::json verify(const std::string& config, const std::string& out, const std::string& cpu) {
    const auto r = run_command(bin + " export " + config + " --target mcu --out " + out + " --cpu " + cpu +
                                   " --verify --json --quiet",
                               false);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
}

void check_identical(const nlohmann::json& j) {
    INFO(j.dump(1));
    CHECK(j["identical"].get<bool>());
    CHECK(j["kernel_spikes"].get<std::uint64_t>() > 0);
    CHECK(j["mcu_spikes"] == j["kernel_spikes"]);
    CHECK(j["host_spikes"] == j["kernel_spikes"]);
    CHECK(j["instructions_per_step"].get<double>() > 0);
    CHECK(j["stack_bytes"].get<std::uint64_t>() > 0);
    CHECK(j["stack_bytes"].get<std::uint64_t>() < j["stack_reserved_bytes"].get<std::uint64_t>());
    CHECK(j["runtime_code_bytes"].get<std::uint64_t>() <= 4096);
}

const char* tiny_int = R"({"simulation": {"dt": 1.0, "duration": 20},
  "populations": [{"name": "in", "size": 3, "model": "spike_source", "spike_times": [[1, 4], [2], [5, 9]]},
                  {"name": "n", "size": 4, "model": "lif_int", "params": {"threshold": 20}}],
  "projections": [{"source": "in", "target": "n", "receptor": "exc", "connectivity": {"rule": "all_to_all"},
                   "weight": 11, "delay": 2}]})";

} // namespace

TEST_CASE("export --target mcu: a float model is refused with the population named and convert pointed to") {
    temp_dir dir("mcu_refuse");
    const auto cfg = dir.write("float.json", R"({"populations": [
      {"name": "in", "size": 1, "model": "spike_source", "spike_times": [[1]]},
      {"name": "cortex", "size": 2, "model": "lif_delta"}],
      "projections": [{"source": "in", "target": "cortex", "receptor": "exc", "connectivity": {"rule": "all_to_all"},
                       "weight": 1.0}]})");
    auto r = run_command(bin + " export " + cfg + " --target mcu --out " + dir.file("o"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("populations[1] (cortex)") != std::string::npos);
    CHECK(r.out.find("--out-bits") != std::string::npos);
    // non-integer weights into lif_int: named too
    const auto frac = dir.write("frac.json", R"({"populations": [
      {"name": "in", "size": 1, "model": "spike_source", "spike_times": [[1]]},
      {"name": "n", "size": 2, "model": "lif_int"}],
      "projections": [{"name": "p", "source": "in", "target": "n", "receptor": "exc",
                       "connectivity": {"rule": "all_to_all"}, "weight": 1.5}]})");
    r = run_command(bin + " export " + frac + " --target mcu --out " + dir.file("o"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("projections[0].weight") != std::string::npos);
    r = run_command(bin + " export " + frac + " --target mcu --out " + dir.file("o") + " --cpu cortex-a9");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("--cpu") != std::string::npos);
    r = run_command(bin + " export " + frac + " --target fpga --out " + dir.file("o"));
    CHECK(r.exit_code == 2);
}

TEST_CASE("export --target mcu: the written project is self-contained and its host program replays stdin") {
    temp_dir dir("mcu_project");
    const auto cfg = dir.write("tiny.json", tiny_int);
    const std::string out = dir.file("proj");
    auto r = run_command(bin + " export " + cfg + " --target mcu --out " + out + " --json", false);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["neurons"] == 4);
    CHECK(j["inputs"] == 3);
    CHECK(j["input_events"] == 5);
    for (const char* f :
         {"CMakeLists.txt", "cortex-m0plus.cmake", "cortex-m3.cmake", "cortex-m4.cmake", "cortex-m7.cmake",
          "cortex-m33.cmake", "model/model.cpp", "model/model.hpp", "runtime/src/engine.cpp",
          "runtime/include/spikekit/runtime/engine.hpp", "board/cortex-m.ld", "app/main_host.cpp"})
        CHECK_MESSAGE(std::filesystem::exists(out + "/" + f), f);
    r = run_command("cmake -S " + out + " -B " + out + "/b >/dev/null && cmake --build " + out +
                    "/b >/dev/null");
    REQUIRE(r.exit_code == 0);
    // channel 1 at step 3: the four neurons get 11 at step 5, below threshold; channels 0 and 2 at step 6
    // too: 22 at step 8 -> every neuron spikes at step 8.
    r = run_command("printf '3 1\\n6 0\\n6 2\\n' | " + out + "/b/snn_host --stdin --steps 12", false);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("spike 8 0 0\nspike 8 0 1\nspike 8 0 2\nspike 8 0 3\n") != std::string::npos);
    CHECK(r.out.find("spike 5 ") == std::string::npos);
}

TEST_CASE("export --target mcu: the link fails when the image exceeds --flash-kb or --ram-kb") {
    std::string missing;
    if (!have_arm_tools(missing)) {
        MESSAGE("skipped: " << missing
                            << " is not installed (apt-get install gcc-arm-none-eabi "
                               "libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm)");
        return;
    }
    temp_dir dir("mcu_budget");
    const auto cfg = dir.write("tiny.json", tiny_int);
    auto r = run_command(bin + " export " + cfg + " --target mcu --out " + dir.file("a") +
                         " --flash-kb 1 --verify");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("region `FLASH' overflowed") != std::string::npos);
    r = run_command(bin + " export " + cfg + " --target mcu --out " + dir.file("b") + " --ram-kb 2 --verify");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("region `RAM' overflowed") != std::string::npos);
}

namespace {
// --verify of an example config (shortened to `duration` ms) on each core.
void verify_example(const std::string& name, const std::string& data, double duration,
                    std::initializer_list<const char*> cpus) {
    std::string missing;
    temp_dir dir("mcu_" + name);
    const auto cfg = example(dir, name + ".json", data, duration);
    if (!have_arm_tools(missing) || cfg.empty()) {
        MESSAGE("skipped: " << (cfg.empty() ? "../shared/" + data + " is missing"
                                            : missing + " is not installed"));
        return;
    }
    for (const char* cpu : cpus) {
        CAPTURE(cpu);
        check_identical(verify(cfg, dir.file(cpu), cpu));
    }
}
} // namespace

TEST_CASE("export --target mcu --verify: ECG level crossings into lif_int, identical on M0+, M4 and M33") {
    verify_example("ecg_lif_int", "data/mitdb_small/100s.hea", 600,
                   {"cortex-m0plus", "cortex-m4", "cortex-m33"});
}

TEST_CASE("export --target mcu --verify: an N-MNIST sample, identical on M3, M4 and M33") {
    verify_example("nmnist_lif_int", "data/events/nmnist_small/1.bs2", 80,
                   {"cortex-m3", "cortex-m4", "cortex-m33"});
}

TEST_CASE("export --target mcu --verify: a Fashion-MNIST CNN converted to 8 bits (shared conv kernels)") {
    std::string missing;
    const std::string data = "/usr/share/datasets/fashion-mnist";
    if (!have_arm_tools(missing) || !std::filesystem::exists(data + "/t10k-images-idx3-ubyte.gz")) {
        MESSAGE("skipped: " << (missing.empty() ? data + " is missing (apt-get install dataset-fashion-mnist)"
                                                : missing + " is not installed"));
        return;
    }
    temp_dir dir("mcu_cnn");
    const auto r = run_command(
        bin + " convert " + spikekit::test::source_path("tests/data/onnx/fashion_cnn.onnx") +
        " --calibration " + data + " --calibration-samples 100 --out-bits 8 --timesteps 4 --out " +
        dir.file("cnn") + " --quiet");
    REQUIRE(r.exit_code == 0);
    for (const char* cpu : {"cortex-m3", "cortex-m4", "cortex-m33"}) {
        CAPTURE(cpu);
        const auto j = verify(dir.file("cnn/network.json"), dir.file(cpu), cpu);
        check_identical(j);
        bool conv = false;
        for (const auto& p : j["projections"]) conv = conv || p["kind"] == "conv2d";
        CHECK(conv);
    }
}

TEST_CASE("export --target mcu: per-neuron bias and threshold go to flash and run as in the kernel") {
    temp_dir dir("mcu_per_neuron");
    auto j = nlohmann::json::parse(tiny_int);
    j["populations"][1]["params"] = {{"threshold", {{"values", {20, 25, 10, 40}}}},
                                     {"bias", {{"values", {0, 1, 0, 3}}}}};
    const auto cfg = dir.write("tiny.json", j.dump());
    const std::string out = dir.file("proj");
    auto r = run_command(bin + " export " + cfg + " --target mcu --out " + out + " --json", false);
    REQUIRE(r.exit_code == 0);
    std::ostringstream text;
    text << std::ifstream(out + "/model/model.cpp").rdbuf();
    const std::string model = text.str();
    CHECK(model.find("bias0[") != std::string::npos);
    CHECK(model.find("threshold0[") != std::string::npos);
    r = run_command("cmake -S " + out + " -B " + out + "/b >/dev/null && cmake --build " + out +
                    "/b >/dev/null");
    REQUIRE(r.exit_code == 0);
    // channel 1 at step 3: 11 arrives at step 5; neuron 2 (threshold 10, no bias) spikes then, neuron 0
    // (threshold 20, no bias) not before the inputs of step 6 arrive at step 8.
    r = run_command("printf '3 1\n6 0\n6 2\n' | " + out + "/b/snn_host --stdin --steps 12", false);
    CHECK(r.exit_code == 0);
    INFO(r.out);
    CHECK(r.out.find("spike 5 0 2\n") != std::string::npos);
    CHECK(r.out.find("spike 5 0 0\n") == std::string::npos);
    // the host program and, where the toolchain exists, QEMU give the kernel's spikes
    std::string missing;
    if (!have_arm_tools(missing)) {
        MESSAGE("skipped the QEMU part: " << missing << " is not installed");
        return;
    }
    check_identical(verify(cfg, dir.file("m4"), "cortex-m4"));
}
