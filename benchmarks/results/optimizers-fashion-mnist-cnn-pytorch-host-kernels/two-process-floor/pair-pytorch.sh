#!/bin/bash
# PyTorch (Debian torch 1.13) cnn b128, one thread: one process alone vs two independent processes at once.
cd "$(dirname "$0")/../../../.."
P="/usr/bin/python3 benchmarks/compute_pytorch.py --models cnn --iters 150 --warmup 5"
for r in 1 2 3; do
  a=$($P 2>&1 | tail -1)
  $P > /tmp/q1.txt 2>&1 & $P > /tmp/q2.txt 2>&1; wait
  echo "round $r: alone: $a | two at once: $(tail -1 /tmp/q1.txt) ; $(tail -1 /tmp/q2.txt)"
done
