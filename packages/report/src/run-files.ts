// Reads what a training run leaves in its run directory: metrics.jsonl (one line per data pass)
// and summary.json (written at the end). Errors name the file and line that is wrong, because
// these files are the input of every chart and a silent skip would draw a wrong curve.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochMetrics } from '@rwp/trainer';
// The method registry alone: it loads no TensorFlow.js.
import { isRandomPerturbation, replicasOf } from '@rwp/trainer/methods';

/** One line of metrics.jsonl, as the trainer writes it. */
export type MetricsLine = EpochMetrics;

/** The fields of summary.json the reports use. */
export interface RunSummary {
  test_acc: number | null;
  best_test_acc: number | null;
  epochs: number;
  steps: number;
  wall_seconds: number;
  method: { name: string; perturbed_ranks?: number | null };
  model: string;
  dataset: string;
  batch_size: number;
  world_size: number;
  backend: string;
  seed: number;
}

export interface RunRecord {
  dir: string;
  metrics: MetricsLine[];
  /** Null while the run is still going (summary.json is written at its end). */
  summary: RunSummary | null;
}

export class RunFileError extends Error {
  override name = 'RunFileError';
}

const NUMERIC: Array<keyof MetricsLine> = ['epoch', 'step', 'train_loss', 'epoch_seconds'];

export function readMetrics(path: string): MetricsLine[] {
  if (!existsSync(path)) throw new RunFileError(`${path}: no such file (the trainer writes it at the end of the first pass)`);
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: MetricsLine[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new RunFileError(`${path} line ${i + 1}: not JSON (${(e as Error).message})`);
    }
    const m = value as Record<string, unknown>;
    for (const k of NUMERIC) {
      if (typeof m?.[k] !== 'number') throw new RunFileError(`${path} line ${i + 1}: field "${k}" is missing or not a number`);
    }
    if (m.test_acc !== null && m.test_acc !== undefined && typeof m.test_acc !== 'number') {
      throw new RunFileError(`${path} line ${i + 1}: field "test_acc" is not a number`);
    }
    out.push(value as MetricsLine);
  });
  if (out.length === 0) throw new RunFileError(`${path} is empty: the run has not finished a pass yet`);
  return out;
}

export function readSummary(path: string): RunSummary | null {
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RunFileError(`${path}: not JSON (${(e as Error).message})`);
  }
  const s = value as Partial<RunSummary>;
  if (typeof s?.method?.name !== 'string' || typeof s.world_size !== 'number') {
    throw new RunFileError(`${path}: no "method.name" or "world_size"; is it a summary.json written by rwp-train?`);
  }
  return s as RunSummary;
}

export function readRun(dir: string): RunRecord {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunFileError(`${dir}: no such run directory`);
  return { dir, metrics: readMetrics(join(dir, 'metrics.jsonl')), summary: readSummary(join(dir, 'summary.json')) };
}

/** "sgd", "sam", "rwp, 2 ranks" or "arwp, sequential": the method as the charts name it. */
export function methodLabel(summary: Pick<RunSummary, 'method' | 'world_size'>): string {
  const { name } = summary.method;
  if (summary.world_size > 1) return `${name}, ${summary.world_size} ranks`;
  return isRandomPerturbation(name) ? `${name}, sequential` : name;
}

/**
 * Data passes per SGD-equivalent epoch. RWP (and ARWP) spends its optimizer steps on clean and
 * perturbed batches alike, so one SGD epoch of steps reads more data: the trainer's own accounting
 * (same steps as SGD on the clean ranks) gives world / clean ranks passes, 2 in sequence on one
 * process.
 */
export function passesPerEpoch(summary: Pick<RunSummary, 'method' | 'world_size'> | null): number {
  if (!summary) return 1;
  const { replicas, clean } = replicasOf(summary.method.name, summary.world_size, summary.method.perturbed_ranks ?? null);
  return replicas / clean;
}
