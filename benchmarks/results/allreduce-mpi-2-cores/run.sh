#!/bin/sh
# Ring against Open MPI (dist.backend: mpi), 2 ranks, 4 and 64 MiB: on one host, and across the
# two simulated hosts (needs root); three interleaved rounds. "mpi+malloc" is mpi with glibc told
# to keep freed memory (see README.md). Every line goes to results.jsonl.
set -e
cd "$(dirname "$0")/../../.."
npx tsc -b
out=benchmarks/results/allreduce-mpi-2-cores/results.jsonl
: > "$out"
bench() { node benchmarks/dist/allreduce.js --nproc 2 --sizes 4M,64M --json "$@"; }
keep() { env MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 "$@" | sed 's/"backend":"mpi"/"backend":"mpi+malloc"/'; }
for round in 1 2 3; do
  for hosts in 1 2; do
    bench --hosts $hosts --backend ring >> "$out"
    bench --hosts $hosts --backend mpi >> "$out"
    keep node benchmarks/dist/allreduce.js --nproc 2 --sizes 4M,64M --json --hosts $hosts --backend mpi >> "$out"
  done
done
