#!/usr/bin/env python3
"""Figures of the Python module (issue 20), printed, not asserted:

1. Overhead of the Python path against the command line on examples/brunel.json (shortened): the same run
   through `spikekit run --json --no-output` (a process) and through spikekit.run() (in this interpreter),
   alternated, best of N: build and run seconds as each reports them, and wall time of the whole call.
2. Reading the shared EVT 2.0 sample (539,481 events) into a NumPy structured array with
   spikekit.read_events, best of N, against the C++ reader alone (bench_events_decode on the same file).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_figures.py build [--duration 200] [--repeat 3]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import spikekit

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)


def brunel(build, duration, repeat):
    cfg = os.path.join(SOURCE, "examples", "brunel.json")
    cli = os.path.join(build, "bin", "spikekit")
    rows = {"cli": [], "python": []}
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = subprocess.run([cli, "run", cfg, "--duration", str(duration), "--no-output", "--json", "--quiet"],
                             check=True, capture_output=True, text=True).stdout
        wall = time.perf_counter() - t0
        s = json.loads(out)
        rows["cli"].append((wall, s["build_s"], s["run_s"], s["spikes"]))
        t0 = time.perf_counter()
        r = spikekit.run(cfg, duration_ms=duration)
        wall = time.perf_counter() - t0
        s = r.summary
        rows["python"].append((wall, s["build_s"], s["run_s"], s["spikes"]))
    print("brunel.json, %g ms, 1 thread, best of %d (wall = the whole call; the CLI's includes process start)"
          % (duration, repeat))
    print("  %-8s %9s %9s %9s %10s" % ("path", "wall s", "build s", "run s", "spikes"))
    best = {}
    for name, r in rows.items():
        best[name] = tuple(min(x[i] for x in r) for i in range(3)) + (r[0][3],)
        print("  %-8s %9.3f %9.3f %9.3f %10d" % ((name,) + best[name]))
    print("  python / cli: wall %.3f, run %.3f; same spikes: %s" % (
        best["python"][0] / best["cli"][0], best["python"][2] / best["cli"][2],
        best["python"][3] == best["cli"][3]))


def events(build, repeat):
    path = os.path.join(SOURCE, "..", "shared", "data", "events", "prophesee", "evt2_sample.raw")
    if not os.path.exists(path):
        print("events: %s missing, skipped" % path)
        return
    times = []
    for _ in range(max(repeat, 5)):
        t0 = time.perf_counter()
        ev = spikekit.read_events(path)
        times.append(time.perf_counter() - t0)
        n = ev.size
        del ev
    best = min(times)
    print("evt2_sample.raw -> NumPy (spikekit.read_events): %d events in %.1f ms (best of %d), %.1f Mev/s"
          % (n, best * 1e3, len(times), n / best / 1e6))
    bench = os.path.join(build, "bench", "bench_events_decode")
    if os.path.exists(bench):
        out = subprocess.run([bench, path], check=True, capture_output=True, text=True).stdout
        print("C++ reader alone (bench_events_decode, same file):")
        sys.stdout.write("".join("  " + line + "\n" for line in out.splitlines()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", help="the build directory (bin/spikekit, bench/bench_events_decode)")
    ap.add_argument("--duration", type=float, default=200.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    brunel(args.build, args.duration, args.repeat)
    events(args.build, args.repeat)


if __name__ == "__main__":
    main()
