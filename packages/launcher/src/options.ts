import type { Writable } from 'node:stream';
import { parsePortRange, type PortRange, type Transport } from '@rwp/process-group';
import { LaunchError } from './errors.js';

/** What `rwp-launch` is asked to do: one field per CLI flag, plus output, pretty and graceSeconds for callers of launch(). */
export interface LaunchOptions {
  /** The run config (YAML) every worker gets as its first argument. */
  config: string;
  /** `key=value` overrides passed to every worker as `--set key=value`. */
  sets?: string[];
  /** Workers on this host. */
  nproc: number;
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
  /** A file holding the job's secret (RWP_JOB_TOKEN); see resolveJobToken. */
  tokenFile?: string;
  /** Several hosts without a job token, on purpose. */
  unauthenticated?: boolean;
  /** `LO-HI`: the ring's listening ports on this host (RWP_DATA_PORTS); default RWP_DATA_PORTS, else any. */
  dataPorts?: string;
  maxRestarts?: number;
  /** Pass --resume to the workers from the first start on (a restarted container continues its run). */
  resume?: boolean;
  runDir?: string;
  runId?: string;
  transport?: Transport;
  commTimeoutSeconds?: number;
  /** Threads per worker (RWP_THREADS, OMP_NUM_THREADS). */
  threads?: number;
  /** `auto`, `none` or a list of device ids for CUDA_VISIBLE_DEVICES. */
  gpus?: string;
  /** More workers than GPUs share them in turn instead of being an error. */
  shareGpus?: boolean;
  /** The worker program; default: the `rwp-train` bin (see resolveWorkerProgram). */
  worker?: string;
  /** Where the combined, rank-tagged log goes; default process.stdout. */
  output?: Writable & { isTTY?: boolean };
  /** Human-readable lines instead of JSON; default: whether `output` is a terminal. */
  pretty?: boolean;
  /** Seconds a worker gets between SIGTERM and SIGKILL; default 5. */
  graceSeconds?: number;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SET = /^[^=\s]+=/;

/** Rejects combinations no run can succeed with, naming the flag. */
export function validateOptions(o: LaunchOptions): void {
  const nnodes = o.nnodes ?? 1;
  const nodeRank = o.nodeRank ?? 0;
  positiveInteger('--nproc', o.nproc);
  positiveInteger('--nnodes', nnodes);
  positiveInteger('--threads', o.threads ?? 1);
  if (!Number.isInteger(o.maxRestarts ?? 0) || (o.maxRestarts ?? 0) < 0) {
    throw new LaunchError(`--max-restarts must be a whole number >= 0, got ${o.maxRestarts}`);
  }
  if (!Number.isInteger(nodeRank) || nodeRank < 0 || nodeRank >= nnodes) {
    throw new LaunchError(`--node-rank must be between 0 and ${nnodes - 1} (--nnodes ${nnodes}), got ${nodeRank}`);
  }
  if (nnodes > 1 && !o.masterAddr) {
    throw new LaunchError(`--nnodes ${nnodes} needs --master-addr: the address of node 0 that every node can reach`);
  }
  if (o.masterPort !== undefined && (!Number.isInteger(o.masterPort) || o.masterPort < 1 || o.masterPort > 65535)) {
    throw new LaunchError(`--master-port must be a port number between 1 and 65535, got ${o.masterPort}`);
  }
  checkDataPorts(o);
  if (o.commTimeoutSeconds !== undefined && !(o.commTimeoutSeconds > 0)) {
    throw new LaunchError(`--comm-timeout must be a number of seconds > 0, got ${o.commTimeoutSeconds}`);
  }
  if (o.runId !== undefined && !RUN_ID.test(o.runId)) {
    throw new LaunchError(`--run-id must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit), got '${o.runId}'`);
  }
  for (const s of o.sets ?? []) {
    if (!SET.test(s)) throw new LaunchError(`--set expects key=value, got '${s}'`);
  }
  if (o.graceSeconds !== undefined && !(o.graceSeconds >= 0)) {
    throw new LaunchError(`the grace period must be >= 0 seconds, got ${o.graceSeconds}`);
  }
}

/** The range given by --data-ports (else RWP_DATA_PORTS), or null for ports the kernel picks. */
export function dataPortsOf(o: LaunchOptions): PortRange | null {
  const text = o.dataPorts ?? process.env.RWP_DATA_PORTS;
  if (text === undefined || text.trim() === '') return null;
  const flag = o.dataPorts !== undefined ? '--data-ports' : 'RWP_DATA_PORTS';
  try {
    return parsePortRange(text);
  } catch (e) {
    throw new LaunchError(`${flag}: ${(e as Error).message}`);
  }
}

/** Every rank of this host listens on a port of its own. */
function checkDataPorts(o: LaunchOptions): void {
  const range = dataPortsOf(o);
  if (range !== null && range.last - range.first + 1 < o.nproc) {
    const flag = o.dataPorts !== undefined ? '--data-ports' : 'RWP_DATA_PORTS';
    throw new LaunchError(`${flag} ${range.first}-${range.last} holds ${range.last - range.first + 1} port(s) but --nproc ${o.nproc} ranks each listen on one`);
  }
}

function positiveInteger(flag: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new LaunchError(`${flag} must be a whole number >= 1, got ${n}`);
}
