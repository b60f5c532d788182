#!/usr/bin/env bash
# RWP, ResNet-18 on ImageNet, 4 GPUs of this host: the original's ImageNet recipe.
# Config: configs/imagenet-resnet18-rwp.yaml.
#   DATA_DIR=... launch/imagenet-resnet18-rwp.sh [more rwp-launch flags, --set key=value ...]
# DATA_DIR: an image folder with train/ and val/, one subfolder per class.
# RUN_DIR: default runs/imagenet-resnet18-rwp. Running the script again with the same RUN_DIR
# resumes from its last checkpoint (rwp-launch --resume); rwp-launch restarts a
# failed group up to 3 times.
# Several hosts: add --nnodes M --node-rank K --master-addr HOST --token-file FILE (docs/deployment.md).
# DATA_WORKERS: decode threads per rank (data.workers; default: this host's cores shared among the
# 4 ranks, less one each). Each rank needs about 1,100 images/s for a 0.25 s step at batch 256;
# one thread decodes, crops and resizes 460-690 JPEGs/s of ImageNet's sizes (README), so a rank
# wants 2-3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${DATA_DIR:?set DATA_DIR to an image folder with train/ and val/, one subfolder per class}"
exec "$root/node_modules/.bin/rwp-launch" --nproc 4 --max-restarts 3 \
  --resume \
  --run-dir "${RUN_DIR:-runs/imagenet-resnet18-rwp}" \
  "$root/configs/imagenet-resnet18-rwp.yaml" --set "data.dir=$DATA_DIR" \
  ${DATA_WORKERS:+--set "data.workers=$DATA_WORKERS"} "$@"
