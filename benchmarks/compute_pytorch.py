"""PyTorch reference for benchmarks/src/compute.ts: the same models, one training step
(forward, backward, SGD update) timed on a given number of threads.

  OMP_NUM_THREADS=1 /usr/bin/python3 compute_pytorch.py --threads 1 --models mlp,cnn,resnet18
      prints one JSON object per model (median step after warm-up).
  ... compute_pytorch.py --threads 1 --serve
      reads lines "MODEL BATCH SECONDS" and answers each with a JSON list of step times in ms,
      timed for about SECONDS (at least one step); the benchmark alternates these with its own
      steps so that both sides see the same load on a shared machine.
  --device cuda runs the models on the GPU (each step waits for the GPU to finish).
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.short is None else self.short(x)))


def resnet18(num_classes):
    layers = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()]
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, num_classes)]
    return nn.Sequential(*layers)


def build(name):
    """Returns (model, input shape without batch)."""
    if name == 'mlp':
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                             nn.Linear(512, 10)), (784,)
    if name == 'cnn':
        # packages/models' cnn: convolutions padded by 1, 421,642 parameters.
        return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10)), (1, 28, 28)
    if name == 'resnet18':
        return resnet18(10), (3, 32, 32)
    raise ValueError(f'unknown model {name}')


def trainer(name, batch, device):
    """A function running one training step on a fixed random batch."""
    model, shape = build(name)
    model.to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(batch, *shape, device=device)
    y = torch.randint(0, 10, (batch,), device=device)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()
        if device == 'cuda':
            torch.cuda.synchronize()

    return step


def timed(step, count=None, seconds=None):
    """Step times in ms: `count` steps, or steps for about `seconds` (at least one)."""
    times = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
        if count is not None and len(times) >= count:
            return times
        if seconds is not None and time.perf_counter() - start >= seconds:
            return times


def serve(device):
    steps = {}
    for line in sys.stdin:
        name, batch, seconds = line.split()
        key = (name, int(batch))
        if key not in steps:
            steps[key] = trainer(*key, device)
            timed(steps[key], count=2)
        print(json.dumps(timed(steps[key], seconds=float(seconds))), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--models', default='mlp,cnn,resnet18')
    p.add_argument('--batches', default='mlp=128,cnn=128,resnet18=32')
    p.add_argument('--iters', type=int, default=10)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--serve', action='store_true')
    p.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.serve:
        serve(a.device)
        return
    batches = dict((k, int(v)) for k, v in (kv.split('=') for kv in a.batches.split(',')))
    for name in a.models.split(','):
        step = trainer(name, batches[name], a.device)
        timed(step, count=a.warmup)
        ms = statistics.median(timed(step, count=a.iters))
        print(json.dumps({'model': name, 'backend': 'pytorch', 'device': a.device, 'batch': batches[name],
                          'threads': a.threads, 'step_ms': ms,
                          'images_per_s': batches[name] * 1000 / ms}), flush=True)


if __name__ == '__main__':
    main()
