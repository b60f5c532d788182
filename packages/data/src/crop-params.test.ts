import assert from 'node:assert/strict';
import { test } from 'node:test';
import { streamFor } from '@rwp/random';
import { centerCrop, checkCropRange, IMAGENET_CROP, randomResizedCrop, resizeShorter, roundHalfEven } from './crop-params.js';

test("Python's round: halves to even", () => {
  assert.deepEqual([0.5, 1.5, 2.5, 58.5, -1.5, -2.5, 2.4999, 2.5001].map(roundHalfEven), [0, 2, 2, 58, -2, -2, 2, 3]);
});

test("torchvision's Resize(256) and CenterCrop(224) arithmetic: the long side truncated, the offsets rounded half to even", () => {
  assert.deepEqual(resizeShorter(500, 375, 256), { width: 341, height: 256 });
  assert.deepEqual(resizeShorter(375, 500, 256), { width: 256, height: 341 });
  assert.deepEqual(resizeShorter(333, 500, 256), { width: 256, height: 384 });
  assert.deepEqual(centerCrop(341, 256, 224), { top: 16, left: 58, height: 224, width: 224 });
  assert.deepEqual(centerCrop(256, 384, 224), { top: 80, left: 16, height: 224, width: 224 });
});

test('a random resized crop that fits nowhere falls back to the centre, its aspect ratio clamped into the range', () => {
  // 1000 x 10: every draw is at least 24 pixels high, so all ten tries fail.
  assert.deepEqual(randomResizedCrop(1000, 10, IMAGENET_CROP, streamFor(1)), { top: 0, left: 493, height: 10, width: 13 });
  assert.deepEqual(randomResizedCrop(10, 1000, IMAGENET_CROP, streamFor(1)), { top: 493, left: 0, height: 13, width: 10 });
});

test('crop ranges out of order or out of bounds are refused by name', () => {
  assert.throws(() => checkCropRange({ scale: [0.5, 0.2], ratio: [1, 1] }), new RangeError('random-resized crop: scale must satisfy 0 < min <= max <= 1, got [0.5, 0.2]'));
  assert.throws(() => checkCropRange({ scale: [0, 1], ratio: [1, 1] }), /scale must satisfy/);
  assert.throws(() => checkCropRange({ scale: [0.08, 1], ratio: [0, 1] }), new RangeError('random-resized crop: ratio must satisfy 0 < min <= max, got [0, 1]'));
  checkCropRange(IMAGENET_CROP);
});
