import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runIdHash } from '@rwp/process-group';
import { checkHeader, decodeHeader, encodeHeader, FrameError, FrameKind, HEADER_BYTES, type FrameHeader } from './frame.js';

const want: FrameHeader = { runHash: runIdHash('run-a'), seq: 3, kind: FrameKind.AllreduceSum, sender: 2, step: 1, total: 10, offset: 4, count: 3 };

function rejects(head: Uint8Array, message: RegExp): void {
  assert.throws(() => checkHeader(head, want, 'run-a'), (e: unknown) => e instanceof FrameError && message.test(e.message));
}

test('a header round-trips and matches its expectation', () => {
  const header = encodeHeader(want);
  assert.equal(header.length, HEADER_BYTES);
  assert.deepEqual(decodeHeader(header), want);
  checkHeader(header, want, 'run-a');
});

test('every field is checked and named', () => {
  const h = (f: Partial<FrameHeader>) => encodeHeader({ ...want, ...f });
  rejects(h({ runHash: runIdHash('run-b') }), /another run: run hash 0x[0-9a-f]+, this run "run-a"/);
  rejects(h({ seq: 4 }), /frame for op #4 \(allreduce\(sum\)\), expected op #3/);
  rejects(h({ kind: FrameKind.Broadcast }), /op #3 is broadcast on rank 2 but allreduce\(sum\) here/);
  rejects(h({ sender: 1 }), /claims to come from rank 1, expected rank 2/);
  rejects(h({ total: 11 }), /has 11 elements on rank 2 but 10 here/);
  rejects(h({ step: 2 }), /out-of-place frame: step 2/);
  rejects(h({ offset: 5 }), /out-of-place frame: step 1, elements \[5, \+3\)/);
  rejects(h({ count: 2 }), /out-of-place frame/);
});

test('malformed headers are rejected', () => {
  rejects(Buffer.alloc(10), /header of 10 bytes/);
  rejects(Buffer.alloc(HEADER_BYTES), /not an rwp frame: starts with 0x0000000000000000/);
  assert.equal(decodeHeader(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\nabcdefghij')), null);
});
