// libFuzzer target for the checkpoint reader (simulation::restore_checkpoint). Built and run by
// run_checkpoint_fuzz.sh.
//
// Raw bytes would mostly exercise libhdf5's own parser (and be refused by the per-dataset CRC); what needs
// fuzzing is the validation of what the datasets hold. So each input is a list of byte patches applied to
// the datasets of a real checkpoint (a small network with every kind of state: exact-integration and
// event-driven neurons, integer neurons, spike sources with cursors, Poisson drive, delays, spike and state
// recorders), rewritten through io::h5 either with fresh CRCs (so only validation stands between the patch
// and the kernel) or in the version-1 layout (no CRCs at all). An accepted checkpoint is then run on for
// 5 ms. The only acceptable outcomes are a run or a spikekit::error; a crash, a sanitizer report or another
// exception is a finding.
//
// Input: byte 0 selects the layout (even: version 2 with fresh CRCs, odd: version 1); then 6-byte patches
// (dataset index, 4-byte little-endian offset, value), indices and offsets taken modulo what exists.
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

#include "../support/checkpoint_rewrite.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/neurons/models.hpp"

namespace {

constexpr const char* network = R"({"simulation": {"dt": 0.1, "duration": 40, "seed": 3},
  "populations": [
    {"name": "exp", "size": 20, "model": "lif_exp", "params": {"E_L": -49, "V_th": -50, "V_reset": -60, "t_ref": 2},
     "initial": {"V_m": {"uniform": {"low": -60, "high": -50}}}},
    {"name": "lazy", "size": 10, "model": "lif_delta", "params": {"E_L": 0, "V_th": 20, "V_reset": 10}},
    {"name": "int", "size": 5, "model": "lif_int"},
    {"name": "src", "size": 3, "model": "spike_source", "spike_times": [[1, 5, 15, 30], [12], [2, 39]]}],
  "projections": [
    {"source": "exp", "target": "exp", "connectivity": {"rule": "fixed_probability", "p": 0.2}, "weight": 20,
     "delay": {"uniform": {"low": 0.1, "high": 3}}},
    {"source": "exp", "target": "lazy", "connectivity": {"rule": "all_to_all"}, "weight": 4, "delay": 1.5},
    {"source": "src", "target": "int", "connectivity": {"rule": "all_to_all"}, "weight": 40, "delay": 1}],
  "inputs": [{"type": "poisson", "target": "exp", "rate": 2000, "weight": 20}],
  "record": {"spikes": [{"population": "exp"}, {"population": "int"}, {"population": "src"}],
             "state": [{"population": "exp", "variables": ["V_m"], "neurons": [0, 3], "interval": 0.5}]}})";

struct setup {
    spikekit::model_registry models = spikekit::neurons::builtin_models();
    spikekit::network_description desc = spikekit::parse_config(network, "fuzz.json", models);
    std::string base = "/tmp/spikekit_fuzz_checkpoint_base_" + std::to_string(::getpid()) + ".h5";
    std::string scratch = "/tmp/spikekit_fuzz_checkpoint_" + std::to_string(::getpid()) + ".h5";
    setup() {
        spikekit::simulation sim(desc, models, 1);
        sim.run(10);
        sim.save_checkpoint(base);
    }
    ~setup() {
        std::remove(base.c_str());
        std::remove(scratch.c_str());
    }
};

const setup& fixture() {
    static const setup s;
    return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& f = fixture();
    const auto form = size > 0 && (data[0] & 1) ? spikekit::test::rewrite_form::version1
                                                : spikekit::test::rewrite_form::checksummed;
    std::size_t index = 0;
    const auto edit = [&](const std::string&, std::span<std::byte> bytes) {
        for (std::size_t at = 1; at + 6 <= size; at += 6)
            if (data[at] == index % 256 && !bytes.empty()) {
                const std::uint32_t off = data[at + 1] | data[at + 2] << 8 | data[at + 3] << 16 |
                                          static_cast<std::uint32_t>(data[at + 4]) << 24;
                bytes[off % bytes.size()] = static_cast<std::byte>(data[at + 5]);
            }
        ++index;
    };
    spikekit::test::rewrite_checkpoint(f.base, f.scratch, form, edit);
    try {
        (void)spikekit::simulation::checkpoint_config(f.scratch);
        spikekit::simulation sim(f.desc, f.models, 1);
        sim.restore_checkpoint(f.scratch);
        sim.run(5);
    } catch (const spikekit::error&) {
    }
    return 0;
}
