// Learning rate per epoch (the original steps its cosine once per epoch).
import type { Schedule } from './config-types.js';

export interface ScheduleSpec {
  kind: Schedule;
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
