#!/bin/bash
# cnn b128 bare tfjs loop, native, 1 thread: one process alone vs two independent processes at once (no communication).
cd "$(dirname "$0")/../../../.."
B="node benchmarks/dist/compute.js --models cnn --backend native --seconds 20 --no-pytorch --json"
for r in 1 2 3; do
  a=$($B | python3 -c 'import json,sys; print(round(json.loads(sys.stdin.read())["step_ms"],1))')
  $B > /tmp/p1.json & $B > /tmp/p2.json; wait
  b=$(cat /tmp/p1.json /tmp/p2.json | python3 -c 'import json,sys; print([round(json.loads(l)["step_ms"],1) for l in sys.stdin])')
  echo "round $r: alone $a ms; two at once $b ms"
done
