// What bench:accuracy shows: the table on stdout; in its output folder the mean curves (SVG and
// PNG) and report.md.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixed, textTable as plainTable, markdownImage, markdownTable, meanCurves, runCurve, writeCurveCharts } from '@rwp/report';
import type { AccuracyGain, AccuracyResult, AccuracyRun } from './accuracy-results.js';

const HEAD = ['method', 'ranks', 'seeds', 'steps', 'test acc % (mean ± std)', 'best acc % (mean)', 'train s / run', 'wall s / run', 'wall s total'];
const RIGHT = HEAD.map((_, i) => i > 0);

const pct = (x: number, d = 2) => fixed(x * 100, d);

function rows(results: AccuracyResult[]): string[][] {
  return results.map((r) => [
    r.label,
    String(r.nproc),
    String(r.seeds.length),
    String(r.steps),
    `${pct(r.test_acc_mean)} ± ${pct(r.test_acc_std)}`,
    pct(r.best_test_acc_mean),
    fixed(r.train_seconds_mean, 1),
    fixed(r.wall_seconds_mean, 1),
    fixed(r.wall_seconds_total, 1),
  ]);
}

export function accuracyTextTable(results: AccuracyResult[]): string {
  return plainTable(HEAD, rows(results));
}

const GAIN_HEAD = ['method', 'over', 'gain, points (mean ± std)', 'per seed', 'seeds ahead'];

function gainRows(gains: AccuracyGain[]): string[][] {
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${pct(x)}`;
  return gains.map((g) => [g.method, g.over, `${signed(g.gain_mean)} ± ${pct(g.gain_std)}`, g.gain_by_seed.map(signed).join(', '), `${g.ahead} of ${g.seeds.length}`]);
}

export function gainTextTable(gains: AccuracyGain[]): string {
  return plainTable(GAIN_HEAD, gainRows(gains));
}

export interface AccuracyMeta {
  command: string;
  model: string;
  dataset: string;
  batch: number;
  epochs: number;
  lr: number;
  backend: string;
  host: string;
  loadAverages: number[];
}

export async function writeAccuracyReport(out: string, results: AccuracyResult[], gains: AccuracyGain[], runs: AccuracyRun[], meta: AccuracyMeta): Promise<void> {
  const title = `${meta.model} on ${meta.dataset}`;
  // Every method takes the same steps: SGD's epochs at batch B place them all, the wide SGD's too.
  const sgdEpochSteps = results[0] ? results[0].steps / meta.epochs : undefined;
  const curves = runs.map((r) => runCurve(r.run, r.spec.label, sgdEpochSteps));
  const { charts } = await writeCurveCharts(curves, out, { title, mean: true });
  const perEpoch = meanCurves(curves);
  const order = [...new Set(runs.map((r) => r.spec.key))];
  const seedRows = runs
    .slice()
    .sort((a, b) => order.indexOf(a.spec.key) - order.indexOf(b.spec.key) || a.seed - b.seed)
    .map((r) => [r.spec.label, String(r.seed), pct(r.run.summary?.test_acc ?? NaN), pct(r.run.summary?.best_test_acc ?? NaN), fixed(r.run.summary?.wall_seconds, 1), fixed(r.cpu?.other_cores, 2)]);
  const loads = meta.loadAverages;
  const md = [
    `# Test accuracy with the same budget of optimizer steps: SGD, SAM, RWP, ARWP and RWP's controls`,
    '',
    `${title}, batch ${meta.batch} per rank, ${meta.epochs} SGD-equivalent epochs (every method takes the same optimizer steps), ` +
      `lr ${meta.lr} cosine, backend ${meta.backend}, one thread per rank. Host: ${meta.host}; 1-minute load average ` +
      `${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)} during the runs.`,
    '',
    '```',
    meta.command,
    '```',
    '',
    'The controls: one step of RWP on N ranks averages the gradients of N mini-batches, so "sgd, batch N x B" ' +
      'sees as many images per step (its epochs stretched to the same steps and LR schedule), and "rwp gamma 0" ' +
      'is RWP without its perturbation, the same SGD computed as RWP computes it.',
    '',
    markdownTable(HEAD, rows(results), RIGHT),
    'test acc: final test accuracy on the whole test split; ± the sample standard deviation over seeds. ' +
      'train s: training time of a run (evaluations excluded); wall s: the worker\'s whole run (start-up, training, an evaluation after every data pass).',
    '',
    '## Gains over SGD and the controls',
    '',
    markdownTable(GAIN_HEAD, gainRows(gains), [false, false, true, false, true]),
    'Gain: the method\'s final test accuracy minus the other\'s, seed by seed (the same seed gives the same initial weights); ' +
      '± the sample standard deviation of those differences over seeds.',
    '',
    ...Object.keys(charts).flatMap((name) => [markdownImage(name, `${name}.png`), '']),
    '## Per seed',
    '',
    markdownTable(['method', 'seed', 'test acc %', 'best acc %', 'wall s', 'other procs, cores'], seedRows, [false, true, true, true, true, true]),
    'other procs: CPU that other processes on the host used during the run, in cores (/proc/stat).',
    '',
    '## Mean curves',
    '',
    markdownTable(
      ['method', 'epoch', 'training s', 'test acc %', 'min-max %', 'train loss'],
      perEpoch.map((p) => [p.series, fixed(p.epoch, 2), fixed(p.seconds, 1), pct(p.test_acc ?? NaN), `${pct(p.test_acc_lo ?? NaN)}-${pct(p.test_acc_hi ?? NaN)}`, fixed(p.train_loss, 4)]),
      [false, true, true, true, true, true],
    ),
    'Every run\'s metrics.jsonl and summary.json are under runs/; `rwp-plot runs/* --label method` draws them one line per run.',
    '',
  ].join('\n');
  writeFileSync(join(out, 'report.md'), md);
}
