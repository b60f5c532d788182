#!/usr/bin/env node
import { keyValue, port, positiveNumber, wholeNumber } from '@rwp/cli-args';
import type { Transport } from '@rwp/process-group';
import { Command, CommanderError, Option } from 'commander';
import { describeWorkers } from './dry-run.js';
import { LaunchError } from './errors.js';
import { launch } from './launch.js';
import type { LaunchOptions } from './options.js';
import { prepareAttempt, resolveLaunchSettings } from './launch-settings.js';
import { launcherVersion } from './version.js';
import { workerSpecs } from './worker-spec.js';

const EXAMPLES = `
Each worker runs:  node WORKER CONFIG [--set k=v ...] --run-dir DIR [--resume]
with RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT,
RWP_RUN_ID, RWP_TRANSPORT, RWP_RESTART_COUNT, RWP_THREADS, OMP_NUM_THREADS, RWP_LAUNCHED=1,
RWP_COMM_TIMEOUT_MS (with --comm-timeout), CUDA_VISIBLE_DEVICES and RWP_GPU (per --gpus) set.
When one worker fails, the others get SIGTERM, then SIGKILL 5 s later; the launcher names the
rank, how it ended and its last lines. Logs: RUN_DIR/logs/rank-<R>.log and launcher.log; the
combined output is JSON lines tagged with "rank" when piped; on a terminal, readable lines under
a progress line (rank 0's step, loss, ETA) and a summary table at the end.

Exit status: 0 when every worker exits 0; the failed worker's code (128 + signal number if it
was killed); 128 + signal number when the launcher is stopped by SIGINT/SIGTERM/SIGHUP;
2 for a usage error.

Examples:
  One host, 8 workers:
    npx rwp-launch --nproc 8 configs/cifar10-resnet18-rwp.yaml --set data.dir=/data/cifar10

  Two hosts with 4 workers each; run one command on each, node 0 listening on 10.0.0.1, both
  with the same job token (e.g. openssl rand -hex 32 > job.token, copied to each host):
    npx rwp-launch --nnodes 2 --node-rank 0 --nproc 4 --master-addr 10.0.0.1 --token-file job.token configs/fashion-mnist-cnn-rwp.yaml
    npx rwp-launch --nnodes 2 --node-rank 1 --nproc 4 --master-addr 10.0.0.1 --token-file job.token configs/fashion-mnist-cnn-rwp.yaml

  Restart the group up to 3 times after a failure; restarted workers get --resume:
    npx rwp-launch --nproc 2 --max-restarts 3 --run-dir runs/fmnist configs/fashion-mnist-cnn-rwp.yaml

  Override config values (keys: configs/README.md) and show the workers' commands without starting them:
    npx rwp-launch --nproc 2 configs/fashion-mnist-cnn-rwp.yaml --set optim.lr=0.1 --set train.epochs=5 --dry-run
`;

