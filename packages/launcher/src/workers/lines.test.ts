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

test('a worker JSON line gains its rank; anything else is wrapped at the level it says of itself', () => {
  assert.deepEqual(tagLine(2, 'stdout', '{"level":40,"msg":"hi","rank":9}'), { level: 40, msg: 'hi', rank: 2 });
  assert.deepEqual(tagLine(1, 'stderr', 'Error: boom'), { level: 50, rank: 1, stream: 'stderr', msg: 'Error: boom' });
  // What native libraries print: Dawn, the Vulkan loader, mesa, a crashing runtime.
  const native: [string, number][] = [
    ['error: XDG_RUNTIME_DIR is invalid or not set in the environment.', 50],
    ['Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.', 40],
    [' - While initializing adapter (backend=BackendType::Vulkan)', 40],
    ['TypeError: x is not a function', 50],
    ['Segmentation fault (core dumped)', 50],
    ['FATAL ERROR: Reached heap limit Allocation failed', 50],
  ];
  for (const [line, level] of native) assert.equal(tagLine(0, 'stderr', line).level, level, line);
  assert.equal(tagLine(0, 'stdout', 'plain words').level, 30);
  assert.equal(tagLine(0, 'stdout', 'warning: on stdout').level, 40);
  assert.deepEqual(tagLine(0, 'stdout', '{not json'), { level: 30, rank: 0, stream: 'stdout', msg: '{not json' });
  assert.deepEqual(tagLine(0, 'stdout', '[1,2]'), { level: 30, rank: 0, stream: 'stdout', msg: '[1,2]' });
});
