import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { alive, fixture, PROCESSES, recordedPids, scratch, startCli, waitFor } from './testing/harness.js';

function startSleepers(t: Parameters<typeof scratch>[0]) {
  const { config, runDir } = scratch(t);
  const run = startCli(t, ['--nproc', '3', '--run-dir', runDir, '--worker', fixture('sleep-or-fail'), config]);
  return { run, runDir };
}

for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`${signal} to the launcher reaches every worker; it exits ${code} and leaves nothing behind`, PROCESSES, async (t) => {
    const { run, runDir } = startSleepers(t);
    await waitFor('three workers to start', () => recordedPids(runDir).length === 3);
    run.child.kill(signal);
    const { code: exitCode } = await run.done;
    assert.equal(exitCode, code);
    for (const p of recordedPids(runDir)) {
      if (signal === 'SIGTERM') assert.ok(existsSync(join(runDir, `sigterm-${p.rank}`)), `rank ${p.rank} got SIGTERM`);
      assert.ok(!alive(p.worker) && !alive(p.child), `rank ${p.rank} and its child ended`);
    }
    assert.match(run.stdout(), new RegExp(`got ${signal}: forwarding it to every worker`));
  });
}

test('when the launcher is SIGKILLed its workers and their children exit by themselves', PROCESSES, async (t) => {
  const { run, runDir } = startSleepers(t);
  await waitFor('three workers to start', () => recordedPids(runDir).length === 3);
  run.child.kill('SIGKILL');
  await run.done;
  const pids = recordedPids(runDir);
  await waitFor('orphaned workers to exit', () => pids.every((p) => !alive(p.worker) && !alive(p.child)));
});
