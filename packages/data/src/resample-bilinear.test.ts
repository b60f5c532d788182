import assert from 'node:assert/strict';
import { test } from 'node:test';
import { streamFor } from '@rwp/random';
import { resampleBilinear } from './image-addon.js';

function noise(width: number, height: number): Uint8Array {
  const rng = streamFor(0, 'resample-noise');
  return Uint8Array.from({ length: width * height * 3 }, () => rng.int(256));
}

function resize(src: Uint8Array, sw: number, sh: number, width: number, height: number, window = { left: 0, top: 0, width, height }): Uint8Array {
  const out = new Uint8Array(window.width * window.height * 3);
  resampleBilinear(src, sw, sh, width, height, window, out, 0);
  return out;
}

test('a window of the resized image is that rectangle of the full resize, shrinking, enlarging and in one direction only', () => {
  const src = noise(97, 61);
  for (const [width, height] of [[40, 25], [150, 90], [97, 30], [50, 61]]) {
    const full = resize(src, 97, 61, width, height);
    const window = { left: 7, top: 3, width: width - 12, height: height - 9 };
    const part = resize(src, 97, 61, width, height, window);
    for (let r = 0; r < window.height; r++) {
      const start = ((window.top + r) * width + window.left) * 3;
      assert.deepEqual(part.subarray(r * window.width * 3, (r + 1) * window.width * 3), full.subarray(start, start + window.width * 3), `${width}x${height}, row ${r}`);
    }
  }
});

test('resizing to the same size copies the image', () => {
  const src = noise(33, 21);
  assert.deepEqual(resize(src, 33, 21, 33, 21), src);
});

test('a window outside the output and a source of the wrong length are refused', () => {
  const src = noise(10, 10);
  assert.throws(() => resize(src, 10, 10, 5, 5, { left: 1, top: 0, width: 5, height: 5 }), /outside 5x5/);
  assert.throws(() => resize(src.subarray(1), 10, 10, 5, 5), /bytes for 10x10/);
});
