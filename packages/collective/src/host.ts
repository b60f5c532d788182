import { createSocket } from 'node:dgram';
import { readFileSync, mkdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runIdHash } from './run-id.js';

/** Identifies this machine: the host name plus the kernel boot id, so ipc:// is used only where the socket file is reachable. */
export function hostKey(): string {
  let boot = '';
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // Not Linux: the host name alone has to do.
  }
  return `${hostname()}/${boot}`;
}

export function isLoopback(addr: string): boolean {
  return addr === 'localhost' || addr === '::1' || /^127\./.test(addr);
}

/**
 * The local address other ranks can reach this one at: RWP_HOST_ADDR when given, else the source
 * address the kernel picks for packets to the master (a connected UDP socket sends nothing). If the
 * master's name resolves to loopback here (rank 0's own host, e.g. a 127.0.1.1 line in /etc/hosts)
 * but other hosts reach it by name, a non-loopback interface address is used instead.
 */
export async function reachableAddress(masterAddr: string, masterPort: number, override: string | undefined): Promise<string> {
  if (override !== undefined && override !== '') return override;
  if (isLoopback(masterAddr)) return '127.0.0.1';
  const routed = await routedSource(masterAddr, masterPort);
  if (!isLoopback(routed)) return routed;
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return routed;
}

function routedSource(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    sock.once('error', (e) => {
      sock.close();
      reject(new Error(`cannot find a route to MASTER_ADDR ${host}: ${e.message}`));
    });
    sock.connect(port, host, () => {
      const { address } = sock.address();
      sock.close();
      resolve(address);
    });
  });
}

/** Where a run keeps its ipc:// socket files: one private directory per run id and port. */
export function ipcDirFor(runId: string, masterPort: number): string {
  const name = `rwp-${runIdHash(runId).toString(16).padStart(8, '0')}-${masterPort}`;
  const dir = join(tmpdir(), name);
  // A unix socket path is limited to 107 bytes.
  return dir.length > 80 ? join('/tmp', name) : dir;
}

export function ipcPathFor(dir: string, rank: number): string {
  return join(dir, `${rank}.sock`);
}

export function makeIpcDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Removes this rank's socket file, and the directory once the last rank of the host has left. */
export function removeIpcSocket(dir: string, path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
  try {
    rmdirSync(dir);
  } catch {
    // Other ranks' sockets are still there, or another rank removed it first.
  }
}
