// What the launcher reads out of a worker's log records to show a person: rank 0's progress and
// the run's end. The fields are rwp-train's (its run-progress.ts and train.ts); a record that lacks
// them, or comes from another worker program, stays an ordinary log line.
import type { ProgressRecord, StepSplit } from '@rwp/process-group';


/** The run's last record: its summary, where it is, and its time per step. */
export interface RunEnd {
  summary: {
    test_acc: number | null;
    best_test_acc: number | null;
    steps: number;
    wall_seconds: number;
    method: { name: string };
    /** The architecture. */
    model: string;
    dataset: string;
    world_size: number;
  };
  run_dir: string;
  /** The exported model's model.json. */
  model: string;
  timing: StepSplit | null;
}

type Check = (v: unknown) => boolean;
const number: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const numberOrNull: Check = (v) => v === null || number(v);
const string: Check = (v) => typeof v === 'string';
const object = (fields: Record<string, Check>): Check => (v) =>
  typeof v === 'object' && v !== null && Object.entries(fields).every(([k, check]) => check((v as Record<string, unknown>)[k]));
const orNull = (check: Check): Check => (v) => v === null || check(v);

const isProgress = object({
  step: number, total: number, epoch: number, epochs: number, loss: numberOrNull, lr: number, images_per_s: numberOrNull, eta_s: numberOrNull,
});
const isRunEnd = object({
  summary: object({
    test_acc: numberOrNull, best_test_acc: numberOrNull, steps: number, wall_seconds: number, method: object({ name: string }),
    model: string, dataset: string, world_size: number,
  }),
  run_dir: string,
  model: string,
  timing: orNull(object({ step_ms: number, compute_ms: number, comm_ms: number, data_ms: number })),
});

export function progressOf(record: Record<string, unknown>): ProgressRecord | null {
  return isProgress(record.progress) ? (record.progress as ProgressRecord) : null;
}

export function runEndOf(record: Record<string, unknown>): RunEnd | null {
  return isRunEnd(record) ? (record as unknown as RunEnd) : null;
}
