import { createRequire } from 'node:module';
const a = createRequire(import.meta.url)('./build/rwp_native.node');
a.setThreads(1);
// n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr ; count in resnet18 step
const shapes = [
  [[128,28,28,1,26,26,32,3,3,1,1,1,1,0,0,0,0], 1, 'cnn1'],
  [[128,13,13,32,11,11,64,3,3,1,1,1,1,0,0,0,0], 1, 'cnn2'],
  [[32,32,32,3,32,32,64,3,3,1,1,1,1,1,1,1,1], 1, 'stem'],
  [[32,32,32,64,32,32,64,3,3,1,1,1,1,1,1,1,1], 4, 's1'],
  [[32,34,34,64,16,16,128,3,3,2,2,1,1,0,0,0,0], 1, 's2a'],
  [[32,32,32,64,16,16,128,1,1,2,2,1,1,0,0,0,0], 1, 's2sc'],
  [[32,16,16,128,16,16,128,3,3,1,1,1,1,1,1,1,1], 3, 's2'],
  [[32,18,18,128,8,8,256,3,3,2,2,1,1,0,0,0,0], 1, 's3a'],
  [[32,8,8,256,8,8,256,3,3,1,1,1,1,1,1,1,1], 3, 's3'],
  [[32,10,10,256,4,4,512,3,3,2,2,1,1,0,0,0,0], 1, 's4a'],
  [[32,4,4,512,4,4,512,3,3,1,1,1,1,1,1,1,1], 3, 's4'],
];
function best(f, n = 7) { f(); f(); let b = 1e9; for (let i = 0; i < n; i++) { const t = performance.now(); f(); b = Math.min(b, performance.now() - t); } return b; }
let total = 0, rtotal = 0;
for (const [g, count, name] of shapes) {
  const [n, ih, iw, ic, oh, ow, oc, kh, kw] = g;
  const x = new Float32Array(n * ih * iw * ic).fill(0.5), w = new Float32Array(kh * kw * ic * oc).fill(0.1), y = new Float32Array(n * oh * ow * oc);
  const tf = best(() => a.conv2d(x, w, null, y, g, 'linear', 0));
  const td = best(() => a.conv2dBackpropInput(y, w, x, g));
  const tw = best(() => a.conv2dBackpropFilter(x, y, w, g));
  const sum = tf + (name === 'stem' || name === 'cnn1' ? 0 : td) + tw;
  if (!name.startsWith('cnn')) rtotal += count * sum;
  console.log(`${name.padEnd(5)} fwd ${tf.toFixed(2).padStart(6)} bwdD ${td.toFixed(2).padStart(6)} bwdW ${tw.toFixed(2).padStart(6)}  x${count}`);
}
console.log('resnet18 conv total per step (min-based):', rtotal.toFixed(1), 'ms');
