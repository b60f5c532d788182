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
  /**
   * What write() uploads from, reused: a fresh array per write cost its page faults every step
   * (cnn: 2.4 ms CPU a write against 0.7; ResNet-18 uploads 45 MB). Overwriting it is safe: the
   * variables get copies of its slices, except on the cpu backend, where they get views of it
   * that the next write replaces in the same call that overwrites them.
   */
  private readonly staging: Float32Array;

  constructor(vars: readonly WeightVar[]) {
    const s = slots(vars);
    this.slots = s.slots;
    this.size = s.size;
    this.staging = new Float32Array(s.size);
  }

  /** Every value in one read from the device: one transfer, not one per variable. */
  async read(): Promise<Float32Array> {
    if (this.slots.length === 0) return new Float32Array(0);
    const flat = tf.tidy(() => tf.concat(this.slots.map((s) => tf.reshape(s.variable.read(), [-1]))));
    const values = (await flat.data()) as Float32Array;
    flat.dispose();
    return values;
  }

  /** One upload of the whole buffer, cut into the variables on the device. */
  write(flat: Float32Array): void {
    if (flat.length !== this.size) throw new RangeError(`expected ${this.size} values, got ${flat.length}`);
    if (this.slots.length === 0) return;
    // A copy: a backend may keep the array it is given, and `flat` changes in place.
    this.staging.set(flat);
    tf.tidy(() => {
      const all = tf.tensor1d(this.staging, 'float32');
      for (const s of this.slots) s.variable.write(tf.reshape(tf.slice(all, s.offset, s.size), s.shape));
    });
  }

  /** Device-side copies of the current values, for restore(): nothing leaves the device. */
  snapshot(): tf.Tensor[] {
    return this.slots.map((s) => tf.keep(s.variable.read().clone()));
  }

  restore(saved: tf.Tensor[]): void {
    this.slots.forEach((s, i) => s.variable.write(saved[i]));
    tf.dispose(saved);
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
