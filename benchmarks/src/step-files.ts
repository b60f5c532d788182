// Reads the per-rank step files a run with train.step_times writes: RUN_DIR/steps/rank-<R>.jsonl.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StepRecord } from './step-breakdown.js';
import { BenchmarkError } from './training-runs.js';

const FIELDS: Array<keyof StepRecord> = ['step', 'epoch', 'step_ms', 'compute_ms', 'comm_ms', 'data_ms'];

export function readStepFile(path: string): StepRecord[] {
  if (!existsSync(path)) throw new BenchmarkError(`${path}: no such file (was the run started with train.step_times=true?)`);
  const out: StepRecord[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (text.trim() === '') return;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(text) as Record<string, unknown>;
      } catch (e) {
        throw new BenchmarkError(`${path} line ${i + 1}: not JSON (${(e as Error).message})`);
      }
      for (const k of FIELDS) if (typeof r[k] !== 'number') throw new BenchmarkError(`${path} line ${i + 1}: field "${k}" is missing or not a number`);
      out.push(r as unknown as StepRecord);
    });
  return out;
}

/** The step records of ranks 0..nproc-1 of the run in `dir`. */
export function readStepFiles(dir: string, nproc: number): StepRecord[][] {
  return Array.from({ length: nproc }, (_, r) => readStepFile(join(dir, 'steps', `rank-${r}.jsonl`)));
}
