// What bench:optimizers shows: the table on stdout, and in its output folder the charts (SVG and
// PNG) and report.md that puts table, charts and the breakdown of each step together.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { breakdownSpec, fixed, textTable as plainTable, markdownImage, markdownTable, stepTimeSpec, writeChart, type BreakdownPart } from '@rwp/report';
import type { CpuShare } from './host-cpu.js';
import type { MethodResult } from './optimizers-results.js';

const HEAD = ['method', 'ranks', 'median ms', 'p10 ms', 'p90 ms', 'x SGD', 'x SAM', 'comm ms', 'comm %', 'compute ms', 'data ms', 'transfer ms', 'wait ms', 'images/s', 'other procs, cores'];
const RIGHT = HEAD.map((_, i) => i > 0);

function rows(results: MethodResult[]): string[][] {
  return results.map((r) => [
    r.label,
    String(r.nproc),
    fixed(r.step_ms_median, 1),
    fixed(r.step_ms_p10, 1),
    fixed(r.step_ms_p90, 1),
    fixed(r.ratio_to_sgd, 2),
    fixed(r.ratio_to_sam, 2),
    fixed(r.comm_ms_median, 1),
    fixed(r.comm_share * 100, 1),
    fixed(r.compute_ms_median, 1),
    fixed(r.data_ms_median, 1),
    fixed(r.transfer_ms_median, 1),
    fixed(r.wait_ms_median, 1),
    fixed(r.images_per_s, 0),
    fixed(r.other_cores, 2),
  ]);
}

const SIDE_HEAD = ['method', 'ranks', 'rwp ms', 'rwp x SGD', 'pytorch ms', 'pytorch x SGD', 'rwp ms / pytorch ms'];
const SIDE_RIGHT = SIDE_HEAD.map((_, i) => i > 0);

/** With --pytorch: each method rwp and the reference both ran, their steps and ratios to their own SGD side by side. */
export function sideBySideRows(results: MethodResult[]): string[][] {
  return results
    .filter((pt) => pt.impl === 'pytorch')
    .flatMap((pt) => {
      const own = results.find((r) => r.impl === 'rwp' && r.method === pt.method && r.nproc === pt.nproc);
      if (!own) return [];
      return [[own.label, String(own.nproc), fixed(own.step_ms_median, 1), fixed(own.ratio_to_sgd, 2), fixed(pt.step_ms_median, 1), fixed(pt.ratio_to_sgd, 2), fixed(own.step_ms_median / pt.step_ms_median, 2)]];
    });
}

/** The plain-text table printed to stdout, and with --pytorch the side-by-side one under it. */
export function textTable(results: MethodResult[]): string {
  const side = sideBySideRows(results);
  return plainTable(HEAD, rows(results)) + (side.length ? '\n' + plainTable(SIDE_HEAD, side) : '');
}

/** Per method: how its median step differs from SGD's, part by part, and what that points to. */
export function timeBreakdownLines(results: MethodResult[]): string[] {
  const sgd = results.find((r) => r.method === 'sgd' && r.impl === 'rwp');
  if (!sgd) return [];
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const delta = (a: number, b: number) => `${a - b >= 0 ? '+' : ''}${(a - b).toFixed(1)}`;
  const others = (r: MethodResult) => (r.other_cores === null ? '' : ` Other processes used ${r.other_cores.toFixed(2)} cores during these runs (${sgd.other_cores?.toFixed(2)} during SGD's).`);
  return results
    .filter((r) => r !== sgd && r.impl === 'rwp')
    .map((r) => {
      let text =
        `- **${r.label}**: ${ms(r.step_ms_median)}, ${r.ratio_to_sgd.toFixed(2)}x SGD (${delta(r.step_ms_median, sgd.step_ms_median)} ms). ` +
        `Compute ${ms(r.compute_ms_median)} (${delta(r.compute_ms_median, sgd.compute_ms_median)}), transfer ${ms(r.transfer_ms_median)}, ` +
        `wait for a slower rank ${ms(r.wait_ms_median)} (${(r.wait_share * 100).toFixed(1)}% of all step time), data ${ms(r.data_ms_median)}, other ${ms(r.other_ms_median)}.`;
      if (r.method === 'rwp' && r.nproc === 1) {
        text += ` Two passes and the noise: compute beyond twice SGD's is ${ms(r.compute_ms_median - 2 * sgd.compute_ms_median)}.`;
      }
      if (r.method === 'rwp' && r.nproc > 1) {
        // Default roles: even ranks clean, odd ranks perturbed.
        const by = r.compute_ms_median_by_rank;
        const clean = by.filter((_, i) => i % 2 === 0);
        const perturbed = by.filter((_, i) => i % 2 === 1);
        const c = clean.reduce((a, b) => a + b, 0) / clean.length;
        const p = perturbed.reduce((a, b) => a + b, 0) / perturbed.length;
        text +=
          ` A clean rank does an SGD step's work; its compute is ${ms(c)}, ${(c / sgd.compute_ms_median).toFixed(2)}x SGD's ${ms(sgd.compute_ms_median)}: ` +
          `the slowdown of running ${r.nproc} ranks at once on this host.${others(r)} ` +
          `A perturbed rank computes ${ms(p - c)} more than a clean one (drawing the noise, computing and writing the perturbed weights); ` +
          `the clean ranks wait for it in the allreduce.`;
      }
      return text;
    });
}

