"""PyTorch gloo reference for bench:allreduce: the same measurement on the same host.

  OMP_NUM_THREADS=1 python3 benchmarks/allreduce_gloo.py --nproc 4 --sizes 4M,64M [--iters K]

prints one JSON object per size with the fields of `npm run bench:allreduce -- --json`
(transport "gloo"): float32 sum, warm-up 3, then per iteration a barrier and one allreduce; an
allreduce lasts from the last rank's call to the last rank's return; the median is reported.
busbw = algbw * 2(N-1)/N, as in nccl-tests. Debian's PyTorch is at /usr/bin/python3 here.
"""
import argparse
import json
import os
import resource
import socket
import statistics
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

WARMUP = 3
UNITS = {'': 1, 'K': 1024, 'M': 1024 ** 2, 'G': 1024 ** 3}


def parse_size(text):
    text = text.strip().upper()
    unit = text[-1] if text[-1] in UNITS else ''
    return int(text[: len(text) - len(unit)]) * UNITS[unit]


def default_iters(size):
    # As bench:allreduce: about 1 GiB of data per size, within [5, 50].
    return max(5, min(50, round(1024 ** 3 / 4 / size)))


def rank_main(rank, n, sizes, iters, port):
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank, world_size=n)
    for size in sizes:
        x = torch.empty(size // 4)
        k = iters or default_iters(size)
        starts, ends, cpu = [], [], 0.0
        for it in range(WARMUP + k):
            x.fill_(1.0)
            dist.barrier()
            r0 = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.time()
            dist.all_reduce(x)
            t1 = time.time()
            r1 = resource.getrusage(resource.RUSAGE_SELF)
            if it >= WARMUP:
                starts.append(t0)
                ends.append(t1)
                cpu += (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
            if x[0].item() != n or x[-1].item() != n:
                raise SystemExit(f'gloo allreduce gave {x[0].item()}, expected {n}')
        s = torch.tensor(starts, dtype=torch.float64)
        e = torch.tensor(ends, dtype=torch.float64)
        c = torch.tensor([cpu / k], dtype=torch.float64)
        dist.all_reduce(s, op=dist.ReduceOp.MAX)
        dist.all_reduce(e, op=dist.ReduceOp.MAX)
        dist.all_reduce(c)
        if rank == 0:
            t = statistics.median((e - s).tolist())
            alg = size / t / 1e9
            print(json.dumps({
                'size_bytes': size, 'nproc': n, 'transport': 'gloo', 'iters': k,
                'time_us': round(t * 1e6, 1), 'algbw_gbps': round(alg, 3),
                'busbw_gbps': round(alg * 2 * (n - 1) / n, 3),
                'cpu_us_per_rank': round(c.item() / n * 1e6),
                'torch': torch.__version__,
            }), flush=True)
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--nproc', type=int, default=2)
    p.add_argument('--sizes', default='256K,4M,64M')
    p.add_argument('--iters', type=int, default=0)
    a = p.parse_args()
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    mp.spawn(rank_main, args=(a.nproc, [parse_size(s) for s in a.sizes.split(',')], a.iters, free_port()), nprocs=a.nproc)
