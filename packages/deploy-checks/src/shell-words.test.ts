import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shellWords } from './shell-words.js';
import { interpolate } from './interpolate.js';
import { mapPaths } from './paths.js';

test('shellWords splits quoted words and continued lines as a POSIX shell does', () => {
  assert.deepEqual(shellWords(`env A=1 \\\n  B='x y' C="a \\"b\\" \\$c" /bin/node it\\'s`), ['env', 'A=1', 'B=x y', 'C=a "b" $c', '/bin/node', "it's"]);
  assert.deepEqual(shellWords(`'it'\\''s' ''`), ["it's", '']);
  assert.throws(() => shellWords(`a 'b`), /unterminated/);
});

test('interpolate follows the Compose Specification forms', () => {
  const env = { SET: 'v', EMPTY: '' };
  assert.equal(interpolate('$SET ${SET} $$SET', env), 'v v $SET');
  assert.equal(interpolate('${EMPTY:-d} ${EMPTY-d} ${UNSET-d} ${UNSET:-d}', env), 'd  d d');
  assert.equal(interpolate('${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}|${UNSET+alt}', env), 'alt||alt|');
  assert.equal(interpolate('${UNSET}', env), '');
  assert.throws(() => interpolate('${EMPTY:?say it}', env), /EMPTY.*say it/);
  assert.equal(interpolate('${EMPTY?say it}', env), '');
});

test('mapPaths maps container paths, alone or as a key=value value, longest prefix first', () => {
  const map = { '/app': '/repo', '/data': '/tmp/d', '/app/x': '/elsewhere' };
  assert.deepEqual(mapPaths(['/app/configs/a.yaml', 'data.dir=/data', '/application', '--run-dir', '/app/x/y', '-x=/app'], map), [
    '/repo/configs/a.yaml',
    'data.dir=/tmp/d',
    '/application',
    '--run-dir',
    '/elsewhere/y',
    '-x=/app',
  ]);
});
