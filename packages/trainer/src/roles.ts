// Which ranks compute perturbed gradients and how each rank scales its loss, so that the mean
// over ranks of the scaled gradients is alpha * mean(perturbed) + (1 - alpha) * mean(clean).

export interface RoleSpec {
  worldSize: number;
  perturbedRanks: number | null;
  alpha: number;
}

export function perturbedCount(spec: Pick<RoleSpec, 'worldSize' | 'perturbedRanks'>): number {
  const { worldSize: w, perturbedRanks } = spec;
  const p = perturbedRanks ?? Math.max(1, Math.floor(w / 2));
  if (w < 2) throw new RangeError('parallel RWP needs a world size of at least 2');
  if (p < 1 || p >= w) {
    throw new RangeError(`method.perturbed_ranks must be between 1 and ${w - 1} for a world of ${w} ranks, got ${p}`);
  }
  return p;
}

/** Perturbed ranks are the odd ones first (1, 3, 5, ...), then the highest even ones. */
export function isPerturbed(rank: number, spec: RoleSpec): boolean {
  const p = perturbedCount(spec);
  const odd = Math.floor(spec.worldSize / 2);
  if (p <= odd) return rank % 2 === 1 && (rank - 1) / 2 < p;
  if (rank % 2 === 1) return true;
  const evens = Math.ceil(spec.worldSize / 2);
  return rank / 2 >= evens - (p - odd);
}

/** The factor a rank multiplies its loss by before the gradients are averaged over all ranks. */
export function lossScale(rank: number, spec: RoleSpec): number {
  const p = perturbedCount(spec);
  const w = spec.worldSize;
  return isPerturbed(rank, spec) ? (spec.alpha * w) / p : ((1 - spec.alpha) * w) / (w - p);
}
