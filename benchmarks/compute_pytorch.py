"""PyTorch reference for benchmarks/src/compute.ts: the same models, one training step
(forward, backward, SGD update) timed on one thread. Prints one JSON object per model.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 compute_pytorch.py --threads 1 --models mlp,cnn,resnet18
"""
import argparse
import json
import statistics
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
        return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10)), (1, 28, 28)
    if name == 'resnet18':
        return resnet18(10), (3, 32, 32)
    raise ValueError(f'unknown model {name}')


def step_ms(name, batch, warmup, iters):
    model, shape = build(name)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(batch, *shape)
    y = torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--models', default='mlp,cnn,resnet18')
    p.add_argument('--batches', default='mlp=128,cnn=128,resnet18=32')
    p.add_argument('--iters', type=int, default=10)
    p.add_argument('--warmup', type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    batches = dict((k, int(v)) for k, v in (kv.split('=') for kv in a.batches.split(',')))
    for name in a.models.split(','):
        ms = step_ms(name, batches[name], a.warmup, a.iters)
        print(json.dumps({'model': name, 'backend': 'pytorch', 'batch': batches[name],
                          'threads': a.threads, 'step_ms': ms,
                          'images_per_s': batches[name] * 1000 / ms}), flush=True)


if __name__ == '__main__':
    main()
