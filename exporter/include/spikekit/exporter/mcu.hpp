#pragma once
// `spikekit export --target mcu`: a network description written as a self-contained C++ project for the
// freestanding MCU runtime (runtime/), and its verification under QEMU.
//
// The model is lowered with the kernel's public lowering (spikekit/core/lowering.hpp: the synapses,
// weights and delays the kernel builds from the description and its seed) and lif_int's lower_int_lif, so
// the MCU runs exactly the kernel's network. The runtime runs the integer profile only: populations of
// model lif_int, fed by spike_source populations (spike times or replays of recordings, resolved before
// the export by events::resolve_replays). Anything else is refused with an input_error naming it.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spikekit/arith/int_lif.hpp"
#include "spikekit/core/model.hpp"
#include "spikekit/core/network.hpp"

namespace spikekit::exporter {

// A Cortex-M core and the QEMU machine its ELF runs on.
struct cpu_target {
    std::string name;     // cortex-m0plus, cortex-m3, cortex-m4, cortex-m7, cortex-m33
    std::string gcc_cpu;  // -mcpu=
    std::string machine;  // qemu-system-arm -M
    std::string qemu_cpu; // qemu-system-arm -cpu
    std::uint32_t flash_origin, ram_origin;
    std::uint32_t flash_kb, ram_kb; // the machine's memory (the default budgets)
};
const std::vector<cpu_target>& cpu_targets();
const cpu_target& find_cpu(const std::string& name); // input_error for an unknown core

// The model lowered to the runtime's tables (runtime/include/spikekit/runtime/model.hpp).
struct mcu_population {
    std::string name;
    std::uint32_t first = 0, size = 0;
    intlif::params params;
    std::vector<std::int32_t> v_init; // empty: every neuron starts at v_init_all
    std::int32_t v_init_all = 0;
    std::vector<std::int32_t> bias, threshold; // per neuron when they vary; empty: params.bias / threshold
    std::uint32_t acc0 = 0, slots = 2; // its delay ring in the accumulators
};
struct mcu_projection {
    enum class kind { dense, sparse, conv2d };
    std::string name;
    kind type = kind::sparse;
    std::uint32_t delay = 1; // dense, conv2d, sparse with uniform delays
    std::uint32_t src0 = 0, n_src = 0, tgt0 = 0, n_tgt = 0, tgt_pop = 0;
    std::vector<std::int16_t> weight;
    std::vector<std::uint32_t> row_start;
    std::vector<std::uint16_t> target, delays; // sparse; delays empty when uniform
    conv2d_spec conv;
    std::vector<std::int16_t> out_row, out_col; // conv2d tap tables
    std::uint64_t synapses = 0;                 // connections (a conv2d's if expanded)
};
struct mcu_input {
    std::string name;
    std::uint32_t first = 0, size = 0; // input channels
};
struct mcu_model {
    std::string name;
    double dt_ms = 1.0;
    std::uint32_t steps = 0;
    std::uint32_t n_inputs = 0, n_neurons = 0;
    std::uint32_t acc_size = 0; // accumulator words: the populations' delay rings
    std::vector<mcu_input> inputs;
    std::vector<mcu_population> pops;
    std::vector<mcu_projection> projs;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> events; // (step, channel) in step order
    std::uint32_t queue_capacity = 16;                           // power of two >= the busiest step's events
    std::uint64_t state_bytes() const; // RAM of the runtime state (membranes, accumulators, bitmap, queue)
    std::uint64_t model_bytes() const; // flash of the const tables
};

// Lowers a description (replays resolved). input_error, naming the population, projection or input,
// for what the runtime cannot run.
mcu_model lower_for_mcu(const network_description& d, const model_registry& models);

struct mcu_options {
    std::string out_dir;
    std::string cpu = "cortex-m4";
    std::optional<std::uint32_t> flash_kb, ram_kb; // link-time budgets (default: the machine's memory)
    std::uint32_t stack_bytes = 2048;              // stack reserved by the linker script
};

// Writes the project into out_dir (every file atomically): model/, runtime/, board/, app/, tools/,
// CMakeLists.txt and one toolchain file per core.
void write_mcu_project(const mcu_model& m, const mcu_options& o);

// --verify: builds the host program and the ELF, runs both, and compares their spikes with the kernel's.
struct spike {
    std::uint32_t step, population, neuron;
    auto operator<=>(const spike&) const = default;
};
struct run_output {
    std::vector<spike> spikes;
    std::uint64_t synaptic_events = 0, neuron_updates = 0, stack_bytes = 0;
    bool complete = false; // the counters were printed (the program ran to its end)
};
run_output parse_run_output(const std::string& text);
// "" when the sorted lists are equal, else the first difference in (step, population, neuron) order, named:
// "<who> misses the kernel's spike at step S, POP[N]" or "<who> has a spike the kernel does not have at ...".
std::string first_difference(const std::vector<spike>& kernel, const std::vector<spike>& got,
                             const std::string& who, const mcu_model& m);

struct verify_report {
    bool identical = false;
    std::string first_difference; // "" when identical
    std::uint64_t kernel_spikes = 0, host_spikes = 0, mcu_spikes = 0;
    std::uint64_t flash_bytes = 0, ram_bytes = 0, stack_reserved_bytes = 0, stack_bytes = 0;
    std::uint64_t runtime_code_bytes = 0; // text of the runtime's and the arithmetic's functions in the ELF
    std::uint64_t instructions = 0;       // inside the engine's step(), callbacks excluded
    double instructions_per_step = 0.0;
    std::uint64_t instructions_max_step = 0; // the busiest step's
    std::uint64_t synaptic_events = 0, neuron_updates = 0, steps = 0;
};
using log_fn = std::function<void(const std::string&)>;
// runtime_error when a tool is missing or a build fails (the message names it).
verify_report verify_mcu(const network_description& d, const model_registry& models, const mcu_model& m,
                         const mcu_options& o, const log_fn& log);

// The kernel's spikes of every lif_int population, numbered like the runtime's populations.
std::vector<spike> kernel_spikes(const network_description& d, const model_registry& models,
                                 const mcu_model& m);

} // namespace spikekit::exporter
