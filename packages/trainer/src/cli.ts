#!/usr/bin/env node
// rwp-train: one worker in the foreground. Under rwp-launch (or srun, or a Kubernetes Job) the
// same program is every rank; its rank comes from the environment.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Command } from 'commander';
import { exitWithLauncher } from '@rwp/launcher';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { train } from './train.js';
import { describeError } from './errors.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function defaultRunDir(configPath: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `runs/${basename(configPath, extname(configPath))}-${stamp}`;
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
  .option('--set <key=value...>', 'override a config key, e.g. --set method.name=rwp --set train.max_steps=20', [])
  .addHelpText(
    'after',
    '\nExamples:\n' +
      '  rwp-train configs/fashion-mnist-cnn.yaml --set method.name=rwp\n' +
      '  rwp-train configs/fashion-mnist-cnn.yaml --run-dir runs/a --resume\n' +
      '  rwp-launch --nproc 2 configs/fashion-mnist-cnn.yaml        # the same, 2 ranks in parallel',
  )
  .action(async (configPath: string, opts: { runDir?: string; resume: boolean; set: string[] }) => {
    exitWithLauncher();
    const rank = Number(process.env.RANK ?? process.env.SLURM_PROCID ?? 0);
    const log = createLogger(rank);
    try {
      const config = loadConfig(configPath, opts.set);
      const runDir = opts.runDir ?? config.run_dir ?? defaultRunDir(configPath);
      await train({ config, runDir, resume: opts.resume, log });
      process.exit(0);
    } catch (e) {
      const { message, stack } = describeError(e);
      log.error(stack ? { stack } : {}, message);
      process.exit(1);
    }
  });

await program.parseAsync();
