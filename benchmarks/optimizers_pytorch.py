"""PyTorch reference for bench:optimizers (benchmarks/src/optimizers.ts --pytorch): SGD, SAM and
RWP on 1 or more gloo processes, the trainer's recipe (SGD momentum 0.9, coupled weight decay,
SAM rho 0.05, RWP filter-wise noise gamma 0.01, alpha 0.5, odd ranks perturbed), the same models
as compute_pytorch.py, Fashion-MNIST from its IDX files, each rank its own shard of the epoch.

  OMP_NUM_THREADS=1 /usr/bin/python3 optimizers_pytorch.py --method rwp --nproc 2 \
      --model cnn --data /usr/share/datasets/fashion-mnist --batch 128 --steps 210 --out RUN_DIR

writes RUN_DIR/steps/rank-R.jsonl as rwp-train does with train.step_times, one line per step:
step, epoch, step_ms (batch to updated weights), comm_ms (the allreduce), compute_ms (the rest),
data_ms (0: batches are slices of the normalised training set in memory).
"""
import argparse
import gzip
import json
import os
import socket
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

from compute_pytorch import build

MEAN, STD = 0.286, 0.353


def load_images(data_dir, limit):
    with gzip.open(os.path.join(data_dir, 'train-images-idx3-ubyte.gz')) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(data_dir, 'train-labels-idx1-ubyte.gz')) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    if limit:
        x, y = x[:limit], y[:limit]
    x = (torch.from_numpy(x.astype(np.float32)) / 255 - MEAN) / STD
    return x, torch.from_numpy(y.astype(np.int64))


def batches(count, batch, rank, world, seed):
    """(epoch, indices) forever: each epoch a fresh permutation, rank r takes every world-th batch."""
    epoch = 0
    while True:
        g = torch.Generator().manual_seed(seed * 1000003 + epoch)
        order = torch.randperm(count, generator=g)
        for start in range(rank * batch, count - batch + 1, world * batch):
            yield epoch + 1, order[start:start + batch]
        epoch += 1


@torch.no_grad()
def filter_noise(params, gamma, gen):
    """Filter-wise Gaussian noise: std gamma * ||W_j|| per output filter (axis 0 in PyTorch)."""
    out = []
    for p in params:
        if p.dim() > 1:
            std = p.flatten(1).norm(dim=1).view(-1, *([1] * (p.dim() - 1))) * gamma
        else:
            std = (p.norm() + 1e-16) * gamma
        out.append(torch.randn(p.shape, generator=gen) * std)
    return out


def loss_grad(model, params, x, y, scale=1.0):
    for p in params:
        p.grad = None
    loss = F.cross_entropy(model(x), y) * scale
    loss.backward()
    return [p.grad for p in params]


def run(rank, a, port):
    torch.set_num_threads(1)
    world = a.nproc
    if a.method == 'rwp' and world > 1:
        dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank, world_size=world)
    torch.manual_seed(a.seed)
    model, _ = build(a.model)
    params = [p for p in model.parameters()]
    opt = torch.optim.SGD(params, lr=a.lr, momentum=0.9, weight_decay=5e-4)
    x_all, y_all = load_images(a.data, a.limit_train)
    if a.model == 'mlp':
        x_all = x_all.flatten(1)
    gen = torch.Generator().manual_seed(a.seed * 7919 + rank)
    perturbed = rank % 2 == 1
    flat = torch.zeros(sum(p.numel() for p in params))
    clean = [p.detach().clone() for p in params]
    # Sequential RWP takes two mini-batches per step, as rank 0 and rank 1 would.
    shards = 2 if a.method == 'rwp' and world == 1 else 1
    feed = batches(len(y_all), a.batch, rank, world * shards, a.seed)
    os.makedirs(os.path.join(a.out, 'steps'), exist_ok=True)
    lines = []
    for step in range(1, a.steps + 1):
        t0 = time.perf_counter()
        comm = 0.0
        epoch, idx = next(feed)
        x, y = x_all[idx], y_all[idx]
        if a.method == 'sgd':
            loss_grad(model, params, x, y)
        elif a.method == 'sam':
            g = loss_grad(model, params, x, y)
            with torch.no_grad():
                norm = torch.norm(torch.stack([t.norm() for t in g]))
                e = [t * (a.rho / (norm + 1e-12)) for t in g]
                for p, d in zip(params, e):
                    p.add_(d)
            loss_grad(model, params, x, y)
            with torch.no_grad():
                for p, d in zip(params, e):
                    p.sub_(d)
        else:
            roles = [perturbed] if world > 1 else [False, True]
            total = [torch.zeros_like(p) for p in params] if world == 1 else None
            for i, noisy in enumerate(roles):
                if i > 0:
                    epoch, idx = next(feed)
                    x, y = x_all[idx], y_all[idx]
                if noisy:
                    with torch.no_grad():
                        for c, p, n in zip(clean, params, filter_noise(params, a.gamma, gen)):
                            c.copy_(p)
                            p.add_(n)
                g = loss_grad(model, params, x, y, 2 * (a.alpha if noisy else 1 - a.alpha))
                if noisy:
                    with torch.no_grad():
                        for c, p in zip(clean, params):
                            p.copy_(c)
                if total is not None:
                    for t, d in zip(total, g):
                        t.add_(d, alpha=0.5)
            if total is not None:
                for p, t in zip(params, total):
                    p.grad = t
            else:
                torch.cat([p.grad.flatten() for p in params], out=flat)
                c0 = time.perf_counter()
                dist.all_reduce(flat)
                comm = (time.perf_counter() - c0) * 1000
                flat /= world
                offset = 0
                for p in params:
                    p.grad.copy_(flat[offset:offset + p.numel()].view_as(p))
                    offset += p.numel()
        opt.step()
        ms = (time.perf_counter() - t0) * 1000
        lines.append(json.dumps({'step': step, 'epoch': epoch, 'step_ms': ms, 'compute_ms': ms - comm,
                                 'comm_ms': comm, 'data_ms': 0}))
    with open(os.path.join(a.out, 'steps', f'rank-{rank}.jsonl'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    if dist.is_initialized():
        dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--method', choices=['sgd', 'sam', 'rwp'], required=True)
    p.add_argument('--nproc', type=int, default=1)
    p.add_argument('--model', choices=['mlp', 'cnn'], default='cnn')
    p.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    p.add_argument('--limit-train', type=int, default=0)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--steps', type=int, required=True)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--lr', type=float, default=0.05)
    p.add_argument('--rho', type=float, default=0.05)
    p.add_argument('--gamma', type=float, default=0.01)
    p.add_argument('--alpha', type=float, default=0.5)
    p.add_argument('--out', required=True)
    a = p.parse_args()
    if a.nproc > 1 and a.method != 'rwp':
        p.error('--nproc > 1 is for --method rwp')
    if a.nproc == 1:
        run(0, a, None)
    else:
        mp.spawn(run, args=(a, free_port()), nprocs=a.nproc)


if __name__ == '__main__':
    main()
