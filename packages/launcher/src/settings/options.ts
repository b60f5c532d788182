import type { Writable } from 'node:stream';
import { dataPortsFromEnv, parsePortRange, ProcessGroupEnvError, WORKER_ENV, type PortRange } from '@rwp/process-group';
import { LaunchError } from '../errors.js';
import type { FlagValues, ResolvedFlags } from './flags.js';

/** What `rwp-launch` is asked to do: one field per flag (see FLAGS), plus what only callers of launch() choose. */
export type LaunchOptions = FlagValues & {
  /** The run config (YAML) every worker gets as its first argument. */
  config: string;
  /** Where the combined, rank-tagged log goes; default process.stdout. */
  output?: Writable & { isTTY?: boolean };
  /** Human-readable lines instead of JSON; default: whether `output` is a terminal. */
  pretty?: boolean;
  /** Seconds a worker gets between SIGTERM and SIGKILL; default 5. */
  graceSeconds?: number;
};

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SET = /^[^=\s]+=/;

/** Rejects values and combinations no run can succeed with, naming the flag (launch() is called without the command line's parsers too). */
export function validateOptions(o: ResolvedFlags<LaunchOptions>): void {
  const { nnodes, nodeRank } = o;
  positiveInteger('--nproc', o.nproc);
  positiveInteger('--nnodes', nnodes);
  positiveInteger('--threads', o.threads);
  if (!Number.isInteger(o.maxRestarts) || o.maxRestarts < 0) {
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
function dataPortsOf(o: LaunchOptions): PortRange | null {
  try {
    if (o.dataPorts === undefined) return dataPortsFromEnv();
    return o.dataPorts.trim() === '' ? null : parsePortRange(o.dataPorts);
  } catch (e) {
    throw new LaunchError(e instanceof ProcessGroupEnvError ? e.message : `--data-ports: ${(e as Error).message}`);
  }
}

/** Every rank of this host listens on a port of its own. */
function checkDataPorts(o: LaunchOptions): void {
  const range = dataPortsOf(o);
  if (range !== null && range.last - range.first + 1 < o.nproc) {
    const flag = o.dataPorts !== undefined ? '--data-ports' : WORKER_ENV.dataPorts;
    throw new LaunchError(`${flag} ${range.first}-${range.last} holds ${range.last - range.first + 1} port(s) but --nproc ${o.nproc} ranks each listen on one`);
  }
}

function positiveInteger(flag: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new LaunchError(`${flag} must be a whole number >= 1, got ${n}`);
}
