import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { cpuShare, parseProcStat, parseTimes, readHostCpu } from './host-cpu.js';

test('/proc/stat: busy is user, nice, system, irq and softirq; steal apart; in seconds', () => {
  const cpu = parseProcStat('cpu  1000 10 300 5000 40 5 15 20 0 0\ncpu0 500 5 150 2500 20 2 7 10 0 0\nintr 1\n');
  assert.ok(Math.abs(cpu.busy - 13.3) < 1e-9);
  assert.equal(cpu.steal, 0.2);
  assert.throws(() => parseProcStat('intr 1\n'), /no aggregate "cpu" line/);
});

test("sh's times: the second line is the children's user and system time", () => {
  assert.ok(Math.abs(parseTimes('0m0.010000s 0m0.000000s\n1m2.500000s 0m0.250000s\n') - 62.75) < 1e-9);
  assert.throws(() => parseTimes('garbage'), /unexpected output of times/);
});

test('shares of the host: ours, the others, the hypervisor', () => {
  const s = cpuShare({ busy: 100, steal: 1 }, { busy: 130, steal: 3 }, 12, 10);
  assert.equal(s.cores_used, 1.2);
  assert.equal(s.other_cores, 1.8);
  assert.equal(s.steal_cores, 0.2);
});

test('a real process tree: times under sh counts the CPU of a grandchild', { skip: readHostCpu() === null && 'no /proc/stat' }, () => {
  // A grandchild node that burns 0.3 s of its own CPU time (not wall time: the host may be busy).
  const spin = 'let x = 0; while (process.cpuUsage().user < 300000) x++;';
  const r = spawnSync('/bin/sh', ['-c', '"$@"; s=$?; times >&2; exit $s', 'sh', process.execPath, '-e', `require('child_process').spawnSync(process.execPath, ['-e', ${JSON.stringify(spin)}])`], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.ok(parseTimes(r.stderr) >= 0.3, `children CPU ${parseTimes(r.stderr)} s`);
});
