import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobTokenFromEnv, newJobToken, newNonce, proofMatches, proofOf } from './index.js';

test('RWP_JOB_TOKEN: unset or blank is no token', () => {
  assert.equal(jobTokenFromEnv({}), null);
  assert.equal(jobTokenFromEnv({ RWP_JOB_TOKEN: '  ' }), null);
  assert.equal(jobTokenFromEnv({ RWP_JOB_TOKEN: ' s3cret\n' }), 's3cret');
  assert.match(newJobToken(), /^[0-9a-f]{64}$/);
});

test('proofs depend on the token, the channel, the role and both nonces', () => {
  const [a, b] = [newNonce(), newNonce()];
  const p = proofOf('t', 'ring', 'initiator', a, b);
  assert.ok(proofMatches(p, proofOf('t', 'ring', 'initiator', a, b)));
  for (const other of [
    proofOf('u', 'ring', 'initiator', a, b),
    proofOf('t', 'control', 'initiator', a, b),
    proofOf('t', 'ring', 'responder', a, b),
    proofOf('t', 'ring', 'initiator', b, a),
  ]) {
    assert.ok(!proofMatches(p, other));
  }
  assert.ok(!proofMatches(p, p.subarray(0, 16)));
});
