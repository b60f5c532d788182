#!/bin/sh
# Before and after, back to back, twice: results.jsonl.
set -e
cd "$(dirname "$0")/../../.."
npx tsc -b
for i in 1 2; do
  node benchmarks/results/checkpoint-resnet18/before.mjs /tmp 7
  node benchmarks/dist/checkpoint.js /tmp 7
done
