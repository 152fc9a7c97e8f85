#!/usr/bin/env python3
"""The COBA benchmark (Brette et al. 2007, benchmark 1: Vogels & Abbott's 4000 conductance-based LIF
neurons) from Python: examples/coba.json run through the spikekit module, then a raster plot and a
histogram of the neurons' firing rates drawn with matplotlib into a PNG.

    PYTHONPATH=build/python /usr/bin/python3 examples/coba.py --out coba.png [--duration 1000]
"""
import argparse
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import spikekit  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=None, help="ms (default: the config's, 1000 ms)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default="coba.png", help="PNG to write")
    args = ap.parse_args()

    r = spikekit.run(os.path.join(HERE, "coba.json"), duration_ms=args.duration, threads=args.threads)
    s = r.summary
    print("%s: %d neurons, %d synapses, %.1f ms in %.2f s; mean rate %.2f Hz (exc %.2f, inh %.2f)" % (
        s["network"], s["neurons"], s["synapses"], s["sim_ms"], s["run_s"], s["mean_rate_hz"],
        s["populations"]["exc"]["rate_hz"], s["populations"]["inh"]["rate_hz"]))

    fig, (ax_raster, ax_hist) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [2, 1]})
    offset = 0
    for name, colour in (("exc", "tab:blue"), ("inh", "tab:red")):
        ids, t = r.spikes[name]
        shown = ids < 400 if name == "exc" else ids < 100  # the first 500 neurons, as in Brette et al.
        ax_raster.scatter(t[shown], ids[shown] + offset, s=0.5, c=colour, label=name, rasterized=True)
        offset += 400
        size = s["populations"][name]["size"]
        rates = np.bincount(ids, minlength=size) / (s["sim_ms"] * 1e-3)
        # a neuron's rate is a whole number of spikes over the run: bins 2 Hz wide, centred on even counts
        width = 2.0 / (s["sim_ms"] * 1e-3)
        bins = np.arange(-0.5 * width, rates.max() + width, width)
        ax_hist.hist(rates, bins=bins, histtype="step", color=colour, label=name,
                     weights=np.full(size, 1.0 / size))
    ax_raster.set(xlabel="time (ms)", ylabel="neuron (400 exc, 100 inh)", title="COBA raster")
    ax_raster.legend(loc="upper right", markerscale=10)
    ax_hist.set(xlabel="firing rate (Hz)", ylabel="fraction of neurons", title="rate distribution")
    ax_hist.legend()
    fig.tight_layout()
    tmp = args.out + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, args.out)  # atomically, as every spikekit output
    print("figure     %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
