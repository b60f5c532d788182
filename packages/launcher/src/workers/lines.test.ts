import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tagLine } from '../output/tag-line.js';
import { LineSplitter } from './lines.js';

test('lines survive chunk boundaries, CRLF and multi-byte characters split across chunks', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  const bytes = Buffer.from('first\r\nsec€nd\nthi', 'utf8');
  const cut = bytes.indexOf(0xe2) + 1;
  s.push(bytes.subarray(0, cut));
  s.push(bytes.subarray(cut));
  s.push(Buffer.from('rd'));
  s.end();
  assert.deepEqual(lines, ['first', 'sec€nd', 'third']);
});

test('a worker JSON line gains its rank; anything else is wrapped', () => {
  assert.deepEqual(tagLine(2, 'stdout', '{"level":40,"msg":"hi","rank":9}'), { level: 40, msg: 'hi', rank: 2 });
  assert.deepEqual(tagLine(1, 'stderr', 'Error: boom'), { level: 30, rank: 1, stream: 'stderr', msg: 'Error: boom' });
  assert.deepEqual(tagLine(0, 'stdout', '{not json'), { level: 30, rank: 0, stream: 'stdout', msg: '{not json' });
  assert.deepEqual(tagLine(0, 'stdout', '[1,2]'), { level: 30, rank: 0, stream: 'stdout', msg: '[1,2]' });
});
