import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processStartTime } from './os-process-groups.js';
import { lockRunDir, RUN_DIR_LOCK, RunDirLockError, takeOverNote, type LockHolder } from './run-dir-lock.js';

const LOCK_MODULE = fileURLToPath(new URL('./run-dir-lock.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'rwp-lock-'));

/** Another process tries to take the lock of `dir`, then exits without releasing it: `took` or the error's message. */
function lockInChild(dir: string): { out: string; code: number | null } {
  const script = `import { lockRunDir } from ${JSON.stringify(LOCK_MODULE)};
try { lockRunDir(${JSON.stringify(dir)}, 'child'); console.log('took'); } catch (e) { console.log(e.name + ': ' + e.message); process.exit(3); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return { out: r.stdout.trim() + r.stderr.trim(), code: r.status };
}

test('the lock names its holder; a second process is refused with one line naming it; release frees the directory', () => {
  const dir = join(tmp(), 'run');
  const lock = lockRunDir(dir, 'rwp-train');
  const holder = JSON.parse(readFileSync(join(dir, RUN_DIR_LOCK), 'utf8')) as LockHolder;
  assert.equal(holder.program, 'rwp-train');
  assert.equal(holder.pid, process.pid);
  assert.equal(holder.host, hostname());
  assert.equal(holder.pid_start, processStartTime(process.pid));
  assert.ok(Date.now() - Date.parse(holder.started) < 60_000);
  assert.equal(lock.replaced, null);
  const second = lockInChild(dir);
  assert.equal(second.code, 3);
  assert.equal(second.out, `RunDirLockError: run directory ${dir} is in use by rwp-train (pid ${process.pid} on host ${hostname()}, since ${holder.started}; lock file ${lock.path})`);
  assert.deepEqual(readdirSync(dir), [RUN_DIR_LOCK], 'the refused process left nothing behind');
  lock.release();
  assert.ok(!existsSync(lock.path));
  // A process that exits without calling release() frees the directory too.
  assert.equal(lockInChild(dir).out, 'took');
  assert.ok(!existsSync(lock.path));
});

test('a stale lock (its process gone, or its pid reused) is taken over and said so', async () => {
  const dir = tmp();
  const child = spawn(process.execPath, ['-e', '0']);
  const deadPid = child.pid!;
  await new Promise((r) => child.on('exit', r));
  const dead: LockHolder = { program: 'rwp-launch', host: hostname(), pid: deadPid, started: '2026-01-01T00:00:00.000Z', pid_start: 1 };
  writeFileSync(join(dir, RUN_DIR_LOCK), JSON.stringify(dead));
  const lock = lockRunDir(dir, 'rwp-train');
  assert.deepEqual(lock.replaced, dead);
  assert.equal(takeOverNote(lock), `took over the stale lock ${lock.path} of rwp-launch (pid ${deadPid} on host ${hostname()}, since 2026-01-01T00:00:00.000Z): that process has gone`);
  lock.release();
  // A live pid that started at another time than the holder did is another process.
  const reused: LockHolder = { ...dead, pid: process.pid, pid_start: processStartTime(process.pid)! + 1 };
  writeFileSync(join(dir, RUN_DIR_LOCK), JSON.stringify(reused));
  const again = lockRunDir(dir, 'rwp-train');
  assert.deepEqual(again.replaced, reused);
  again.release();
});

test("another host's lock cannot be checked: it is obeyed, and the message says how to clear it", () => {
  const dir = tmp();
  const remote: LockHolder = { program: 'rwp-launch', host: `not-${hostname()}`, pid: 1234, started: '2026-01-01T00:00:00.000Z', pid_start: 5 };
  writeFileSync(join(dir, RUN_DIR_LOCK), JSON.stringify(remote));
  assert.throws(
    () => lockRunDir(dir, 'rwp-train'),
    (e: Error) => e instanceof RunDirLockError && e.message.endsWith(`(pid 1234 on host not-${hostname()}, since 2026-01-01T00:00:00.000Z; lock file ${join(dir, RUN_DIR_LOCK)}): if that run has ended, remove the lock file`),
  );
  writeFileSync(join(dir, RUN_DIR_LOCK), 'garbage');
  assert.throws(() => lockRunDir(dir, 'rwp-train'), /holds a lock file that is not rwp's/);
});

test('a run directory where no lock can be written is one line saying so', () => {
  const file = join(tmp(), 'a-file');
  writeFileSync(file, '');
  const runDir = join(file, 'run');
  assert.throws(
    () => lockRunDir(runDir, 'rwp-train'),
    (e: Error) => e instanceof RunDirLockError && e.message.startsWith(`cannot write the lock file of run directory ${runDir}: ENOTDIR: `),
  );
});
