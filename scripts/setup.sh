#!/usr/bin/env bash
# Installs everything rwp needs on a Debian host: system packages (data set, math library,
# network tools for the two-host test), the npm packages, the native CPU kernels, and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

# dataset-fashion-mnist: the real data set; libdnnl-dev: oneDNN for the native CPU kernels;
# iproute2: network namespaces for the two-host test; fonts-dejavu-core: the font of the benchmark charts.
# libvulkan1, libvulkan-dev: the Vulkan loader, and the headers of the layer that gives each
# WebGPU worker its own GPU; chromium (installed without its recommends): SwiftShader's Vulkan
# driver, a WebGPU adapter on a machine without a GPU.
# The cluster launchers the tests run for real (docs/deployment.md), all without their recommends:
# munge, slurmctld, slurmd, slurm-client: a Slurm controller and node daemons for srun and sbatch
# (recommends would add ~35 packages of unused Slurm plugins: HDF5, InfluxDB, IPMI, ROCm, ...);
# openmpi-bin, libopenmpi-dev: Open MPI's mpirun (recommends add gfortran's coarray libraries);
# python3-torch: torchrun's agent. Together ~930 MB and ~3.5 min here, most of it PyTorch.
APT_PACKAGES=(dataset-fashion-mnist libdnnl-dev g++ make python3 iproute2 fonts-dejavu-core libvulkan1 libvulkan-dev)
APT_NO_RECOMMENDS=(chromium munge slurmctld slurmd slurm-client openmpi-bin libopenmpi-dev python3-torch)
missing=()
lean=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
for p in "${APT_NO_RECOMMENDS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || lean+=("$p"); done
if [ $((${#missing[@]} + ${#lean[@]})) -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${lean[@]}"
  elif command -v sudo >/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${lean[@]}"
  else
    echo "setup: please install these Debian packages first: ${missing[*]}${lean[*]:+ and, without recommends, ${lean[*]}}" >&2
    exit 1
  fi
fi

npm ci --no-audit --no-fund
# The native kernels: a Node addon over oneDNN, compiled here (it says why and carries on
# without it if a compiler or the library is missing; training then uses wasm).
npm run build:native -w @rwp/native
# Shared memory for allreduce between the ranks of one host: a small C addon (without it the
# ranks exchange gradients over unix sockets, about half as fast on this machine).
npm run build:native -w @rwp/shm
# The Vulkan layer that shows each WebGPU worker only its own GPU (without it, one GPU per host).
npm run build:native -w @rwp/webgpu
npm run build
