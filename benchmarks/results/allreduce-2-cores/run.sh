#!/bin/bash
# Interleaved rounds: rwp shm, rwp sockets, gloo; 2 and 4 ranks; 4M and 64M.
cd "$(dirname "$0")/../../.."
for round in 1 2 3; do
  for n in 2 4; do
    node benchmarks/dist/allreduce.js --nproc $n --sizes 4M,64M --json | sed "s/^/{\"round\":$round,\"impl\":\"rwp-shm\",\"r\":/; s/$/}/"
    node benchmarks/dist/allreduce.js --nproc $n --sizes 4M,64M --json --no-shm | sed "s/^/{\"round\":$round,\"impl\":\"rwp-sockets\",\"r\":/; s/$/}/"
    OMP_NUM_THREADS=1 /usr/bin/python3 benchmarks/allreduce_gloo.py --nproc $n --sizes 4M,64M | sed "s/^/{\"round\":$round,\"impl\":\"gloo\",\"r\":/; s/$/}/"
  done
done
