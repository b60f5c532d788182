import assert from 'node:assert/strict';
import { test } from 'node:test';
import { streamFor } from '@rwp/random';
import { ArraySource, makeBatch, type Augment } from './index.js';

// Non-square, two channels, so swapped axes or channels would show.
const H = 6, W = 7, C = 2, N = 64;
const mean = [0.5, 0.4];
const std = [0.25, 0.3];
const rand = streamFor(1, 'make-batch-test');
const pixels = new Uint8Array(N * H * W * C).map(() => rand.int(256));
const source = new ArraySource(H, W, C, pixels, Int32Array.from({ length: N }, (_, i) => i % 5));
const indices = Int32Array.from({ length: N }, (_, i) => (i * 37) % N);

const norm = (v: number, c: number) => Math.fround((v / 255 - mean[c]) / std[c]);

/** Image `index` shifted by (dy, dx) after an optional mirror, zero-padded, normalised. */
function expected(index: number, dy: number, dx: number, flip: boolean): Float32Array {
  const out = new Float32Array(H * W * C);
  for (let r = 0; r < H; r++) {
    for (let col = 0; col < W; col++) {
      const sr = r + dy;
      const sc = (flip ? W - 1 - col : col) + dx;
      for (let c = 0; c < C; c++) {
        const inside = sr >= 0 && sr < H && sc >= 0 && sc < W;
        out[(r * W + col) * C + c] = norm(inside ? pixels[index * H * W * C + (sr * W + sc) * C + c] : 0, c);
      }
    }
  }
  return out;
}

function isEqual(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

const image = (x: Float32Array, i: number) => x.subarray(i * H * W * C, (i + 1) * H * W * C);
const batch = (augment: Augment | undefined, key: number) => makeBatch(source, indices, { augment, mean, std, rng: streamFor(key) });

test('without augmentation a batch is the indexed images normalised per channel, with their labels', () => {
  const { x, y } = makeBatch(source, indices, { mean, std });
  for (let i = 0; i < N; i++) {
    assert.deepEqual(image(x, i), expected(indices[i], 0, 0, false));
    assert.equal(y[i], indices[i] % 5);
  }
});

test('flip mirrors some images horizontally and leaves the others', () => {
  const { x } = batch({ flip: true }, 2);
  let flipped = 0;
  for (let i = 0; i < N; i++) {
    const mirrored = isEqual(image(x, i), expected(indices[i], 0, 0, true));
    if (mirrored) flipped++;
    else assert.deepEqual(image(x, i), expected(indices[i], 0, 0, false));
  }
  assert.ok(flipped > 10 && flipped < N - 10, `${flipped} of ${N} flipped`);
});

test('crop shifts each image by at most the padding, filling with zero pixels', () => {
  const pad = 2;
  const { x } = batch({ crop: pad }, 3);
  const shifts = new Set<string>();
  for (let i = 0; i < N; i++) {
    let found: string | undefined;
    for (let dy = -pad; dy <= pad && !found; dy++) {
      for (let dx = -pad; dx <= pad && !found; dx++) {
        if (isEqual(image(x, i), expected(indices[i], dy, dx, false))) found = `${dy},${dx}`;
      }
    }
    assert.ok(found, `image ${i} is no shift of its source within ${pad} pixels`);
    shifts.add(found);
  }
  assert.ok(shifts.size > 10, `only ${shifts.size} distinct shifts`);
});

test('cutout zeroes one square of normalised values, clipped at the border', () => {
  const size = 4;
  const { x } = batch({ cutout: { size, p: 1 } }, 4);
  let clipped = 0;
  for (let i = 0; i < N; i++) {
    const plain = expected(indices[i], 0, 0, false);
    const rows = new Set<number>();
    const cols = new Set<number>();
    for (let p = 0; p < H * W; p++) {
      for (let c = 0; c < C; c++) {
        const v = image(x, i)[p * C + c];
        if (v !== plain[p * C + c]) {
          assert.equal(v, 0);
          rows.add(Math.floor(p / W));
          cols.add(p % W);
        }
      }
    }
    // Normalised pixels are never exactly 0 here (v/255 never equals the mean), so every zero is cut out.
    const [r0, r1] = [Math.min(...rows), Math.max(...rows) + 1];
    const [c0, c1] = [Math.min(...cols), Math.max(...cols) + 1];
    for (let r = r0; r < r1; r++) for (let col = c0; col < c1; col++) for (let c = 0; c < C; c++) assert.equal(image(x, i)[(r * W + col) * C + c], 0);
    assert.ok(r1 - r0 <= size && c1 - c0 <= size);
    if (r1 - r0 < size) assert.ok(r0 === 0 || r1 === H, 'a square cut short only at the border');
    if (c1 - c0 < size) assert.ok(c0 === 0 || c1 === W, 'a square cut short only at the border');
    if (r1 - r0 < size || c1 - c0 < size) clipped++;
  }
  assert.ok(clipped > 0);
  const { x: never } = batch({ cutout: { size, p: 0 } }, 4);
  assert.deepEqual(never, makeBatch(source, indices, { mean, std }).x);
});

test('the same rng key gives the same batch bitwise; another key another batch', () => {
  const augment: Augment = { crop: 2, flip: true, cutout: { size: 3, p: 0.5 } };
  const a = batch(augment, 5);
  const out = { x: new Float32Array(a.x.length).fill(9), y: new Int32Array(N) };
  const b = makeBatch(source, indices, { augment, mean, std, rng: streamFor(5) }, out);
  assert.equal(b.x, out.x);
  assert.deepEqual(b, a);
  assert.notDeepEqual(batch(augment, 6).x, a.x);
});

test('augmentation without an rng, or mismatched mean/std, is a range error', () => {
  assert.throws(() => makeBatch(source, indices, { augment: { flip: true }, mean, std }), /needs an rng/);
  assert.throws(() => makeBatch(source, indices, { mean: [0.5], std: [0.5] }), /1\/1 entries for 2 channels/);
});
