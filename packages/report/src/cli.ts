#!/usr/bin/env node
// rwp-plot: accuracy and loss curves of any runs, from their metrics.jsonl.
import { basename, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { writeCurveCharts } from './curve-charts.js';
import { runCurve } from './curves.js';
import { methodLabel, readRun, RunFileError } from './run-files.js';

interface Flags {
  out: string;
  label: 'dir' | 'method';
  mean: boolean;
  title: string;
}

const program = new Command('rwp-plot')
  .description(
    'Draw test accuracy per epoch and per training second, and train/test loss per epoch, from the ' +
      'metrics.jsonl of one or more run directories (SVG and PNG of each chart).',
  )
  .argument('<run-dir...>', 'run directories written by rwp-train or rwp-launch')
  .option('--out <dir>', 'where the charts go', 'plots')
  .addOption(new Option('--label <by>', "name each line by the run directory's name or by the method in its summary.json").choices(['dir', 'method']).default('dir'))
  .option('--mean', 'average the runs that share a label (e.g. seeds of one method, with --label method) into one line with a min-max band', false)
  .option('--title <text>', 'title prefix of the charts', 'rwp')
  .addHelpText(
    'after',
    '\nEpochs are SGD-equivalent (optimizer steps over the steps of one SGD epoch): a run of parallel RWP\n' +
      'on 2 ranks makes two data passes per epoch. Seconds are training time, evaluation excluded.\n\n' +
      'Examples:\n' +
      '  rwp-plot runs/sgd runs/rwp --out plots\n' +
      '  rwp-plot runs/*-seed* --label method --mean --out plots/seeds',
  )
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

async function main(): Promise<number> {
  try {
    program.parse(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const flags = program.opts<Flags>();
  const runs = program.args.map((dir) => readRun(dir));
  const curves = runs.map((run) => {
    if (flags.label === 'method' && !run.summary) {
      throw new RunFileError(`${run.dir}/summary.json: no such file, so the run has no method to label it by (use --label dir, or wait for the run to end)`);
    }
    return runCurve(run, flags.label === 'method' && run.summary ? methodLabel(run.summary) : basename(resolve(run.dir)));
  });
  const out = resolve(flags.out);
  const { charts, skipped } = await writeCurveCharts(curves, out, { title: flags.title, mean: flags.mean });
  for (const [name, files] of Object.entries(charts)) process.stdout.write(`${name}: ${files.svg} ${files.png}\n`);
  for (const s of skipped) process.stderr.write(`rwp-plot: skipped ${s}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof RunFileError) {
      process.stderr.write(`rwp-plot: error: ${e.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`rwp-plot: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
