#!/bin/bash
# Three rounds, back to back: 4 ranks on two simulated hosts (bench:allreduce --hosts 2, as root),
# with shared memory within each host and TCP between (ipc, the default), unix sockets within
# and TCP between (ipc --no-shm), and TCP everywhere (tcp). Every line goes to results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=benchmarks/results/allreduce-two-hosts/results.jsonl
: > "$out"
for round in 1 2 3; do
  for mode in "--transport ipc" "--transport ipc --no-shm" "--transport tcp"; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    node benchmarks/dist/allreduce.js --nproc 4 --hosts 2 --sizes 4M,64M --json $mode |
      sed "s/^{/{\"round\":$round,\"mode\":\"${mode}\",\"load_before\":$load,/" >> "$out"
  done
done
