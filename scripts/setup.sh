#!/usr/bin/env bash
# Installs everything rwp needs on a Debian host: system packages (data set, math library,
# network tools for the two-host test), the npm packages, the native CPU kernels, and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each package, and why; installed with their Recommends unless listed in APT_NO_RECOMMENDS:
# - dataset-fashion-mnist: the real data set of the main job and the tests;
# - libdnnl-dev: oneDNN for the native CPU kernels (recommends OpenCL headers: harmless);
# - g++, make, python3: the native addons' build;
# - libjpeg62-turbo-dev: libjpeg-turbo, the JPEG decoder of image folders' addon (@rwp/data), the
#   library PIL links, so crops are torchvision's to the byte;
# - iproute2: network namespaces for the two-host tests; fonts-dejavu-core: the benchmark charts' font;
# - libvulkan1, libvulkan-dev: the Vulkan loader, and the headers of the layer that gives each
#   WebGPU worker its own GPU;
# - mesa-vulkan-drivers: named on purpose (libvulkan1 recommends it, and most hosts, GPU hosts
#   too, have it): lavapipe, which Dawn refuses, the Intel and Radeon drivers, and mesa's implicit
#   device-select layer. The tests check that `auto`, the GPU index and a worker's stderr are
#   right beside them, so every machine that runs the suite has them;
# - chromium, without its Recommends (a desktop's worth of packages): SwiftShader's Vulkan driver,
#   the WebGPU adapter on a machine without a GPU;
# - the cluster launchers the tests run for real (docs/deployment.md), without their Recommends:
#   munge, slurmctld, slurmd, slurm-client: a Slurm controller and node daemons for srun and
#   sbatch (Recommends would add ~35 packages of unused Slurm plugins: HDF5, InfluxDB, IPMI, ROCm);
#   openmpi-bin, libopenmpi-dev: Open MPI's mpirun, and the library and headers of the @rwp/mpi
#   addon (dist.backend: mpi) (Recommends add gfortran's coarray libraries);
#   python3-torch: torchrun's agent. Together ~930 MB and ~3.5 min here, most of it PyTorch;
# - python3-torchvision: the reference the data tests hold rwp's crops against (without it they
#   fall back to fixtures it wrote) and bench:data --pytorch; libopenblas0-openmp: PyTorch's dense
#   layers at a fair speed in the benchmarks (the reference BLAS is ~17x slower).
APT_PACKAGES=(dataset-fashion-mnist libdnnl-dev g++ make python3 libjpeg62-turbo-dev iproute2 fonts-dejavu-core libvulkan1 libvulkan-dev mesa-vulkan-drivers)
APT_NO_RECOMMENDS=(chromium munge slurmctld slurmd slurm-client openmpi-bin libopenmpi-dev python3-torch python3-torchvision libopenblas0-openmp)
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
# dist.backend: mpi, Open MPI's MPI_Allreduce under mpirun: a small C addon over libopenmpi-dev
# (without it only that backend is unavailable; the ring is the default).
npm run build:native -w @rwp/mpi
# Image folders' JPEG decode and resize: a small C addon over libjpeg-turbo (without it only
# image folders are unavailable, and say so).
npm run build:native -w @rwp/data
# The Vulkan layer that shows each WebGPU worker only its own GPU (without it, one GPU per host).
npm run build:native -w @rwp/webgpu
npm run build
