import { fstatSync, writeSync } from 'node:fs';
import { launchedByRwp } from './env/worker-settings.js';
import { ownGroupMembers } from './os-process-groups.js';

let watching = false;

/**
 * For workers: call once at start-up. Under rwp-launch (RWP_LAUNCHED=1) stdin is a pipe from the
 * launcher that stays open while it lives; when it closes, the launcher is gone (even SIGKILLed)
 * and this process exits with code 1 instead of running on as an orphan, after sending SIGTERM to
 * what it started in its process group. Elsewhere it does nothing.
 */
export function exitWithLauncher(): void {
  if (watching || !launchedByRwp() || !stdinIsPipe()) return;
  watching = true;
  const stdin = process.stdin;
  const exit = (): void => {
    try {
      writeSync(2, JSON.stringify({ level: 50, time: Date.now(), pid: process.pid, msg: 'rwp-launch has gone (stdin closed); exiting' }) + '\n');
    } catch {
      // stderr may have closed with the launcher; exiting matters more than the line.
    }
    for (const pid of ownGroupMembers()) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    process.exit(1);
  };
  stdin.on('data', () => {});
  stdin.once('end', exit);
  stdin.once('error', exit);
  // Watching must not keep a finished worker alive.
  stdin.unref();
}

function stdinIsPipe(): boolean {
  try {
    const s = fstatSync(0);
    return s.isFIFO() || s.isSocket();
  } catch {
    return false;
  }
}
