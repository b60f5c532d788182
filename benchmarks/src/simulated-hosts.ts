// Two hosts on this machine for the benchmarks: two network namespaces joined by a veth pair, each
// with a host name and a /dev/shm of its own (as separate machines have), held by a sleeping
// process whose namespaces the ranks enter. Needs root.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SimulatedHosts {
  /** Each host's address on the link between them. */
  addrs: string[];
  /** The command prefix that runs a program on `host`. */
  on(host: number): string[];
  close(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function simulateTwoHosts(): Promise<SimulatedHosts> {
  if (process.getuid?.() !== 0) throw new Error('--hosts 2 needs root (it makes network namespaces)');
  const tag = `rwpb${process.pid}`;
  const names = [`${tag}-0`, `${tag}-1`];
  const addrs = ['10.124.0.1', '10.124.0.2'];
  const holders: ChildProcess[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const h of holders) h.kill('SIGKILL');
    for (const ns of names) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // Never made.
      }
    }
  };
  try {
    for (const ns of names) ip('netns', 'add', ns);
    ip('link', 'add', `${tag}a`, 'type', 'veth', 'peer', 'name', `${tag}b`);
    names.forEach((ns, i) => {
      const dev = `${tag}${'ab'[i]}`;
      ip('link', 'set', dev, 'netns', ns);
      ip('-n', ns, 'addr', 'add', `${addrs[i]}/24`, 'dev', dev);
      ip('-n', ns, 'link', 'set', dev, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      const setup = `hostname rwp-bench-host-${i} && mount -t tmpfs -o size=8g rwp-bench-shm /dev/shm && exec sleep infinity`;
      holders.push(spawn('ip', ['netns', 'exec', ns, 'unshare', '--mount', '--uts', 'sh', '-c', setup], { stdio: 'ignore' }));
    });
    // Each holder becomes `sleep` once its host name and /dev/shm are set.
    for (const h of holders) {
      while (readFileSync(`/proc/${h.pid}/comm`, 'utf8').trim() !== 'sleep') await sleep(20);
    }
  } catch (e) {
    close();
    throw e;
  }
  return { addrs, on: (host) => ['nsenter', '-t', String(holders[host].pid), '-n', '-m', '-u'], close };
}
