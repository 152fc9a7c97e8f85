#!/usr/bin/python3
"""Run the benchmark networks in spikekit and in Brian2 on the same machine and print both.

    /usr/bin/python3 bench/compare_brian2.py [--networks cuba,coba,brunel] [--threads 1,2]
                                             [--duration 1.0] [--spikekit build/bin/spikekit]

For every network, spikekit runs the config in examples/ (`spikekit run --json --no-output`) and Brian2
(Debian python3-brian, C++ standalone device, OpenMP threads as given) runs the same network: same
neuron and synapse parameters, dt, connection probability or in-degree, delays and drive. Both report the
simulation loop alone (spikekit `run_s`, Brian2 `device._last_run_time`); network construction and
Brian2's code generation and compilation are excluded from both. Synaptic events are counted exactly
(sum over spikes of the source neuron's out-degree). The last column is Brian2 wall time / spikekit wall
time (above 1: spikekit is faster). Randomness differs between the two, so rates agree statistically,
not spike for spike.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_spikekit(exe, name, threads, duration):
    cmd = [exe, "run", os.path.join(ROOT, "examples", name + ".json"), "--json", "--no-output", "--quiet",
           "--threads", str(threads), "--duration", str(duration * 1000.0)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    return {"rate": j["mean_rate_hz"], "wall": j["run_s"], "events": j["synaptic_events"],
            "synapses": j["synapses"], "build": j["build_s"]}


# --- Brian2 versions of examples/{cuba,coba,brunel}.json -------------------------------------------------

def brian_cuba(b2, rng):
    """Brette et al. 2007 benchmark 2 (examples/cuba.json): current-based exponential synapses."""
    u = b2
    eqs = """
    dv/dt = (E_L - v)/tau_m + (I_ex + I_in)/C_m : volt (unless refractory)
    dI_ex/dt = -I_ex/tau_ex : amp
    dI_in/dt = -I_in/tau_in : amp
    """
    ns = dict(E_L=-49 * u.mV, tau_m=20 * u.ms, C_m=200 * u.pF, tau_ex=5 * u.ms, tau_in=10 * u.ms)
    P = u.NeuronGroup(4000, eqs, threshold="v > -50*mV", reset="v = -60*mV", refractory=5 * u.ms,
                      method="exact", namespace=ns)
    P.v = (-60 + 10 * rng.random(4000)) * u.mV
    exc = u.Synapses(P, P, on_pre="I_ex_post += 16.2*pA", delay=0.1 * u.ms)
    inh = u.Synapses(P, P, on_pre="I_in_post += -90*pA", delay=0.1 * u.ms)
    return P, connect_random(exc, inh, rng, p=0.02), [P, exc, inh]


def brian_coba(b2, rng):
    """Brette et al. 2007 benchmark 1 (examples/coba.json): conductance-based exponential synapses."""
    u = b2
    eqs = """
    dv/dt = (g_L*(E_L - v) + g_ex*(E_ex - v) + g_in*(E_in - v))/C_m : volt (unless refractory)
    dg_ex/dt = -g_ex/tau_ex : siemens
    dg_in/dt = -g_in/tau_in : siemens
    """
    ns = dict(g_L=10 * u.nS, E_L=-60 * u.mV, E_ex=0 * u.mV, E_in=-80 * u.mV, C_m=200 * u.pF,
              tau_ex=5 * u.ms, tau_in=10 * u.ms)
    P = u.NeuronGroup(4000, eqs, threshold="v > -50*mV", reset="v = -60*mV", refractory=5 * u.ms,
                      method="euler", namespace=ns)
    P.v = rng.normal(-65, 5, 4000) * u.mV
    P.g_ex = rng.normal(40, 15, 4000) * u.nS
    P.g_in = rng.normal(200, 120, 4000) * u.nS
    exc = u.Synapses(P, P, on_pre="g_ex_post += 6*nS", delay=0.1 * u.ms)
    inh = u.Synapses(P, P, on_pre="g_in_post += 67*nS", delay=0.1 * u.ms)
    return P, connect_random(exc, inh, rng, p=0.02), [P, exc, inh]


def connect_random(exc, inh, rng, p):
    """Each pair (i, j), i != j, connected with probability p; sources 0-3199 excitatory."""
    import numpy as np
    pairs = []
    for syn, lo, hi in ((exc, 0, 3200), (inh, 3200, 4000)):
        mask = rng.random((hi - lo, 4000)) < p
        i, j = np.nonzero(mask)
        i = i + lo
        keep = i != j
        syn.connect(i=i[keep], j=j[keep])
        pairs.append(i[keep])
    return pairs


def brian_brunel(b2, rng):
    """Brunel 2000, delta synapses, g = 5, eta = 2 (examples/brunel.json)."""
    import numpy as np
    u = b2
    NE, NI, N = 10000, 2500, 12500
    P = u.NeuronGroup(N, "dv/dt = -v/(20*ms) : volt (unless refractory)", threshold="v > 20*mV",
                      reset="v = 10*mV", refractory=2 * u.ms, method="exact")
    P.v = 0 * u.mV
    exc = u.Synapses(P, P, on_pre="v_post += 0.1*mV", delay=1.5 * u.ms)
    inh = u.Synapses(P, P, on_pre="v_post += -0.5*mV", delay=1.5 * u.ms)
    pre_e = rng.integers(0, NE, N * 1000)
    pre_i = rng.integers(NE, N, N * 250)
    exc.connect(i=pre_e, j=np.repeat(np.arange(N), 1000))
    inh.connect(i=pre_i, j=np.repeat(np.arange(N), 250))
    # 20 kHz of independent Poisson drive per neuron, each event 0.1 mV (= 1000 inputs at 20 Hz).
    drive = u.PoissonInput(P, "v", 1000, 20 * u.Hz, weight=0.1 * u.mV)
    return P, [pre_e, pre_i], [P, exc, inh, drive]


def run_brian(name, threads, duration, workdir):
    """Runs in a child process (one standalone device per process): prints one JSON object."""
    import numpy as np
    import brian2 as b2
    outdir = os.path.join(workdir, "%s_%d" % (name, threads))
    b2.set_device("cpp_standalone", directory=outdir, build_on_run=False)
    if threads > 1:
        b2.prefs.devices.cpp_standalone.openmp_threads = threads
    b2.defaultclock.dt = 0.1 * b2.ms
    b2.seed(4321)
    rng = np.random.default_rng(4321)
    P, sources, objects = {"cuba": brian_cuba, "coba": brian_coba, "brunel": brian_brunel}[name](b2, rng)
    mon = b2.SpikeMonitor(P)
    net = b2.Network(*objects, mon)
    net.run(duration * b2.second)
    b2.device.build(directory=outdir, compile=True, run=True, debug=False)
    fanout = np.bincount(np.concatenate(sources), minlength=len(P))
    spikes_i = np.asarray(mon.i[:])
    print(json.dumps({"rate": len(spikes_i) / len(P) / duration, "wall": b2.device._last_run_time,
                      "events": int(fanout[spikes_i].sum()), "synapses": int(sum(len(s) for s in sources))}))


def brian_in_child(name, threads, duration, workdir):
    cmd = [sys.executable, "-W", "ignore", os.path.abspath(__file__), "--brian-child", name, str(threads),
           str(duration), workdir]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--networks", default="cuba,coba,brunel")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--duration", type=float, default=1.0, help="biological seconds")
    ap.add_argument("--spikekit", default=os.path.join(ROOT, "build", "bin", "spikekit"))
    ap.add_argument("--json", help="also write the rows to this JSON file")
    ap.add_argument("--brian-child", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.brian_child:
        name, threads, duration, workdir = a.brian_child
        return run_brian(name, int(threads), float(duration), workdir)
    if not os.path.exists(a.spikekit):
        sys.exit("compare_brian2: %s not found (build spikekit first)" % a.spikekit)
    rows = []
    hdr = ("network", "thr", "rate sk", "rate b2", "s/bio-s sk", "s/bio-s b2", "ev/s sk", "ev/s b2", "b2/sk")
    fmt = "%-8s %3s %8s %8s %10s %10s %9s %9s %6s"
    print(fmt % hdr, flush=True)
    with tempfile.TemporaryDirectory(prefix="spikekit-brian2-") as work:
        for name in a.networks.split(","):
            for threads in [int(t) for t in a.threads.split(",")]:
                sk = run_spikekit(a.spikekit, name, threads, a.duration)
                t0 = time.time()
                b2 = brian_in_child(name, threads, a.duration, work)
                b2["total_s"] = time.time() - t0
                rows.append({"network": name, "threads": threads, "spikekit": sk, "brian2": b2})
                print(fmt % (name, threads, "%.2f Hz" % sk["rate"], "%.2f Hz" % b2["rate"],
                             "%.3f" % (sk["wall"] / a.duration), "%.3f" % (b2["wall"] / a.duration),
                             "%.3g" % (sk["events"] / sk["wall"]), "%.3g" % (b2["events"] / b2["wall"]),
                             "%.2f" % (b2["wall"] / sk["wall"])), flush=True)
    if a.json:
        tmp = a.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(rows, f, indent=2)
        os.replace(tmp, a.json)


if __name__ == "__main__":
    main()
