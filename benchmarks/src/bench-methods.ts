// The methods the benchmarks compare, and how each is run.
import { methodLabel } from '@rwp/report';
import type { MethodName } from '@rwp/trainer';

export interface MethodSpec {
  /** Short key used in run names: sgd, sam, rwp-seq, rwp-par. */
  key: string;
  method: MethodName;
  nproc: number;
  /** As the charts name it (the same as rwp-plot --label method). */
  label: string;
  /** Mini-batches one optimizer step consumes over all ranks (2 for RWP in sequence). */
  batchesPerStep: number;
}

function spec(key: string, method: MethodSpec['method'], nproc: number, batchesPerStep: number): MethodSpec {
  return { key, method, nproc, label: methodLabel({ method: { name: method }, world_size: nproc }), batchesPerStep };
}

/** SGD, SAM, RWP in sequence on one rank, RWP in parallel on nprocRwp ranks. */
export function methodSpecs(nprocRwp: number): MethodSpec[] {
  return [spec('sgd', 'sgd', 1, 1), spec('sam', 'sam', 1, 1), spec('rwp-seq', 'rwp', 1, 2), spec('rwp-par', 'rwp', nprocRwp, nprocRwp)];
}