function buildProgram(): Command {
  return new Command('rwp-launch')
    .description('Start, watch, tear down and restart the rwp workers of one host.')
    .argument('<config>', 'run config (YAML) handed to every worker')
    .requiredOption('--nproc <n>', 'workers to start on this host (one rank each)', wholeNumber(1))
    .option('--nnodes <m>', 'hosts taking part; run rwp-launch once on each', wholeNumber(1), 1)
    .option('--node-rank <k>', "this host's index, 0 to nnodes-1; node 0 hosts the rendezvous", wholeNumber(0), 0)
    .option('--master-addr <host>', 'address of node 0 that every host can reach (needed with --nnodes > 1; default 127.0.0.1)')
    .option('--master-port <port>', "rendezvous port on node 0 (default: a free port on one host, 29500 on several, where node 0's launcher also listens on the next port for the other hosts' launchers)", port)
    .option('--token-file <file>', "file holding the job's secret (RWP_JOB_TOKEN), the same on every host; every connection proves it (default: RWP_JOB_TOKEN, else a random one on one host; required on several)")
    .option('--unauthenticated', 'run on several hosts without a job token: anyone who can reach the ports can join or feed the run')
    .option('--data-ports <lo-hi>', "TCP ports the ranks' ring inputs listen on, e.g. 40000-40031 (RWP_DATA_PORTS; default: ports the kernel picks)")
    .option('--max-restarts <r>', 'start the group again with --resume up to R times after a failure (on several hosts: every host stops and restarts together)', wholeNumber(0), 0)
    .option('--resume', 'continue from the checkpoint in the run directory if there is one (workers get --resume from the first start)')
    .option('--run-dir <dir>', 'run directory (default: --set run_dir, else run_dir in CONFIG, else runs/<config>-<UTC time>)')
    .option('--run-id <id>', 'rendezvous id shared by all hosts (default: random per start on one host, derived from master address, port and restart count on several)')
    .addOption(new Option('--transport <kind>', 'ipc (default): shared memory (else unix sockets) between the ranks of a host, tcp between hosts, in one ring; tcp: tcp everywhere').choices(['ipc', 'tcp']))
    .option('--comm-timeout <seconds>', 'seconds a collective may wait for a peer before failing (RWP_COMM_TIMEOUT_MS)', positiveNumber)
    .option('--threads <t>', 'compute threads per worker (RWP_THREADS, OMP_NUM_THREADS)', wholeNumber(1), 1)
    .option('--gpus <which>', 'auto (CUDA_VISIBLE_DEVICES, else the GPUs nvidia-smi lists), none, or a comma list of GPU indices or UUIDs; worker i gets the i-th (CUDA_VISIBLE_DEVICES and RWP_GPU)', 'auto')
    .option('--share-gpus', 'let more workers than GPUs share them, dealt out in turn (default: an error naming the ranks left without one)')
    .option('--worker <path>', 'worker program run with node (default: the rwp-train program npm installed)')
    .option('--set <key=value>', 'config override passed to every worker; repeat for several', keyValue)
    .option('--dry-run', "print each worker's environment and command line, start nothing")
    .version(launcherVersion(), '--version', 'print the version of rwp-launch')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(rwp-launch --help lists every flag)')
    .exitOverride();
}

interface Flags {
  nproc: number;
  nnodes: number;
  nodeRank: number;
  masterAddr?: string;
  masterPort?: number;
  tokenFile?: string;
  unauthenticated?: boolean;
  dataPorts?: string;
  maxRestarts: number;
  resume?: boolean;
  runDir?: string;
  runId?: string;
  transport?: Transport;
  commTimeout?: number;
  threads: number;
  gpus: string;
  shareGpus?: boolean;
  worker?: string;
  set?: string[];
  dryRun?: boolean;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const f = program.opts<Flags>();
  const options: LaunchOptions = {
    config: program.args[0],
    sets: f.set,
    nproc: f.nproc,
    nnodes: f.nnodes,
    nodeRank: f.nodeRank,
    masterAddr: f.masterAddr,
    masterPort: f.masterPort,
    tokenFile: f.tokenFile,
    unauthenticated: f.unauthenticated === true,
    dataPorts: f.dataPorts,
    maxRestarts: f.maxRestarts,
    resume: f.resume === true,
    runDir: f.runDir,
    runId: f.runId,
    transport: f.transport,
    commTimeoutSeconds: f.commTimeout,
    threads: f.threads,
    gpus: f.gpus,
    shareGpus: f.shareGpus === true,
    worker: f.worker,
  };
  if (f.dryRun) {
    const plan = resolveLaunchSettings(options);
    const attempt = await prepareAttempt(plan, 0, false);
    process.stdout.write(describeWorkers(plan, workerSpecs(plan, attempt), process.execPath));
    return 0;
  }
  return (await launch(options)).exitCode;
}

main(process.argv).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof LaunchError) {
      process.stderr.write(`rwp-launch: error: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`rwp-launch: internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
