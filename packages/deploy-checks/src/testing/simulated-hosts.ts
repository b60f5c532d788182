// Two simulated hosts for the cluster launchers: the launcher's two network namespaces
// (its testing/two-hosts.ts), each entered with its own host name, /dev/shm and an /etc/hosts
// that names both, as separate machines have.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** The launcher's two-host helper, loaded from its test build (it is test code, not the package's API). */
interface TwoHosts {
  ADDRS: string[];
  cannotRun(): string | undefined;
  twoHosts(t: TestContext): string[];
}
const helper = (await import(new URL('../test-dist/testing/two-hosts.js', import.meta.resolve('@rwp/launcher')).href)) as TwoHosts;

export const cannotSimulateHosts = helper.cannotRun;

export interface SimulatedHosts {
  names: string[];
  addrs: string[];
  namespaces: string[];
  /** The command prefix that runs a program on host `i`. */
  on(i: number): string[];
}

/** Two hosts, rwp-test-host-0 and -1, removed after the test; `dir` holds their /etc/hosts. */
export function simulatedHosts(t: TestContext, dir: string): SimulatedHosts {
  const namespaces = helper.twoHosts(t);
  const names = namespaces.map((_, i) => `rwp-test-host-${i}`);
  const etcHosts = join(dir, 'hosts');
  writeFileSync(etcHosts, `127.0.0.1 localhost\n${names.map((n, i) => `${helper.ADDRS[i]} ${n}`).join('\n')}\n`);
  // Entered with nsenter rather than `ip netns exec`, which mounts a fresh /sys without the
  // cgroup tree slurmd probes at start.
  const on = (i: number): string[] => [
    'nsenter', `--net=/run/netns/${namespaces[i]}`, 'unshare', '--mount', '--uts', 'sh', '-c',
    `hostname ${names[i]} && mount -t tmpfs -o size=1g rwp-test-shm /dev/shm && mount --bind ${etcHosts} /etc/hosts && exec "$@"`, 'sh',
  ];
  return { names, addrs: helper.ADDRS, namespaces, on };
}
