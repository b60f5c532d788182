// The model's weights as flat Float32Arrays: the trainer keeps the clean weights and the
// momentum here, so restoring after a perturbation is an exact copy, and the gradient of every
// tensor lands in one buffer that the allreduce sends as it is.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** A model weight as tfjs-layers exposes it (LayerVariable). */
export interface WeightVar {
  readonly name: string;
  readonly shape: ReadonlyArray<number | null>;
  read(): tf.Tensor;
  write(t: tf.Tensor): unknown;
}

interface Slot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  variable: WeightVar;
}

function slots(vars: readonly WeightVar[]): { slots: Slot[]; size: number } {
  const out: Slot[] = [];
  let offset = 0;
  for (const v of vars) {
    const shape = v.shape.map((d) => {
      if (d === null) throw new Error(`weight ${v.name} has an unknown dimension`);
      return d;
    });
    const size = shape.reduce((a, b) => a * b, 1);
    out.push({ name: v.name, shape, offset, size, variable: v });
    offset += size;
  }
  return { slots: out, size: offset };
}

/** A group of model variables laid end to end in one flat buffer. */
export class FlatVars {
  readonly slots: Slot[];
  readonly size: number;

  constructor(vars: readonly WeightVar[]) {
    const s = slots(vars);
    this.slots = s.slots;
    this.size = s.size;
  }

  read(out: Float32Array = new Float32Array(this.size)): Float32Array {
    for (const s of this.slots) out.set(s.variable.read().dataSync() as Float32Array, s.offset);
    return out;
  }

  write(flat: Float32Array): void {
    if (flat.length !== this.size) throw new RangeError(`expected ${this.size} values, got ${flat.length}`);
    for (const s of this.slots) {
      // A copy: the cpu backend would otherwise keep a view of `flat`, which the optimizer changes in place.
      const t = tf.tensor(flat.slice(s.offset, s.offset + s.size), s.shape, 'float32');
      s.variable.write(t);
      t.dispose();
    }
  }

  /** The tf.Variables, in slot order, for tf.variableGrads. */
  variables(): tf.Variable[] {
    return this.slots.map((s) => s.variable.read() as tf.Variable);
  }
}

/** Trainable weights (what the optimizer updates) and the rest (BatchNorm moving statistics). */
export function modelVars(model: LayersModel): { trainable: FlatVars; buffers: FlatVars } {
  return { trainable: new FlatVars(model.trainableWeights), buffers: new FlatVars(model.nonTrainableWeights) };
}
