import { createRequire } from 'node:module';
const a = createRequire(import.meta.url)('./build/rwp_native.node');
a.setThreads(1);
const n = 128*26*26*32;
const x = new Float32Array(n).map(() => Math.random() - 0.5), o = new Float32Array(n);
for (const op of ['relu', 'step', 'neg', 'square']) {
  for (let i = 0; i < 3; i++) a.unary(op, x, o, 0);
  const t = performance.now(); for (let i = 0; i < 20; i++) a.unary(op, x, o, 0);
  console.log(op, ((performance.now() - t) / 20).toFixed(2), 'ms');
}
const y = new Float32Array(n);
for (let i = 0; i < 3; i++) a.binary('mul', x, [n], y, [n], o, [n]);
let t = performance.now(); for (let i = 0; i < 20; i++) a.binary('mul', x, [n], y, [n], o, [n]);
console.log('mul', ((performance.now() - t) / 20).toFixed(2), 'ms');
const g = [128, 26, 26, 32, 13, 13, 2, 2, 2, 2, 0, 0];
const dy = new Float32Array(128*13*13*32), p = new Float32Array(128*13*13*32);
t = performance.now(); for (let i = 0; i < 10; i++) a.maxPool(x, p, g);
console.log('maxPool', ((performance.now() - t) / 10).toFixed(2), 'ms');
t = performance.now(); for (let i = 0; i < 10; i++) a.maxPoolGrad(dy, x, o, g);
console.log('maxPoolGrad', ((performance.now() - t) / 10).toFixed(2), 'ms');
