// --verify of the MCU export (mcu.hpp): build the exported project for the host and for a Cortex-M core,
// run the host program and the ELF under qemu-system-arm, and compare both spike lists with the kernel's.
//
// Measures, from the ELF and its run:
//   flash_bytes = .text + .ARM.exidx + .data (load image); ram_bytes = .data + .bss (the model's state, the
//   input queue and the programs' statics); stack_reserved_bytes = the linker script's .stack;
//   stack_bytes = the painted stack's high-water mark printed at exit (a measured bound for this run);
//   runtime_code_bytes = the sizes of every spikekit:: function in the ELF (the engine and the integer
//   arithmetic it inlines or calls; not libgcc helpers such as division on ARMv6-M);
//   instructions = guest instructions executed inside engine::step() calls, counted exactly by the QEMU
//   TCG plugin tools/insncount.c between the marker functions spikekit_measure_begin/end (the output
//   callback's printing excluded). Instructions, not cycles: QEMU models no pipeline or wait states.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

#include "spikekit/core/error.hpp"
#include "spikekit/core/simulation.hpp"
#include "spikekit/exporter/mcu.hpp"
#include "spikekit/learning/rules.hpp"

namespace spikekit::exporter {
namespace fs = std::filesystem;
namespace {

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs a shell command; its stdout in `out`. Returns the exit status (-1 when it could not run).
int run(const std::string& cmd, std::string& out) {
    out.clear();
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    const int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void require_tool(const std::string& tool) {
    std::string out;
    if (run("command -v " + tool + " 2>/dev/null", out) != 0)
        throw runtime_error(
            "--verify needs " + tool +
            " (Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm "
            "cmake)");
}

std::string tail(const std::string& s, std::size_t lines) {
    std::size_t pos = s.size();
    for (std::size_t k = 0; k <= lines && pos != std::string::npos && pos > 0; ++k)
        pos = s.rfind('\n', pos - 1);
    return pos == std::string::npos ? s : s.substr(pos + 1);
}

void build(const fs::path& src, const fs::path& dir, const std::string& extra, const log_fn& log) {
    std::string out;
    log("building " + dir.string());
    const std::string cfg =
        "cmake -S " + quote(src.string()) + " -B " + quote(dir.string()) + " " + extra + " 2>&1";
    if (run(cfg, out) != 0) throw runtime_error("configuring " + dir.string() + " failed:\n" + tail(out, 20));
    if (run("cmake --build " + quote(dir.string()) + " 2>&1", out) != 0)
        throw runtime_error("building " + dir.string() + " failed:\n" + tail(out, 20));
}

struct elf_facts {
    std::uint64_t flash = 0, ram = 0, stack = 0, runtime_code = 0;
    std::string begin, end, step; // marker addresses
};

elf_facts inspect(const fs::path& elf) {
    elf_facts f;
    std::string out;
    if (run("arm-none-eabi-size -A -d " + quote(elf.string()), out) != 0)
        throw runtime_error(elf.string() + ": arm-none-eabi-size failed");
    std::istringstream sizes(out);
    for (std::string line; std::getline(sizes, line);) {
        std::istringstream l(line);
        std::string name;
        std::uint64_t size = 0;
        if (!(l >> name >> size)) continue;
        if (name == ".text" || name == ".ARM.exidx") f.flash += size;
        if (name == ".data") f.flash += size, f.ram += size;
        if (name == ".bss") f.ram += size;
        if (name == ".stack") f.stack = size;
    }
    if (run("arm-none-eabi-nm -C -S --defined-only " + quote(elf.string()), out) != 0)
        throw runtime_error(elf.string() + ": arm-none-eabi-nm failed");
    std::istringstream syms(out);
    for (std::string line; std::getline(syms, line);) {
        std::istringstream l(line);
        std::string addr, size, type;
        if (!(l >> addr >> size >> type)) continue;
        std::string name;
        std::getline(l, name);
        name.erase(0, name.find_first_not_of(' '));
        if (name == "spikekit_measure_begin") f.begin = "0x" + addr;
        if (name == "spikekit_measure_end") f.end = "0x" + addr;
        if (name == "spikekit_step_done") f.step = "0x" + addr;
        if ((type == "T" || type == "t" || type == "W") && name.rfind("spikekit::", 0) == 0)
            f.runtime_code += std::stoull(size, nullptr, 16);
    }
    if (f.begin.empty() || f.end.empty() || f.step.empty())
        throw runtime_error(elf.string() + ": marker functions not found");
    return f;
}

std::string describe(const spike& s, const mcu_model& m) {
    return "step " + std::to_string(s.step) + ", " + m.pops.at(s.population).name + "[" +
           std::to_string(s.neuron) + "]";
}

} // namespace

std::string first_difference(const std::vector<spike>& want, const std::vector<spike>& got,
                             const std::string& who, const mcu_model& m) {
    const auto [a, b] = std::mismatch(want.begin(), want.end(), got.begin(), got.end());
    if (a == want.end() && b == got.end()) return {};
    if (b == got.end() || (a != want.end() && *a < *b))
        return who + " misses the kernel's spike at " + describe(*a, m);
    return who + " has a spike the kernel does not have at " + describe(*b, m);
}

run_output parse_run_output(const std::string& text) {
    run_output r;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::istringstream l(line);
        std::string key;
        l >> key;
        if (key == "spike") {
            spike s{};
            if (l >> s.step >> s.population >> s.neuron) r.spikes.push_back(s);
        } else if (key == "synaptic_events") {
            l >> r.synaptic_events;
        } else if (key == "neuron_updates") {
            l >> r.neuron_updates;
            r.complete = true;
        } else if (key == "stack_bytes") {
            l >> r.stack_bytes;
        } else if (key == "weight") {
            std::size_t proj = 0, syn = 0;
            int w = 0;
            if (!(l >> proj >> syn >> w) || proj > 4096) continue;
            if (r.weights.size() <= proj) r.weights.resize(proj + 1);
            auto& v = r.weights[proj];
            if (syn != v.size()) continue; // out of order: left short, so the comparison names it
            v.push_back(static_cast<std::int16_t>(w));
        } else if (key == "weight_changes") {
            l >> r.weight_changes;
        }
    }
    std::sort(r.spikes.begin(), r.spikes.end());
    return r;
}

std::string first_weight_difference(const std::vector<std::vector<std::int16_t>>& want,
                                    const std::vector<std::vector<std::int16_t>>& got, const std::string& who,
                                    const mcu_model& m) {
    for (std::size_t k = 0; k < want.size(); ++k) {
        const auto& p = m.stdp.at(k);
        const std::vector<std::int16_t> none;
        const auto& g = k < got.size() ? got[k] : none;
        for (std::size_t i = 0; i < want[k].size(); ++i) {
            if (i < g.size() && g[i] == want[k][i]) continue;
            const auto src = static_cast<std::size_t>(
                std::upper_bound(
                    p.src_slot.begin(), p.src_slot.end(),
                    static_cast<std::uint32_t>(std::upper_bound(p.slot_start.begin(), p.slot_start.end(), i) -
                                               p.slot_start.begin() - 1)) -
                p.src_slot.begin() - 1);
            const std::string syn = p.name + " synapse " + std::to_string(i) + " (source " +
                                    std::to_string(src) + " -> target " + std::to_string(p.target.at(i)) +
                                    ")";
            if (i >= g.size()) return who + " did not report the final weight of " + syn;
            return who + " ends with weight " + std::to_string(g[i]) + " on " + syn + ", the kernel with " +
                   std::to_string(want[k][i]);
        }
        if (g.size() > want[k].size()) return who + " reports more weights than " + p.name + " has";
    }
    return {};
}

std::vector<spike> kernel_spikes(const network_description& d, const model_registry& models,
                                 const mcu_model& m, std::vector<std::vector<std::int16_t>>* weights) {
    network_description k = d;
    k.spike_recorders.clear();
    k.state_recorders.clear();
    for (const auto& p : m.pops) k.spike_recorders.push_back({p.name, {}});
    const auto rules = learning::builtin_rules();
    simulation sim(k, models, 1, &rules);
    sim.run(static_cast<double>(m.steps) * m.dt_ms);
    if (weights) {
        weights->assign(m.stdp.size(), {});
        for (const auto& pw : sim.plastic_weights())
            for (std::size_t j = 0; j < m.stdp.size(); ++j)
                if (m.stdp[j].name == pw.projection)
                    for (float x : pw.weight)
                        (*weights)[j].push_back(static_cast<std::int16_t>(std::lround(x)));
    }
    std::vector<spike> out;
    for (const auto& r : sim.spikes()) {
        const auto pop =
            static_cast<std::uint32_t>(std::find_if(m.pops.begin(), m.pops.end(),
                                                    [&](const auto& p) { return p.name == r.population; }) -
                                       m.pops.begin());
        for (std::size_t i = 0; i < r.node_ids.size(); ++i)
            if (r.steps[i] < m.steps)
                out.push_back({static_cast<std::uint32_t>(r.steps[i]), pop, r.node_ids[i]});
    }
    std::sort(out.begin(), out.end());
    return out;
}

verify_report verify_mcu(const network_description& d, const model_registry& models, const mcu_model& m,
                         const mcu_options& o, const log_fn& log) {
    for (const char* tool :
         {"cmake", "cc", "arm-none-eabi-g++", "arm-none-eabi-size", "arm-none-eabi-nm", "qemu-system-arm"})
        require_tool(tool);
    const cpu_target& cpu = find_cpu(o.cpu);
    const fs::path src = fs::absolute(o.out_dir), host_dir = src / "build-host",
                   mcu_dir = src / ("build-" + cpu.name);
    build(src, host_dir, "-DCMAKE_BUILD_TYPE=Release", log);
    build(src, mcu_dir, "-DCMAKE_TOOLCHAIN_FILE=" + quote((src / (cpu.name + ".cmake")).string()), log);

    verify_report r;
    log("kernel run");
    std::vector<std::vector<std::int16_t>> want_w;
    const auto want = kernel_spikes(d, models, m, &want_w);
    std::string out;
    log("host run");
    if (run(quote((host_dir / "snn_host").string()), out) != 0)
        throw runtime_error("the host program failed");
    const auto host = parse_run_output(out);
    const elf_facts f = inspect(mcu_dir / "snn_mcu.elf");
    const fs::path counts = mcu_dir / "insns.txt";
    fs::remove(counts);
    const std::string plugin = (host_dir / "libinsncount.so").string() + ",begin=" + f.begin +
                               ",end=" + f.end + ",step=" + f.step + ",out=" + counts.string();
    log("QEMU run (" + cpu.machine + ", " + cpu.qemu_cpu + ")");
    const int rc =
        run("timeout --signal=KILL 900 qemu-system-arm -M " + cpu.machine + " -cpu " + cpu.qemu_cpu +
                " -display none -monitor none -serial none -chardev stdio,id=sh0"
                " -semihosting-config enable=on,target=native,chardev=sh0 -kernel " +
                quote((mcu_dir / "snn_mcu.elf").string()) + " -plugin " + quote(plugin) + " </dev/null 2>" +
                quote((mcu_dir / "qemu.stderr").string()),
            out);
    if (rc != 0)
        throw runtime_error("the Cortex-M program exited with status " + std::to_string(rc) +
                            " under QEMU:\n" + tail(out, 5));
    const auto mcu = parse_run_output(out);
    std::ifstream cf(counts);
    std::string counted;
    std::getline(cf, counted);
    const auto pos = counted.find("insns_measured=");
    if (pos == std::string::npos)
        throw runtime_error(counts.string() + ": no instruction count from the plugin");
    r.instructions = std::stoull(counted.substr(pos + 15));
    const auto max_pos = counted.find("max_step=");
    if (max_pos != std::string::npos) r.instructions_max_step = std::stoull(counted.substr(max_pos + 9));

    r.kernel_spikes = want.size();
    r.host_spikes = host.spikes.size();
    r.mcu_spikes = mcu.spikes.size();
    r.first_difference = first_difference(want, host.spikes, "the host program", m);
    if (r.first_difference.empty())
        r.first_difference = first_difference(want, mcu.spikes, "the Cortex-M program", m);
    if (r.first_difference.empty())
        r.first_difference = first_weight_difference(want_w, host.weights, "the host program", m);
    if (r.first_difference.empty())
        r.first_difference = first_weight_difference(want_w, mcu.weights, "the Cortex-M program", m);
    for (const auto& w : want_w) r.plastic_weights += w.size();
    r.weight_changes = mcu.weight_changes;
    if (r.first_difference.empty() && !(host.complete && mcu.complete))
        r.first_difference = "a program stopped before its end";
    r.identical = r.first_difference.empty();
    r.flash_bytes = f.flash;
    r.ram_bytes = f.ram;
    r.stack_reserved_bytes = f.stack;
    r.stack_bytes = mcu.stack_bytes;
    r.runtime_code_bytes = f.runtime_code;
    r.steps = m.steps;
    r.synaptic_events = mcu.synaptic_events;
    r.neuron_updates = mcu.neuron_updates;
    r.instructions_per_step = m.steps ? static_cast<double>(r.instructions) / m.steps : 0.0;
    return r;
}

} // namespace spikekit::exporter
