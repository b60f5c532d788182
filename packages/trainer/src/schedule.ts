// Learning rate per epoch (the original steps its cosine once per epoch).

export const SCHEDULE_KINDS = Object.freeze(['cosine', 'step', 'constant'] as const);

export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export interface ScheduleSpec {
  kind: ScheduleKind;
  lr: number;
  epochs: number;
  warmupEpochs: number;
}

/** Learning rate for 0-based epoch `epoch` of `epochs`. */
export function lrAt(spec: ScheduleSpec, epoch: number): number {
  const { kind, lr, epochs, warmupEpochs } = spec;
  if (epoch < warmupEpochs) return (lr * (epoch + 1)) / (warmupEpochs + 1);
  const span = Math.max(1, epochs - warmupEpochs);
  const t = epoch - warmupEpochs;
  switch (kind) {
    case 'constant':
      return lr;
    case 'cosine':
      return 0.5 * lr * (1 + Math.cos((Math.PI * t) / span));
    case 'step':
      return t >= Math.floor(0.75 * span) ? lr * 0.01 : t >= Math.floor(0.5 * span) ? lr * 0.1 : lr;
  }
}
