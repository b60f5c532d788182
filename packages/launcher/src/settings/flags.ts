import { keyValue, port, positiveNumber, wholeNumber } from '@rwp/cli-args';
import { DEFAULT_MASTER_PORT, DEFAULT_TRANSPORT, formatPortRange, parsePortRange, TRANSPORTS, WORKER_ENV as E, type WorkerEnvName } from '@rwp/process-group';

/** Variables of the workers' environment. */
type WorkerVars = Partial<Record<WorkerEnvName, string>>;

/**
 * One flag of rwp-launch, written once: the command line, the LaunchOptions field (the key of
 * FLAGS) and what it sets in every worker's environment are all derived from it.
 */
export interface Flag<T> {
  /** Commander's text: `--name <arg>` for a value, `--name` for a switch. */
  flag: string;
  help: string;
  /** Text to value; a repeatable flag also gets the values so far. A bad value throws commander's InvalidArgumentError. */
  parse?: (text: string, previous: T | undefined) => T;
  choices?: readonly T[];
  /** The value when the flag is not given, shown by --help. A default that depends on other flags is the settings' to work out, and the help says it. */
  default?: T;
  /** Variables the flag's value sets in every worker's environment. */
  env?: (value: T) => WorkerVars;
}

// The builders keep `extra`'s type, so that the options type knows which flags have a default.
type Extra<T> = Pick<Flag<T>, 'default' | 'env'>;

function valued<T, X extends Extra<T> = Extra<T>>(flag: string, help: string, parse: (text: string, previous: T | undefined) => T, extra?: X): Flag<T> & X {
  return { flag, help, parse, ...extra } as Flag<T> & X;
}

function text<X extends Extra<string> = Extra<string>>(flag: string, help: string, extra?: X): Flag<string> & X {
  return { flag, help, ...extra } as Flag<string> & X;
}

function choice<T extends string, X extends Extra<T> = Extra<T>>(flag: string, help: string, choices: readonly T[], extra?: X): Flag<T> & X {
  return { flag, help, choices, ...extra } as Flag<T> & X;
}

function toggle(flag: string, help: string): Flag<boolean> {
  return { flag, help };
}

function required<T>(f: Flag<T>): Flag<T> & { required: true } {
  return { ...f, required: true };
}

/** --comm-timeout's seconds as the milliseconds the workers and the launcher wait. */
export function commTimeoutMs(seconds: number): number {
  return Math.max(1, Math.round(seconds * 1000));
}

