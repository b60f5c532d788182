/** How the ranks of a host reach each other: ipc (shared memory, else unix sockets) or tcp. */
export const TRANSPORTS = ['ipc', 'tcp'] as const;
export type Transport = (typeof TRANSPORTS)[number];
export const DEFAULT_TRANSPORT: Transport = 'ipc';

/** This process's place in its group, as resolveProcessGroup reads it from the environment. */
export interface ProcessGroupEnv {
  rank: number;
  worldSize: number;
  localRank: number;
  localWorldSize: number;
  nodeRank: number;
  masterAddr: string;
  masterPort: number;
  runId: string;
  transport: Transport;
  timeoutMs: number;
  source: 'launcher' | 'torchrun' | 'mpi' | 'slurm' | 'kubernetes' | 'single';
}

/** The part of the identity each source resolves; transport and timeout are common to all. */
export type Identity = Omit<ProcessGroupEnv, 'transport' | 'timeoutMs'>;

/** torchrun's default, so recipes written for it work unchanged. */
export const DEFAULT_MASTER_PORT = 29500;

/** Long enough for a slow first step or a checkpoint write on a peer, short enough to end a stuck job. */
export const DEFAULT_TIMEOUT_MS = 300_000;
