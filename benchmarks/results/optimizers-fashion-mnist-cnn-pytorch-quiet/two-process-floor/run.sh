#!/bin/bash
# 1-rank SGD, 2-rank SGD (data parallel), 2-rank RWP: interleaved, 210 steps, per-step medians after 10 warm-up
cd "$(dirname "$0")/../../../.." && CONFIG="${CONFIG:?the bench:optimizers base config (RUNS_DIR/config.yaml of a bench:optimizers run)}"
mkdir -p /tmp/floor
for r in 1 2 3; do
  for m in sgd1 sgd2 rwp2; do
    d=/tmp/floor/$m-r$r; rm -rf $d
    case $m in sgd1) n=1; meth=sgd;; sgd2) n=2; meth=sgd;; rwp2) n=2; meth=rwp;; esac
    node packages/launcher/bin/rwp-launch.js --nproc $n --run-dir $d "$CONFIG" --set method.name=$meth --set train.max_steps=210 > $d.log 2>&1
    python3 - $d <<'PY'
import json,statistics,sys,glob
d=sys.argv[1]
per=[]
for f in sorted(glob.glob(d+'/steps/rank-*.jsonl')):
    rows=[json.loads(l) for l in open(f)][10:]
    per.append({k: statistics.median(x[k] for x in rows) for k in ('step_ms','compute_ms','comm_ms','data_ms')})
print(d.split('/')[-1], ' | '.join(f"rank {i}: step {p['step_ms']:.1f} compute {p['compute_ms']:.1f} comm {p['comm_ms']:.1f}" for i,p in enumerate(per)))
PY
  done
done
