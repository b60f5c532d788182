// The methods the benchmarks compare, and how each is run.
import { methodLabel } from '@rwp/report';
import type { MethodName } from '@rwp/trainer';

/** Who runs a method: the project's rwp-train, or the PyTorch reference (optimizers_pytorch.py). */
export type Impl = 'rwp' | 'pytorch';

export interface MethodSpec {
  /** Short key used in run names: sgd, sam, rwp-seq, rwp-par, pt-sgd, ... */
  key: string;
  impl: Impl;
  method: MethodName;
  nproc: number;
  /** As the charts name it (the same as rwp-plot --label method, or the control it is). */
  label: string;
  /** Mini-batches one optimizer step consumes over all ranks (2 for RWP in sequence). */
  batchesPerStep: number;
  /** Config overrides beyond method.name that make the run what it is (a control's batch or gamma). */
  sets: string[];
}

function spec(key: string, method: MethodSpec['method'], nproc: number, batchesPerStep: number, sets: string[] = [], label?: string): MethodSpec {
  return { key, impl: 'rwp', method, nproc, label: label ?? methodLabel({ method: { name: method }, world_size: nproc }), batchesPerStep, sets };
}

function pytorch(s: MethodSpec): MethodSpec {
  return { ...s, key: `pt-${s.key}`, impl: 'pytorch', label: `${s.label}, pytorch` };
}

/**
 * SGD, SAM, RWP in sequence on one rank, RWP in parallel on nprocRwp ranks; with `withPyTorch`
 * the reference's SGD, SAM and parallel RWP, each beside rwp's, so that repeatOrder interleaves them.
 */
export function methodSpecs(nprocRwp: number, withPyTorch = false): MethodSpec[] {
  const [sgd, sam, seq, par] = [spec('sgd', 'sgd', 1, 1), spec('sam', 'sam', 1, 1), spec('rwp-seq', 'rwp', 1, 2), spec('rwp-par', 'rwp', nprocRwp, nprocRwp)];
  return withPyTorch ? [sgd, pytorch(sgd), sam, pytorch(sam), seq, par, pytorch(par)] : [sgd, sam, seq, par];
}

/** The key of the SGD run that `s`'s ratios are taken against: the same implementation's. */
export function sgdKeyOf(s: MethodSpec): string {
  return s.impl === 'pytorch' ? 'pt-sgd' : 'sgd';
}

/**
 * bench:accuracy's methods, every one on the same optimizer steps: SGD, SAM, parallel RWP and
 * ARWP, and two controls for RWP's gain. One RWP step averages the gradients of nprocRwp
 * mini-batches of B; "SGD at batch nprocRwp x B" sees as many images per step (its epochs
 * stretched by RWP's passes per epoch, so the steps and the LR schedule's passes match RWP's),
 * and "RWP with gamma 0" is that same SGD computed as RWP computes it (equal to float rounding on
 * a model without BatchNorm: both are SGD on the union of the mini-batches).
 */
export function accuracySpecs(nprocRwp: number, batch: number, epochs: number): MethodSpec[] {
  const clean = nprocRwp - Math.floor(nprocRwp / 2);
  const wideEpochs = (epochs * nprocRwp) / clean;
  if (!Number.isInteger(wideEpochs)) {
    throw new RangeError(`SGD at batch ${nprocRwp} x ${batch} cannot take RWP's steps on ${nprocRwp} ranks in whole epochs (${wideEpochs}); use an even --nproc-rwp`);
  }
  const wide = nprocRwp * batch;
  return [
    spec('sgd', 'sgd', 1, 1),
    spec(`sgd-${nprocRwp}b`, 'sgd', 1, nprocRwp, [`data.batch_size=${wide}`, `train.epochs=${wideEpochs}`], `sgd, batch ${wide}`),
    spec('sam', 'sam', 1, 1),
    spec('rwp-par', 'rwp', nprocRwp, nprocRwp),
    spec('rwp-g0', 'rwp', nprocRwp, nprocRwp, ['method.gamma=0'], `rwp gamma 0, ${nprocRwp} ranks`),
    spec('arwp-par', 'arwp', nprocRwp, nprocRwp),
  ];
}

/** The gains the accuracy report states: each perturbation method over SGD and over both controls, and ARWP over RWP. */
export function gainPairs(specs: MethodSpec[]): Array<[MethodSpec, MethodSpec]> {
  const byKey = new Map(specs.map((s) => [s.key, s]));
  const controls = specs.filter((s) => s.method === 'sgd' || s.key === 'rwp-g0');
  const pairs: Array<[MethodSpec, MethodSpec]> = [];
  for (const key of ['rwp-par', 'arwp-par']) {
    const m = byKey.get(key);
    if (m) for (const c of controls) pairs.push([m, c]);
  }
  const [arwp, rwp] = [byKey.get('arwp-par'), byKey.get('rwp-par')];
  if (arwp && rwp) pairs.push([arwp, rwp]);
  return pairs;
}
