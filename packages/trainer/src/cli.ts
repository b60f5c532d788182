#!/usr/bin/env node
// rwp-train: one worker in the foreground. Under rwp-launch (or srun, or a Kubernetes Job) the
// same program is every rank; its rank comes from the environment.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { keyValue } from '@rwp/cli-args';
import { defaultRunDir, exitWithLauncher, rankForLogs } from '@rwp/process-group';
import { configHash, loadConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { train } from './train.js';
import { describeError } from './errors.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** What a run with these arguments would do, for --dry-run: the config as resolved, and where it goes. */
function describeRun(configPath: string, config: Config, runDir: string, resume: boolean): string {
  const { method, model, data, train: t } = config;
  const length = t.max_steps === null ? `${t.epochs} epochs` : `${t.epochs} epochs, at most ${t.max_steps} steps`;
  return [
    `# rwp-train dry run: nothing is trained`,
    `# ${method.name} on ${model.arch}, ${data.dataset}, ${length}; run dir ${runDir}${resume ? ' (resumed from its checkpoint if there is one)' : ''}`,
    `# ${configPath} with its --set overrides, config hash ${configHash(config)}:`,
    stringify(config).trimEnd(),
  ].join('\n') + '\n';
}

const program = new Command()
  .name('rwp-train')
  .description(
    'Train one worker: SGD, SAM or RWP on one process (world size 1), or one rank of a group\n' +
      'when RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT (rwp-launch), SLURM_* (srun) or\n' +
      'JOB_COMPLETION_INDEX (a Kubernetes indexed Job) are set.',
  )
  .version(pkg.version)
  .argument('<config>', 'YAML run config (keys: configs/README.md)')
  .option('--run-dir <dir>', 'where checkpoints, metrics.jsonl, summary.json and the model go (default: the config\'s run_dir, else runs/<config>-<time>)')
  .option('--resume', 'continue from RUN_DIR/checkpoint.bin if there is one', false)
  .option('--set <key=value>', 'override a config key (keys: configs/README.md); repeat for several', keyValue, [])
  .option('--dry-run', 'check the config and its overrides, print the resolved config and the run dir, train nothing', false)
  .addHelpText(
    'after',
    '\nExamples:\n' +
      '  rwp-train configs/fashion-mnist-cnn-sgd.yaml                          # SGD, one process\n' +
      '  rwp-train configs/fashion-mnist-cnn-sgd.yaml --set method.name=rwp    # RWP, its two passes in sequence\n' +
      '  rwp-train configs/smoke.yaml --set train.max_steps=5 --run-dir runs/smoke\n' +
      '  rwp-train configs/fashion-mnist-cnn-rwp.yaml --run-dir runs/a --resume   # continue a run\n' +
      '  rwp-train configs/fashion-mnist-cnn-rwp.yaml --set optim.lr=0.1 --dry-run\n' +
      '  rwp-launch --nproc 2 configs/fashion-mnist-cnn-rwp.yaml               # RWP, the two passes in parallel',
  )
  .action(async (configPath: string, opts: { runDir?: string; resume: boolean; set: string[]; dryRun: boolean }) => {
    exitWithLauncher();
    const log = createLogger(rankForLogs());
    try {
      const config = loadConfig(configPath, opts.set);
      const runDir = opts.runDir ?? config.run_dir ?? defaultRunDir(configPath);
      if (opts.dryRun) {
        process.stdout.write(describeRun(configPath, config, runDir, opts.resume));
        process.exit(0);
      }
      await train({ config, runDir, resume: opts.resume, log });
      process.exit(0);
    } catch (e) {
      const { message, stack } = describeError(e);
      log.error(stack ? { stack } : {}, message);
      process.exit(1);
    }
  });

await program.parseAsync();
