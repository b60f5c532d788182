import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFrame, encodeHeader, FrameError, FrameKind, HEADER_BYTES, type FrameHeader } from './frame.js';
import { runIdHash } from './run-id.js';

const want: FrameHeader = { runHash: runIdHash('run-a'), seq: 3, kind: FrameKind.AllreduceSum, sender: 2, step: 1, total: 10, offset: 4, count: 3 };
const payload = () => Buffer.from(new Float32Array([1, 2, 3]).buffer);

function rejects(parts: Buffer[], message: RegExp): void {
  assert.throws(() => checkFrame(parts, want, 'run-a'), (e: unknown) => e instanceof FrameError && message.test(e.message));
}

test('a frame that matches the expectation gives its payload', () => {
  const header = encodeHeader(want);
  assert.equal(header.length, HEADER_BYTES);
  assert.deepEqual([...new Float32Array(checkFrame([header, payload()], want, 'run-a').buffer.slice(0))], [1, 2, 3]);
  const link = { ...want, kind: FrameKind.Link, count: 0 };
  assert.equal(checkFrame([encodeHeader(link)], link, 'run-a').length, 0);
});

test('every field is checked and named', () => {
  const h = (f: Partial<FrameHeader>) => [encodeHeader({ ...want, ...f }), payload()];
  rejects(h({ runHash: runIdHash('run-b') }), /another run: run hash 0x[0-9a-f]+, this run "run-a"/);
  rejects(h({ seq: 4 }), /frame for op #4 \(allreduce\(sum\)\), expected op #3/);
  rejects(h({ kind: FrameKind.Broadcast }), /op #3 is broadcast on rank 2 but allreduce\(sum\) here/);
  rejects(h({ sender: 1 }), /claims to come from rank 1, expected rank 2/);
  rejects(h({ total: 11 }), /has 11 elements on rank 2 but 10 here/);
  rejects(h({ step: 2 }), /out-of-place frame: step 2/);
  rejects(h({ offset: 5 }), /out-of-place frame: step 1, elements \[5, \+3\)/);
  rejects(h({ count: 2 }), /out-of-place frame/);
});

test('malformed frames are rejected', () => {
  rejects([encodeHeader(want)], /1 parts, expected 2/);
  rejects([encodeHeader(want), payload(), payload()], /3 parts/);
  rejects([Buffer.alloc(10), payload()], /header of 10 bytes/);
  rejects([Buffer.alloc(HEADER_BYTES), payload()], /not an rwp frame/);
  rejects([encodeHeader(want), payload().subarray(0, 8)], /payload of 8 bytes, header says 3 float32 \(12 bytes\)/);
});
