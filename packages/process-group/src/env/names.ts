// The worker's environment: every variable rwp-launch sets for a worker (torchrun's names where
// torchrun has one) and the workers read. The launcher writes them and process-group reads them
// by these names, so each name is spelt once. Slurm's, Kubernetes', Open MPI's and torchrun's agent's
// own variables are read only by slurm-env.ts, kubernetes-env.ts, mpi-env.ts and torchrun-env.ts,
// and other launchers' by unknown-launcher.ts.
export const WORKER_ENV = {
  rank: 'RANK',
  localRank: 'LOCAL_RANK',
  worldSize: 'WORLD_SIZE',
  localWorldSize: 'LOCAL_WORLD_SIZE',
  groupRank: 'GROUP_RANK',
  masterAddr: 'MASTER_ADDR',
  masterPort: 'MASTER_PORT',
  runId: 'RWP_RUN_ID',
  transport: 'RWP_TRANSPORT',
  restartCount: 'RWP_RESTART_COUNT',
  threads: 'RWP_THREADS',
  ompThreads: 'OMP_NUM_THREADS',
  launched: 'RWP_LAUNCHED',
  commTimeoutMs: 'RWP_COMM_TIMEOUT_MS',
  dataPorts: 'RWP_DATA_PORTS',
  jobToken: 'RWP_JOB_TOKEN',
  cudaDevices: 'CUDA_VISIBLE_DEVICES',
  gpu: 'RWP_GPU',
  sharedMemory: 'RWP_SHM',
  hostAddr: 'RWP_HOST_ADDR',
} as const;

export type WorkerEnvName = (typeof WORKER_ENV)[keyof typeof WORKER_ENV];
