#!/usr/bin/env node
import { WORKER_ENV as E } from '@rwp/process-group';
import { Command, CommanderError } from 'commander';
import { describeWorkers } from './workers/dry-run.js';
import { LaunchError } from './errors.js';
import { launch } from './launch.js';
import type { LaunchOptions } from './settings/options.js';
import { prepareAttempt, resolveLaunchSettings } from './settings/launch-settings.js';
import { addFlags } from './settings/command-line.js';
import type { FlagValues } from './settings/flags.js';
import { launcherVersion } from './settings/version.js';
import { workerSpecs } from './workers/worker-spec.js';

const EXAMPLES = `
Each worker runs:  node WORKER CONFIG [--set k=v ...] --run-dir DIR [--resume]
with ${E.rank}, ${E.localRank}, ${E.worldSize}, ${E.localWorldSize}, ${E.groupRank}, ${E.masterAddr}, ${E.masterPort},
${E.runId}, ${E.transport}, ${E.restartCount}, ${E.threads}, ${E.ompThreads}, ${E.launched}=1,
${E.commTimeoutMs} (with --comm-timeout), ${E.cudaDevices} and ${E.gpu} (per --gpus) set.
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

/** The command line; `flags` reads the parsed flags as LaunchOptions fields. */
function buildProgram(): { program: Command; flags: () => FlagValues } {
  const program = new Command('rwp-launch')
    .description('Start, watch, tear down and restart the rwp workers of one host.')
    .argument('<config>', 'run config (YAML) handed to every worker');
  const flags = addFlags(program);
  program
    .option('--dry-run', "print each worker's environment and command line, start nothing")
    .version(launcherVersion(), '--version', 'print the version of rwp-launch')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(rwp-launch --help lists every flag)')
    .exitOverride();
  return { program, flags };
}

async function main(argv: string[]): Promise<number> {
  const { program, flags } = buildProgram();
  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const options: LaunchOptions = { config: program.args[0], ...flags() };
  if (program.opts<{ dryRun?: boolean }>().dryRun) {
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
