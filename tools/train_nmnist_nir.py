#!/usr/bin/python3
"""Train a small N-MNIST CNN on accumulated event frames and write it as a spiking network description.

    /usr/bin/python3 tools/train_nmnist_nir.py ../shared/data/events/nmnist_small OUT_DIR [--train 800]

Needs Debian's python3-torch and python3-numpy (apt-get install python3-torch); used only to make the
figure of converters/README.md ("NIR"), never by the build or the tests.

Input: each recording binned at 1 ms from its first event, exactly as `spikekit evaluate --bin 1ms` bins it
(one spike per active bin, pixel and polarity); the ANN sees the fraction of bins in which each (p, y, x)
was active, i.e. the input spike rate per step. Network (bias-free, ReLU):
    conv1 2->16, 4x4, stride 2, pad 1 (34 -> 17)  conv2 16->32, 3x3, stride 2, pad 1 (17 -> 9)
    sum pool 3x3 stride 3 (9 -> 3)                fc1 288 -> 96                   fc2 96 -> 10
Conversion (rate coding, Rueckauer et al. 2017): IF neurons with reset by subtraction; data-based
normalisation: lambda_l = 99.9th percentile of layer l's activation on the training frames, weights
W_l lambda_{l-1} / lambda_l, threshold 1; the sum pool keeps its all-ones kernel (so it is a SumPool2d in
NIR) and takes the threshold lambda_pool / lambda_conv2 instead. Writes OUT_DIR/network.json (weights as
lists) and OUT_DIR/split.txt (the held-out samples, absolute paths, for `spikekit evaluate --events`).
"""
import argparse
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_bs2(path):
    b = np.fromfile(path, dtype=np.uint8).reshape(-1, 5).astype(np.int64)
    x, y = b[:, 0], b[:, 1]
    p = b[:, 2] >> 7
    t = ((b[:, 2] & 0x7F) << 16) | (b[:, 3] << 8) | b[:, 4]
    return x, y, p, t


def frame(path, bin_us=1000):
    """Fraction of 1 ms bins (counted from the first event) with an event, per (p, y, x)."""
    x, y, p, t = read_bs2(path)
    k = (t - t[0]) // bin_us
    bins = int(k.max()) + 1
    active = np.zeros((2, 34, 34, bins), dtype=bool)
    ok = (x < 34) & (y < 34)
    active[p[ok], y[ok], x[ok], k[ok]] = True
    return active.sum(axis=3).astype(np.float32) / bins


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 16, 4, stride=2, padding=1, bias=False)
        self.conv2 = nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False)
        self.fc1 = nn.Linear(288, 96, bias=False)
        self.fc2 = nn.Linear(96, 10, bias=False)

    def forward(self, x, taps=None):
        a1 = F.relu(self.conv1(x))
        a2 = F.relu(self.conv2(a1))
        ap = F.avg_pool2d(a2, 3, 3) * 9.0  # sum pooling
        a3 = F.relu(self.fc1(ap.flatten(1)))
        out = self.fc2(a3)
        if taps is not None:
            taps.extend([a1, a2, ap, a3, out])
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("out")
    ap.add_argument("--train", type=int, default=800)
    ap.add_argument("--epochs", type=int, default=60)
    a = ap.parse_args()
    torch.manual_seed(1)
    lines = [l.split() for l in open(os.path.join(a.data, "train1K.txt")) if l.strip() and not l.startswith("#")]
    paths = [os.path.abspath(os.path.join(a.data, s + ".bs2")) for s, _ in lines]
    labels = torch.tensor([int(c) for _, c in lines])
    x = torch.tensor(np.stack([frame(p) for p in paths]))
    n = a.train
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    for epoch in range(a.epochs):
        perm = torch.randperm(n)
        for i in range(0, n, 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = F.cross_entropy(net(x[idx]), labels[idx])
            loss.backward()
            opt.step()
    with torch.no_grad():
        pred = net(x).argmax(1)
        print("ANN accuracy: train %.3f, held-out %.3f" % ((pred[:n] == labels[:n]).float().mean(),
                                                          (pred[n:] == labels[n:]).float().mean()))
        taps = []
        net(x[:n], taps)
        lam = [float(np.percentile(t.numpy(), 99.9)) for t in taps[:4]] + [float(taps[4].max())]
    lam = [max(v, 1e-6) for v in lam]
    W = [net.conv1.weight.detach().double().numpy(), net.conv2.weight.detach().double().numpy(),
         None, net.fc1.weight.detach().double().numpy(), net.fc2.weight.detach().double().numpy()]
    prev = [1.0, lam[0], lam[1], lam[2], lam[3]]

    def f32(a):  # the kernel adds weights as float32; rounding here lets the NIR file store float32
        return a.astype(np.float32).astype(np.float64)

    def pop(name, size, v_th=1.0):
        return {"name": name, "size": size, "model": "if_delta",
                "params": {"V_th": v_th, "V_reset": 0.0, "reset_subtract": 1, "t_ref": 0}}

    def conv(name, src, tgt, w, in_shape, stride, pad, scale):
        return {"name": name, "source": src, "target": tgt, "receptor": "exc", "delay": 1.0,
                "connectivity": {"rule": "conv2d", "in_shape": in_shape, "out_channels": int(w.shape[0]),
                                 "kernel": [int(w.shape[2]), int(w.shape[3])], "stride": stride, "padding": pad},
                "weight": {"values": f32(w * scale).ravel().tolist()}}

    def dense(name, src, tgt, w, scale):
        o, i = w.shape
        return {"name": name, "source": src, "target": tgt, "receptor": "exc", "delay": 1.0,
                "connectivity": {"rule": "list", "sources": np.tile(np.arange(i), o).tolist(),
                                 "targets": np.repeat(np.arange(o), i).tolist()},
                "weight": {"values": f32(w * scale).ravel().tolist()}}

    desc = {
        "name": "nmnist_cnn", "description": "N-MNIST CNN converted by tools/train_nmnist_nir.py",
        "simulation": {"dt": 1.0, "duration": 310},
        "populations": [{"name": "input", "size": 2312, "model": "spike_source"}, pop("conv1", 16 * 17 * 17),
                        pop("conv2", 32 * 9 * 9), pop("pool", 288, lam[2] / lam[1]), pop("fc1", 96),
                        pop("fc2", 10)],
        "projections": [
            conv("conv1", "input", "conv1", W[0], [2, 34, 34], 2, 1, prev[0] / lam[0]),
            conv("conv2", "conv1", "conv2", W[1], [16, 17, 17], 2, 1, prev[1] / lam[1]),
            {"name": "pool", "source": "conv2", "target": "pool", "receptor": "exc", "delay": 1.0,
             "connectivity": {"rule": "conv2d", "in_shape": [32, 9, 9], "out_channels": 32, "kernel": 3,
                              "stride": 3, "groups": 32}, "weight": 1.0},
            dense("fc1", "pool", "fc1", W[3], prev[3] / lam[3]),
            dense("fc2", "fc1", "fc2", W[4], prev[4] / lam[4]),
        ],
        "record": {"spikes": [{"population": "fc2"}]},
    }
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "network.json"), "w") as f:
        json.dump(desc, f)
    with open(os.path.join(a.out, "split.txt"), "w") as f:
        f.write("#sample #class (held out from training)\n")
        for (s, c), p in list(zip(lines, paths))[n:]:
            f.write("%s\t%s\n" % (p[:-4], c))
    print("lambda per layer:", ["%.3g" % v for v in lam])


if __name__ == "__main__":
    main()
