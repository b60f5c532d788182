#!/usr/bin/env bash
# Baseline: SAM (rho 0.05), ResNet-18 on CIFAR-10, 1 GPU (two passes per step).
# Config: configs/cifar10-resnet18-sam.yaml.
#   DATA_DIR=... launch/cifar10-resnet18-sam.sh [more rwp-launch flags, --set key=value ...]
# DATA_DIR: the folder holding cifar-10-batches-bin.
# RUN_DIR: default runs/cifar10-resnet18-sam. Running the script again with the same RUN_DIR
# resumes from its last checkpoint (rwp-launch --resume); rwp-launch restarts a
# failed group up to 3 times.
# Several hosts: add --nnodes M --node-rank K --master-addr HOST --token-file FILE (docs/deployment.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${DATA_DIR:?set DATA_DIR to the folder holding cifar-10-batches-bin}"
exec "$root/node_modules/.bin/rwp-launch" --nproc 1 --max-restarts 3 \
  --resume \
  --run-dir "${RUN_DIR:-runs/cifar10-resnet18-sam}" \
  "$root/configs/cifar10-resnet18-sam.yaml" --set "data.dir=$DATA_DIR" "$@"
