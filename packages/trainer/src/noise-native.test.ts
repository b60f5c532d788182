// The addon's fillNormal against RandomStream's in JS: the same bits, rejections and tail draws
// included, and the stream left in the same place, so a run draws the same perturbations
// whether or not the addon is built and whichever ranks have it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeNormals } from '@rwp/native/host-kernels';
import { streamFor } from '@rwp/random';

const native = nativeNormals();
const skip = native === null ? 'the native addon is not built (npm run build:native -w @rwp/native)' : false;

test('the addon draws the JS stream bit for bit, slow path and tails included', { skip }, () => {
  const n = 1_000_000; // ~1% take the slow path, ~0.05% the tail beyond R: hundreds of each
  for (const [key, std] of [[3, 1], [4, 0.25], [5, 7.5]] as const) {
    const js = streamFor(key, 'noise', 9, 1);
    const compiled = streamFor(key, 'noise', 9, 1);
    const want = js.fillNormal(new Float32Array(n), std);
    const got = compiled.fillNormal(new Float32Array(n), std, native!);
    let tails = 0;
    for (let i = 0; i < n; i++) if (Math.abs(want[i]) > 3.442619855899 * std) tails++;
    assert.ok(tails > 200, `only ${tails} tail draws`);
    assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `key ${key}, std ${std}`);
    assert.equal(compiled.nextUint32(), js.nextUint32(), 'the stream continues from the same state');
  }
});

test("the addon's fillNormal refuses a wrong state or table, naming it", { skip }, () => {
  const tables = { k: new Uint32Array(128), w: new Float64Array(128), f: new Float64Array(128) };
  const out = new Float32Array(4);
  assert.throws(() => native!(new Uint32Array(3), out, 1, tables), /state must be a Uint32Array of 4/);
  assert.throws(() => native!(new Uint32Array(4), out, 1, { ...tables, w: new Float64Array(64) }), /tables\.w must be/);
  assert.throws(() => native!(new Uint32Array(4), out, 1, { ...tables, k: new Int32Array(128) as unknown as Uint32Array }), /tables\.k must be/);
});
