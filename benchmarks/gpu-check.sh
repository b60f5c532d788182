#!/usr/bin/env bash
# What rwp's WebGPU backend does on this host's GPU, in about 5 minutes (8 at most), with nothing
# from the network: the adapter Dawn finds; ms per training step on webgpu for the small cnn and
# the CIFAR ResNet-18 at batch 128, beside the same step in PyTorch on CUDA when python3 has a
# torch that sees a GPU; then SGD, SAM and RWP (in sequence, and in parallel on 2 ranks sharing
# this one GPU) through the real rwp-train and rwp-launch; and the CPU a waiting webgpu process
# burns. Everything lands in OUT (default benchmarks/results/gpu-check-<time>/): gpu-check.json
# and the table printed at the end.
#
#   benchmarks/gpu-check.sh [OUT]        (after scripts/setup.sh or with node_modules and dist/ copied in)
#
# GPU_CHECK_BATCH (128), GPU_CHECK_SECONDS (15 per model) and GPU_CHECK_STEPS (60 per method)
# shrink it, e.g. to try the script on SwiftShader, where the numbers mean nothing.
#
# Needs the Vulkan loader (libvulkan1) and the GPU's Vulkan driver; in a container the NVIDIA
# runtime must expose the graphics capability (NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-benchmarks/results/gpu-check-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
node=${NODE:-node}
batch=${GPU_CHECK_BATCH:-128}
seconds=${GPU_CHECK_SECONDS:-15}
steps=${GPU_CHECK_STEPS:-60}

echo "== adapter"
if ! $node benchmarks/dist/gpu-adapter.js > "$out/adapter.json"; then
  cat "$out/adapter.json"
  ldconfig -p 2>/dev/null | grep -q libvulkan.so.1 || echo "gpu-check: no Vulkan loader (libvulkan.so.1): apt-get install libvulkan1" >&2
  exit 1
fi
cat "$out/adapter.json"

echo "== one training step: webgpu against PyTorch"
if python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  reference=(--pytorch-device cuda --python python3)
else
  echo "gpu-check: no PyTorch with CUDA in python3: webgpu alone"
  reference=(--no-pytorch)
fi
timeout 300 $node benchmarks/dist/compute.js --backend webgpu --models cnn,resnet18 --batch "$batch" --seconds "$seconds" "${reference[@]}" --json \
  | tee "$out/compute.jsonl"

echo "== CPU of a waiting webgpu process (Dawn's binding was seen spinning ~1.1 cores on NVIDIA)"
timeout 60 $node benchmarks/dist/webgpu-idle.js --seconds 5 --json | tee "$out/webgpu-idle.jsonl"

echo "== SGD, SAM and RWP on webgpu, one GPU (parallel RWP: 2 ranks share it)"
timeout 200 $node benchmarks/dist/optimizers.js --backend webgpu --model cnn --dataset synthetic --batch "$batch" \
  --steps "$steps" --warmup 2 --nproc-rwp 2 --out "$out/optimizers" --runs-dir "$out/runs" --json

echo "== summary"
$node benchmarks/dist/gpu-check-report.js "$out"
