#!/usr/bin/env python3
"""Figures of the MCU runtime (issue #14), measured under QEMU with `spikekit export --target mcu --verify`.

    python3 bench/mcu_figures.py [--spikekit build/bin/spikekit] [--shared ../shared] [--cpu cortex-m4]

Every figure is an exact guest instruction count from the QEMU plugin that spikekit export builds
(tools/insncount.c in the exported project): the instructions executed inside engine::step() calls, the
output callback excluded. Instructions are not cycles (QEMU models no pipeline, wait states or caches):
times below assume 1 instruction per cycle and are estimates. Each run is also checked spike-identical to the
kernel (the script stops if one is not).

  runtime code    text of engine.cpp compiled alone (arm-none-eabi-g++ -Os, before linking) and the
                  runtime's functions in a linked ELF (arm-none-eabi-nm sizes)
  neuron update   (instructions per step of 512 neurons - of 64) / 448, without input: the 64-bit step
                  (v_bits 32), the 32-bit step (v_bits 16 with a bias, so every neuron is updated) and a
                  neuron at rest (v_bits 16, no bias: skipped)
  synaptic event  (instructions per step with every input spiking - without input spikes) / events per step,
                  for a dense, a sparse and a conv2d projection into neurons that never fire
  ECG network     examples/mcu/ecg_lif_int.json (2000 steps of 1 ms)
  N-MNIST         examples/mcu/nmnist_lif_int.json (578 inputs, 128 recurrent, 10 out; 300 steps), worst step
  Fashion CNN     spikekit convert tests/data/onnx/fashion_cnn.onnx --out-bits 8 --timesteps T
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def export(spikekit, cfg, out, cpu):
    r = subprocess.run([spikekit, "export", cfg, "--target", "mcu", "--out", out, "--cpu", cpu, "--verify",
                        "--json", "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"export {cfg} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    j = json.loads(r.stdout)
    if not j["identical"]:
        sys.exit(f"{cfg}: not identical: {j['first_difference']}")
    return j


def write(tmp, name, net):
    path = os.path.join(tmp, name + ".json")
    with open(path, "w") as f:
        json.dump(net, f)
    return path


def synthetic(name, steps, inputs, targets, proj, spiking, params=None):
    """`inputs` spike_source neurons (every step if `spiking`) into `targets` lif_int that never fire."""
    times = [[float(t) for t in range(1, steps + 1)] if spiking else [] for _ in range(inputs)]
    net = {"name": name, "simulation": {"dt": 1.0, "duration": steps, "seed": 1},
           "populations": [{"name": "in", "size": inputs, "model": "spike_source", "spike_times": times},
                           {"name": "n", "size": targets, "model": "lif_int",
                            "params": params or {"threshold": 2147483647, "v_bits": 32, "leak_mode": 2,
                                                 "leak_shift": 4}}],
           "projections": []}
    if proj:
        net["projections"].append(dict({"name": "p", "source": "in", "target": "n", "receptor": "exc", "delay": 1},
                                       **proj))
    return net


def per_event(spikekit, tmp, cpu, name, inputs, targets, proj, steps=20):
    base = export(spikekit, write(tmp, name + "_quiet", synthetic(name, steps, inputs, targets, proj, False)),
                  os.path.join(tmp, name + "_quiet"), cpu)
    busy = export(spikekit, write(tmp, name + "_busy", synthetic(name, steps, inputs, targets, proj, True)),
                  os.path.join(tmp, name + "_busy"), cpu)
    events = busy["synaptic_events"] / steps
    return (busy["instructions_per_step"] - base["instructions_per_step"]) / events, events


def engine_alone(tmp, cpu, project, source="engine.cpp"):
    obj = os.path.join(tmp, source + ".o")
    subprocess.run(["arm-none-eabi-g++", f"-mcpu={cpu}", "-mthumb", "-Os", "-std=c++17", "-ffreestanding",
                    "-fno-exceptions", "-fno-rtti", "-ffunction-sections", "-fdata-sections",
                    "-I", os.path.join(project, "runtime", "include"), "-c",
                    os.path.join(project, "runtime", "src", source), "-o", obj], check=True)
    out = subprocess.run(["arm-none-eabi-size", obj], capture_output=True, text=True, check=True).stdout
    text, data, bss = (int(x) for x in out.splitlines()[1].split()[:3])
    return text, data, bss


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spikekit", default=os.path.join(ROOT, "build", "bin", "spikekit"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--cpu", default="cortex-m4")
    ap.add_argument("--timesteps", type=int, default=8, help="Fashion CNN timesteps")
    a = ap.parse_args()
    sk, cpu = a.spikekit, a.cpu
    with tempfile.TemporaryDirectory(prefix="mcu_figures_") as tmp:
        def per_neuron(name, params):
            small = export(sk, write(tmp, name + "64", synthetic(name + "64", 50, 1, 64, None, False, params)),
                           os.path.join(tmp, name + "64"), cpu)
            large = export(sk, write(tmp, name + "512", synthetic(name + "512", 50, 1, 512, None, False, params)),
                           os.path.join(tmp, name + "512"), cpu)
            return (large["instructions_per_step"] - small["instructions_per_step"]) / 448, small

        wide, small = per_neuron("wide", None)
        # v_bits 16 and a bias: the 32-bit step (intlif::fits_32), every neuron updated every step
        fast, _ = per_neuron("fast", {"threshold": 32767, "v_bits": 16, "leak_mode": 2, "leak_shift": 4, "bias": 1})
        # no bias, no input: membranes at rest are skipped (intlif::still_membranes)
        still, _ = per_neuron("still", {"threshold": 32767, "v_bits": 16, "leak_mode": 2, "leak_shift": 4})
        text, data, bss = engine_alone(tmp, cpu, os.path.join(tmp, "wide64"))
        print(f"runtime code ({cpu}, -Os): engine.cpp alone text {text} B, data {data} B, bss {bss} B; "
              f"runtime functions in a linked ELF {small['runtime_code_bytes']} B")
        stdp_text, _, _ = engine_alone(tmp, cpu, os.path.join(tmp, "wide64"), "stdp.cpp")
        print(f"on-device STDP ({cpu}, -Os): stdp.cpp alone text {stdp_text} B (linked only by models with "
              f"plastic projections)")
        print(f"neuron update ({cpu}, lif_int, shift leak, 512 vs 64 neurons): {fast:.1f} instructions with the "
              f"32-bit step (v_bits 16), {wide:.1f} with the 64-bit step (v_bits 32), {still:.1f} for a neuron "
              f"at rest without input (skipped)")
        for name, proj, inputs, targets in [
            ("dense", {"connectivity": {"rule": "all_to_all"}, "weight": 1}, 32, 128),
            ("sparse", {"connectivity": {"rule": "fixed_probability", "p": 0.1}, "weight": 1}, 64, 256),
            ("conv2d", {"connectivity": {"rule": "conv2d", "in_shape": [2, 12, 12], "out_channels": 8, "kernel": 3,
                                         "padding": 1}, "weight": 1}, 288, 1152)]:
            ins, events = per_event(sk, tmp, cpu, name, inputs, targets, proj)
            print(f"synaptic event, {name} ({cpu}): {ins:.2f} instructions ({events:.0f} events per step)")
        shared = os.path.abspath(a.shared)
        for name, rel, label in [("ecg_lif_int", "data/mitdb_small/100s.hea", "ECG network"),
                                 ("nmnist_lif_int", "data/events/nmnist_small/1.bs2", "N-MNIST network")]:
            if not os.path.exists(os.path.join(shared, rel)):
                print(f"{label}: skipped, {os.path.join(shared, rel)} is missing")
                continue
            with open(os.path.join(ROOT, "examples", "mcu", name + ".json")) as f:
                net = json.load(f)
            net["populations"][0]["replay"]["file"] = os.path.join(shared, rel)
            j = export(sk, write(tmp, name, net), os.path.join(tmp, name), cpu)
            print(f"{label} ({cpu}): {j['neurons']} neurons, {j['synapses']} synapses, {j['steps']} steps: "
                  f"{j['instructions_per_step']:.0f} instructions per step on average, {j['instructions_max_step']} "
                  f"in the busiest step; flash {j['flash_bytes']} B, RAM {j['ram_bytes']} B + stack "
                  f"{j['stack_bytes']} B measured ({j['stack_reserved_bytes']} reserved)")
            if name == "nmnist_lif_int":
                us = j["instructions_max_step"] / 180.0
                print(f"  worst step at 180 MHz, 1 instruction per cycle (estimate): {us:.1f} us "
                      f"(Boretti et al. 2023, Cortex-M4 at 180 MHz: 150.4 us worst case per step)")
        data = "/usr/share/datasets/fashion-mnist"
        if not os.path.exists(data):
            print(f"Fashion CNN: skipped, {data} is missing (apt-get install dataset-fashion-mnist)")
            return
        cnn = os.path.join(tmp, "cnn")
        subprocess.run([sk, "convert", os.path.join(ROOT, "tests", "data", "onnx", "fashion_cnn.onnx"),
                        "--calibration", data, "--out-bits", "8", "--timesteps", str(a.timesteps), "--out", cnn,
                        "--quiet"], check=True, capture_output=True)
        j = export(sk, os.path.join(cnn, "network.json"), os.path.join(tmp, "cnn_mcu"), cpu)
        total = j["instructions"]
        print(f"Fashion CNN, 8-bit, T={a.timesteps} ({j['steps']} steps, {j['neurons']} neurons, "
              f"{j['synapses']} synapses as {len(j['projections'])} projections, conv2d kernels shared) on {cpu}: "
              f"flash {j['flash_bytes']} B, RAM {j['ram_bytes']} B + stack {j['stack_bytes']} B measured; "
              f"{total} instructions per inference ({j['synaptic_events']} synaptic events), "
              f"{total / 80e6 * 1e3:.1f} ms at 80 MHz assuming 1 instruction per cycle (estimate)")


if __name__ == "__main__":
    main()
