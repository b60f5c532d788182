// A process that chooses a backend and prints the choice as JSON (or the error): each WebGPU
// test needs a fresh process, since Dawn reads the Vulkan environment once.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName } from '../index.js';

const lines: string[] = [];
try {
  const choice = await initBackend({ backend: process.argv[2] as BackendName, log: (m) => lines.push(m) });
  const x = tf.tensor1d([1, 2, 3]);
  const sum = (await tf.sum(tf.mul(x, x)).data())[0];
  process.stdout.write(JSON.stringify({ choice, lines, active: tf.getBackend(), sum }));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: (err as Error).message, lines }));
}
