// spikekit export NET.json --target mcu: the network as a C++ project for the freestanding MCU runtime
// (the exporter library, exporter/), optionally verified under QEMU against the kernel.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "spikekit/core/config.hpp"
#include "spikekit/events/replay.hpp"
#include "spikekit/exporter/mcu.hpp"
#include "spikekit/neurons/models.hpp"
#include "verbs.hpp"

namespace spikekit::app {
namespace {
namespace ex = spikekit::exporter;

constexpr const char* mcu_help = R"(usage: spikekit export NET.json --target mcu --out DIR [options]

Write the integer network NET.json (lif_int populations fed by spike_source populations) as a
self-contained C++ project for the freestanding MCU runtime: the model as const arrays (flash) with
constexpr sizes, the runtime and its integer arithmetic, a host program and a Cortex-M program that replay
the network's own inputs (or, for the host program, events "STEP CHANNEL" on stdin with --stdin) and
print the output spikes, a CMakeLists.txt and one toolchain file per core:
  cmake -S DIR -B B && cmake --build B                                      host: B/snn_host
  cmake -S DIR -B B -DCMAKE_TOOLCHAIN_FILE=DIR/cortex-m4.cmake && cmake --build B  B/snn_mcu.elf
Float models are refused (exit 2, population named): convert them with spikekit convert --out-bits.

options:
  --out DIR         directory to write (created; files in it are replaced)
  --cpu CORE        cortex-m0plus | m3 | m4 (default) | m7 | m33: the core --verify builds and runs;
                    QEMU machines: microbit (Cortex-M0 CPU, same ARMv6-M ISA as the M0+), mps2-an385,
                    mps2-an386, mps2-an500, mps2-an505
  --flash-kb N      flash budget: the link fails above it (default: the QEMU machine's memory)
  --ram-kb N        RAM budget, stack included: the link fails above it (default: the machine's memory)
  --verify          build both programs, run the ELF under qemu-system-arm and the host program, compare
                    their spikes with the kernel's run of the same network and input; prints identical,
                    flash_bytes, ram_bytes, stack_bytes, instructions_per_step (exit 1 on a mismatch,
                    with the first differing spike)
  --json            print the summary as JSON on stdout
  --quiet           no progress on stderr
  --help            this text

exit codes: 0 ok, 1 runtime failure or mismatch, 2 bad input (config, option, model the runtime cannot run)
)";

nlohmann::json summary_json(const ex::mcu_model& m, const std::string& dir, const std::string& cpu) {
    std::uint64_t synapses = 0;
    nlohmann::json projs = nlohmann::json::array();
    for (const auto& p : m.projs) {
        synapses += p.synapses;
        const char* kind = p.type == ex::mcu_projection::kind::dense    ? "dense"
                           : p.type == ex::mcu_projection::kind::sparse ? "sparse"
                                                                        : "conv2d";
        projs.push_back({{"name", p.name}, {"kind", kind}, {"synapses", p.synapses}});
    }
    return {{"network", m.name},
            {"out", dir},
            {"cpu", cpu},
            {"inputs", m.n_inputs},
            {"neurons", m.n_neurons},
            {"synapses", synapses},
            {"steps", m.steps},
            {"input_events", m.events.size()},
            {"accumulator_words", m.acc_size},
            {"plastic_projections", m.stdp.size()},
            {"state_bytes", m.state_bytes()},
            {"model_bytes", m.model_bytes()},
            {"projections", projs}};
}

} // namespace

int export_mcu(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--quiet", "--help", "--verify"},
           {"--target", "--out", "--cpu", "--flash-kb", "--ram-kb"});
    if (a.flag("--help")) {
        std::cout << mcu_help;
        return ok;
    }
    if (a.positional().size() != 1)
        throw usage_error("export expects one NET.json (see spikekit export --target mcu --help)");
    const auto out = a.get("--out");
    if (!out) throw usage_error("export --target mcu needs --out DIR");
    ex::mcu_options o;
    o.out_dir = *out;
    o.cpu = ex::find_cpu(a.get("--cpu").value_or("cortex-m4")).name;
    if (a.get("--flash-kb")) o.flash_kb = static_cast<std::uint32_t>(a.integer("--flash-kb", 0, 1, 1 << 20));
    if (a.get("--ram-kb")) o.ram_kb = static_cast<std::uint32_t>(a.integer("--ram-kb", 0, 1, 1 << 20));
    const bool quiet = a.flag("--quiet");
    auto log = [&](const std::string& s) {
        if (!quiet) std::fprintf(stderr, "spikekit export: %s\n", s.c_str());
    };

