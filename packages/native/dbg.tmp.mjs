import * as tf from '@tensorflow/tfjs-core';
import { registerNativeBackend } from './dist/index.js';
import { MODELS, buildModel } from '../../benchmarks/dist/compute-models.js';
await registerNativeBackend({ threads: 1 });
await tf.setBackend('native');
const be = tf.backend();
let fresh = 0, freshBytes = 0, reused = 0;
const orig = be.alloc.bind(be);
be.alloc = (n) => { const had = be.free.get(n)?.length ?? 0; const a = orig(n); if (n >= 4096) { if (had) reused++; else { fresh++; freshBytes += n * 4; } } return a; };
const m = MODELS.find((c) => c.name === process.argv[2]);
const model = buildModel(m);
const x = tf.randomNormal([m.batch, ...m.inputShape]);
const y = tf.tensor1d(Array.from({ length: m.batch }, (_, i) => i % 10), 'int32');
const opt = tf.train.sgd(0.01);
const vars = model.trainableWeights.map((w) => w.read());
for (let s = 0; s < (+process.argv[3] || 4); s++) {
  console.log("STEP-MARK");
  fresh = 0; freshBytes = 0; reused = 0;
  const t = performance.now(); const c0 = process.cpuUsage();
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), model.apply(x, { training: true })), vars);
    opt.applyGradients(grads); return value; });
  loss.dataSync(); loss.dispose();
  const cu = process.cpuUsage(c0); console.log(`step ${s}: ${(performance.now() - t).toFixed(0)} ms, cpu ${((cu.user + cu.system) / 1000).toFixed(0)} ms (sys ${(cu.system/1000).toFixed(0)}), fresh ${fresh} (${(freshBytes / 2 ** 20).toFixed(0)} MiB), reused ${reused}, free pool ${(be.freeBytes / 2 ** 20).toFixed(0)} MiB, owned ${be.owned.size}, tensors ${tf.memory().numTensors}`);
}
