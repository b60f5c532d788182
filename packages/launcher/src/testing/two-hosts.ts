// Two hosts simulated by two network namespaces joined by a veth pair (10.123.0.1 and 10.123.0.2).
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';

export const ADDRS = ['10.123.0.1', '10.123.0.2'];

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Why the namespaces cannot be made here, or undefined when they can. */
export function cannotRun(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return '`ip netns` is unavailable (install iproute2)';
  }
  return undefined;
}

/** Two namespaces, deleted after the test; returns their names. */
export function twoHosts(t: TestContext): string[] {
  const tag = `rwpl${process.pid}`;
  const names = [`${tag}-0`, `${tag}-1`];
  const veth = [`${tag}a`, `${tag}b`];
  t.after(() => {
    for (const ns of names) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // Never created.
      }
    }
  });
  for (const ns of names) ip('netns', 'add', ns);
  ip('link', 'add', veth[0], 'type', 'veth', 'peer', 'name', veth[1]);
  names.forEach((ns, i) => {
    ip('link', 'set', veth[i], 'netns', ns);
    ip('-n', ns, 'addr', 'add', `${ADDRS[i]}/24`, 'dev', veth[i]);
    ip('-n', ns, 'link', 'set', veth[i], 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  });
  return names;
}

/**
 * The command prefix that runs a program on simulated host `node`: in its namespace, and with
 * `ownShm` also with a host name and a /dev/shm of its own, as separate machines have (the
 * namespaces alone share both, so every rank would see every other's shared memory).
 */
export function onHost(namespaces: string[], node: number, ownShm: boolean): string[] {
  const netns = ['ip', 'netns', 'exec', namespaces[node]];
  if (!ownShm) return netns;
  return [...netns, 'unshare', '--mount', '--uts', 'sh', '-c', `hostname rwp-test-host-${node} && mount -t tmpfs -o size=1g rwp-test-shm /dev/shm && exec "$@"`, 'sh'];
}
