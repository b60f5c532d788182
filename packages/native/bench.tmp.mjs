import { createRequire } from 'node:module';
const a = createRequire(import.meta.url)('./build/rwp_native.node');
a.setThreads(1);
function best(f, n = 15) { f(); let b = 1e9; for (let i = 0; i < n; i++) { const t = performance.now(); f(); b = Math.min(b, performance.now() - t); } return b.toFixed(2); }
const n = 128*26*26*32;
const x = new Float32Array(n).map(() => Math.random() - 0.5), o = new Float32Array(n), y = new Float32Array(n);
for (const op of ['relu', 'step']) console.log(op, best(() => a.unary(op, x, o, 0)));
console.log('mul', best(() => a.binary('mul', x, [n], y, [n], o, [n])));
const g = [128, 26, 26, 32, 13, 13, 2, 2, 2, 2, 0, 0];
const g2 = [128, 26, 26, 32, 12, 12, 3, 3, 2, 2, 0, 0];
const dy = new Float32Array(128*13*13*32), p = new Float32Array(128*13*13*32);
console.log('maxPool', best(() => a.maxPool(x, p, g)));
console.log('maxPoolGrad tiling', best(() => a.maxPoolGrad(dy, x, o, g)));
console.log('maxPoolGrad overlapping 3x3/2', best(() => a.maxPoolGrad(dy, x, o, g2)));
