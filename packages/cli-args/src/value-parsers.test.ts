import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command, CommanderError } from 'commander';
import { keyValue, port, positiveNumber, wholeNumber } from './index.js';

test('wholeNumber takes digits only, from its minimum', () => {
  assert.equal(wholeNumber(0)('0'), 0);
  assert.equal(wholeNumber(1)('12'), 12);
  for (const bad of ['0', '-1', '1.5', '1e3', ' 2', '', 'two']) assert.throws(() => wholeNumber(1)(bad), /expected a whole number >= 1/, bad);
});

test('port takes 1 to 65535', () => {
  assert.equal(port('29500'), 29500);
  for (const bad of ['0', '65536', '80.0', 'http']) assert.throws(() => port(bad), /expected a port number between 1 and 65535/, bad);
});

test('positiveNumber takes finite numbers above 0, fractions too', () => {
  assert.equal(positiveNumber('0.5'), 0.5);
  assert.equal(positiveNumber('30'), 30);
  for (const bad of ['0', '-1', '', ' ', 'Infinity', 'NaN', 'soon']) assert.throws(() => positiveNumber(bad), /expected a number > 0/, bad);
});

test('keyValue collects repeated key=value flags in order; a value may be empty or hold "="', () => {
  assert.deepEqual(keyValue('b=x=y', keyValue('a=1', undefined)), ['a=1', 'b=x=y']);
  assert.deepEqual(keyValue('data.dir=', undefined), ['data.dir=']);
  for (const bad of ['a', '=1', 'a b=1']) assert.throws(() => keyValue(bad, undefined), /expected key=value/, bad);
});

test('under commander, a bad value is a usage error naming the option', () => {
  const program = new Command('x').exitOverride().configureOutput({ writeErr: () => {} }).option('--nproc <n>', 'workers', wholeNumber(1));
  assert.throws(
    () => program.parse(['--nproc', 'two'], { from: 'user' }),
    (e: unknown) => e instanceof CommanderError && e.exitCode !== 0 && /--nproc <n>.*'two' is invalid\. expected a whole number >= 1/.test(e.message),
  );
});