/** Every flag of rwp-launch, in the order --help lists them (--dry-run, --version and --help are the command line's own). */
export const FLAGS = {
  nproc: required(valued('--nproc <n>', 'workers to start on this host (one rank each)', wholeNumber(1))),
  nnodes: valued('--nnodes <m>', 'hosts taking part; run rwp-launch once on each', wholeNumber(1), { default: 1 }),
  nodeRank: valued('--node-rank <k>', "this host's index, 0 to nnodes-1; node 0 hosts the rendezvous", wholeNumber(0), { default: 0 }),
  masterAddr: text('--master-addr <host>', 'address of node 0 that every host can reach (needed with --nnodes > 1; default 127.0.0.1)'),
  masterPort: valued(
    '--master-port <port>',
    `rendezvous port on node 0 (default: a free port on one host, ${DEFAULT_MASTER_PORT} on several, where node 0's launcher also listens on the next port for the other hosts' launchers)`,
    port,
  ),
  tokenFile: text(
    '--token-file <file>',
    `file holding the job's secret (${E.jobToken}), the same on every host; every connection proves it (default: ${E.jobToken}, else a random one on one host; required on several)`,
  ),
  unauthenticated: toggle('--unauthenticated', 'run on several hosts without a job token: anyone who can reach the ports can join or feed the run'),
  dataPorts: text('--data-ports <lo-hi>', `TCP ports the ranks' ring inputs listen on, e.g. 40000-40031 (${E.dataPorts}; default: ports the kernel picks)`, {
    env: (range) => (range.trim() === '' ? {} : { [E.dataPorts]: formatPortRange(parsePortRange(range)) }),
  }),
  maxRestarts: valued(
    '--max-restarts <r>',
    'start the group again with --resume up to R times after a failure (on several hosts: every host stops and restarts together)',
    wholeNumber(0),
    { default: 0 },
  ),
  resume: toggle('--resume', 'continue from the checkpoint in the run directory if there is one (workers get --resume from the first start)'),
  runDir: text('--run-dir <dir>', 'run directory (default: --set run_dir, else run_dir in CONFIG, else runs/<config>-<UTC time>)'),
  runId: text('--run-id <id>', 'rendezvous id shared by all hosts (default: random per start on one host, derived from master address, port and restart count on several)'),
  transport: choice(
    '--transport <kind>',
    'ipc (default): shared memory (else unix sockets) between the ranks of a host, tcp between hosts, in one ring; tcp: tcp everywhere',
    TRANSPORTS,
    { default: DEFAULT_TRANSPORT, env: (t) => ({ [E.transport]: t }) },
  ),
  commTimeoutSeconds: valued('--comm-timeout <seconds>', `seconds a collective may wait for a peer before failing (${E.commTimeoutMs})`, positiveNumber, {
    env: (s) => ({ [E.commTimeoutMs]: String(commTimeoutMs(s)) }),
  }),
  threads: valued('--threads <t>', `compute threads per worker (${E.threads}, ${E.ompThreads})`, wholeNumber(1), {
    default: 1,
    env: (t) => ({ [E.threads]: String(t), [E.ompThreads]: String(t) }),
  }),
  gpus: text(
    '--gpus <which>',
    `auto (${E.cudaDevices}, else the GPUs nvidia-smi lists), none, or a comma list of GPU indices or UUIDs; worker i gets the i-th (${E.cudaDevices} and ${E.gpu})`,
    { default: 'auto' },
  ),
  shareGpus: toggle('--share-gpus', 'let more workers than GPUs share them, dealt out in turn (default: an error naming the ranks left without one)'),
  worker: text('--worker <path>', 'worker program run with node (default: the rwp-train program npm installed)'),
  sets: valued('--set <key=value>', 'config override passed to every worker; repeat for several', keyValue),
};

type Flags = typeof FLAGS;
type ValueOf<F> = F extends Flag<infer T> ? T : never;
type RequiredKey = { [K in keyof Flags]: Flags[K] extends { required: true } ? K : never }[keyof Flags];
type DefaultedKey = { [K in keyof Flags]: undefined extends Flags[K]['default'] ? never : K }[keyof Flags];

/** One field per flag, named by its key in FLAGS; only the required ones must be given. */
export type FlagValues = { [K in RequiredKey]: ValueOf<Flags[K]> } & { [K in Exclude<keyof Flags, RequiredKey>]?: ValueOf<Flags[K]> };

/** FlagValues with every default filled in. */
export type ResolvedFlags<O extends FlagValues> = O & { [K in DefaultedKey]: ValueOf<Flags[K]> };

/** The flags' defaults under every flag not given (undefined counts as not given). */
export function withDefaults<O extends FlagValues>(o: O): ResolvedFlags<O> {
  const out: Record<string, unknown> = { ...o };
  for (const [key, f] of Object.entries(FLAGS) as [string, Flag<unknown>][]) {
    if (out[key] === undefined && f.default !== undefined) out[key] = f.default;
  }
  return out as ResolvedFlags<O>;
}

/** The variables the given flags set in every worker's environment, in the order of FLAGS. */
export function flagsWorkerEnv(o: FlagValues): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, f] of Object.entries(FLAGS) as [keyof Flags, Flag<unknown>][]) {
    const value = o[key];
    if (value !== undefined && f.env !== undefined) Object.assign(env, f.env(value));
  }
  return env;
}