/** One row per repeat: each method's median step and ratio to SGD, and how busy the host was. */
export function repeatRows(results: MethodResult[]): string[][] {
  const repeats = results[0]?.repeats ?? 0;
  return Array.from({ length: repeats }, (_, k) => {
    const others = results.map((r) => r.other_cores_by_repeat[k]).filter((x): x is number => x !== null);
    return [
      String(k + 1),
      ...results.map((r) => `${r.step_ms_median_by_repeat[k].toFixed(1)} (${r.ratio_to_sgd_by_repeat[k].toFixed(2)}x)`),
      others.length ? `${Math.min(...others).toFixed(2)}-${Math.max(...others).toFixed(2)}` : '–',
    ];
  });
}

function sideBySide(results: MethodResult[]): string[] {
  const side = sideBySideRows(results);
  if (!side.length) return [];
  return [
    '## rwp beside PyTorch',
    '',
    markdownTable(SIDE_HEAD, side, SIDE_RIGHT),
    "Each implementation's ratios are to its own SGD in the same repeat (medians of the pair-by-pair ratios); the runs alternated. " +
      'PyTorch: benchmarks/optimizers_pytorch.py, Debian\'s torch, one thread per process, gloo allreduce of one flat gradient.',
    '',
  ];
}

export interface OptimizersMeta {
  command: string;
  model: string;
  dataset: string;
  batch: number;
  steps: number;
  warmup: number;
  repeats: number;
  backend: string;
  host: string;
  loadAverages: number[];
  runs: Array<{ name: string; seconds: number; load_before: number; load_after: number; cpu: CpuShare | null; dir: string }>;
}

export async function writeOptimizersReport(out: string, results: MethodResult[], meta: OptimizersMeta): Promise<void> {
  const title = `${meta.model} on ${meta.dataset}, batch ${meta.batch} per rank`;
  await writeChart(
    out,
    'step-times',
    stepTimeSpec(results.map((r) => ({ label: r.label, median: r.step_ms_median, p10: r.step_ms_p10, p90: r.step_ms_p90, ratio: r.ratio_to_sgd })), `Time per optimizer step: ${title}`),
  );
  const parts: BreakdownPart[] = results.flatMap((r) => [
    { label: r.label, part: 'data', ms: r.data_ms_median },
    { label: r.label, part: 'compute', ms: r.compute_ms_median },
    { label: r.label, part: 'transfer', ms: r.transfer_ms_median },
    { label: r.label, part: 'wait', ms: r.wait_ms_median },
    { label: r.label, part: 'other', ms: Math.max(0, r.other_ms_median) },
  ]);
  await writeChart(out, 'step-breakdown', breakdownSpec(parts, results.map((r) => r.label), `Where a step's time goes: ${title}`));

  const loads = meta.loadAverages;
  const md = [
    `# Time per optimizer step: SGD, SAM and RWP`,
    '',
    `${title}; backend ${meta.backend}; one thread per rank; ${meta.steps} timed steps per run after ${meta.warmup} warm-up steps; ` +
      `${meta.repeats} repeat(s), the methods in alternating order. Host: ${meta.host}; 1-minute load average during the runs ` +
      `${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}.`,
    '',
    '```',
    meta.command,
    '```',
    '',
    markdownTable(HEAD, rows(results), RIGHT),
    'Step time: wall time of one optimizer step, from asking for the batch to the updated weights, the mean over ranks ' +
      '(they finish each step together). x SGD / x SAM: median over repeats of the pair-by-pair ratio of medians. ' +
      'comm: allreduce and BatchNorm broadcast, transfer plus wait; comm %: its share of all step time. ' +
      'transfer: comm of the rank that arrived last (it waited for no one); wait: the mean comm of the ranks beyond that, ' +
      'time spent idle for a slower rank. images/s: images one step consumes over all ranks, per second at the median step. ' +
      'other procs: CPU that other processes on the host used during the runs, in cores (mean over repeats; see Runs).',
    '',
    ...sideBySide(results),
    markdownImage('time per optimizer step', 'step-times.png'),
    '',
    `## Where the time goes`,
    '',
    markdownImage("where a step's time goes", 'step-breakdown.png'),
    '',
    ...timeBreakdownLines(results),
    '',
    '## Per repeat',
    '',
    'Median ms per step and, in brackets, the ratio to SGD in the same repeat; the CPU other processes used during the repeat\'s runs (min-max over its runs, in cores).',
    '',
    markdownTable(['repeat', ...results.map((r) => r.label), 'other procs, cores'], repeatRows(results), [false, ...results.map(() => true), true]),
    '## Runs',
    '',
    markdownTable(
      ['run', 'seconds', 'load before', 'load after', 'cores used', 'other processes, cores', 'steal, cores'],
      meta.runs.map((r) => [r.name, r.seconds.toFixed(1), r.load_before.toFixed(2), r.load_after.toFixed(2), fixed(r.cpu?.cores_used, 2), fixed(r.cpu?.other_cores, 2), fixed(r.cpu?.steal_cores, 2)]),
      [false, true, true, true, true, true, true],
    ),
    'Load: the 1-minute load average. Cores used: CPU time of the run\'s processes (all ranks, the launcher, start-up included) ' +
      'over its wall time. Other processes: CPU the rest of the host used meanwhile (/proc/stat), in cores. Steal: CPU the hypervisor took.',
    '',
  ].join('\n');
  writeFileSync(join(out, 'report.md'), md);
}