    const auto models = neurons::builtin_models();
    auto desc = load_config(a.positional()[0], models);
    events::resolve_replays(desc);
    const auto m = ex::lower_for_mcu(desc, models);
    ex::write_mcu_project(m, o);
    auto j = summary_json(m, o.out_dir, o.cpu);
    if (!a.flag("--verify")) {
        if (a.flag("--json")) {
            std::cout << j.dump(2) << "\n";
        } else {
            std::printf("wrote %s: %u inputs, %u neurons, %llu synapses, %u steps, %zu input events\n",
                        o.out_dir.c_str(), m.n_inputs, m.n_neurons,
                        static_cast<unsigned long long>(j["synapses"].get<std::uint64_t>()), m.steps,
                        m.events.size());
            std::printf("state %llu bytes RAM, model tables ~%llu bytes flash\n",
                        static_cast<unsigned long long>(m.state_bytes()),
                        static_cast<unsigned long long>(m.model_bytes()));
        }
        return ok;
    }
    const auto r = ex::verify_mcu(desc, models, m, o, log);
    j["identical"] = r.identical;
    j["first_difference"] = r.first_difference;
    j["kernel_spikes"] = r.kernel_spikes;
    j["host_spikes"] = r.host_spikes;
    j["mcu_spikes"] = r.mcu_spikes;
    j["plastic_weights"] = r.plastic_weights;
    j["weight_changes"] = r.weight_changes;
    j["flash_bytes"] = r.flash_bytes;
    j["ram_bytes"] = r.ram_bytes;
    j["stack_reserved_bytes"] = r.stack_reserved_bytes;
    j["stack_bytes"] = r.stack_bytes;
    j["runtime_code_bytes"] = r.runtime_code_bytes;
    j["instructions"] = r.instructions;
    j["instructions_per_step"] = r.instructions_per_step;
    j["instructions_max_step"] = r.instructions_max_step;
    j["synaptic_events"] = r.synaptic_events;
    j["neuron_updates"] = r.neuron_updates;
    j["machine"] = ex::find_cpu(o.cpu).machine;
    if (a.flag("--json")) {
        std::cout << j.dump(2) << "\n";
    } else {
        std::printf("identical            %s (kernel %llu spikes, host %llu, %s %llu)\n",
                    r.identical ? "yes" : "NO", static_cast<unsigned long long>(r.kernel_spikes),
                    static_cast<unsigned long long>(r.host_spikes), o.cpu.c_str(),
                    static_cast<unsigned long long>(r.mcu_spikes));
        if (!m.stdp.empty())
            std::printf("final weights        %s (%llu plastic synapses, %llu STDP changes on the MCU)\n",
                        r.identical ? "identical" : "compared",
                        static_cast<unsigned long long>(r.plastic_weights),
                        static_cast<unsigned long long>(r.weight_changes));
        if (!r.identical) std::printf("first difference     %s\n", r.first_difference.c_str());
        std::printf("flash_bytes          %llu (runtime code %llu)\n",
                    static_cast<unsigned long long>(r.flash_bytes),
                    static_cast<unsigned long long>(r.runtime_code_bytes));
        std::printf("ram_bytes            %llu + stack reserved %llu\n",
                    static_cast<unsigned long long>(r.ram_bytes),
                    static_cast<unsigned long long>(r.stack_reserved_bytes));
        std::printf("stack_bytes          %llu (measured high-water mark)\n",
                    static_cast<unsigned long long>(r.stack_bytes));
        std::printf("instructions_max_step %llu (the busiest step)\n",
                    static_cast<unsigned long long>(r.instructions_max_step));
        std::printf(
            "instructions_per_step %.1f (%llu steps, %llu synaptic events, %llu neuron updates; QEMU plugin "
            "count inside engine::step)\n",
            r.instructions_per_step, static_cast<unsigned long long>(r.steps),
            static_cast<unsigned long long>(r.synaptic_events),
            static_cast<unsigned long long>(r.neuron_updates));
    }
    return r.identical ? ok : failure;
}

} // namespace spikekit::app
