import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';

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
export async function reachableAddress(
  masterAddr: string,
  masterPort: number,
  override: string | undefined,
  deadline: number,
  warn: (message: string) => void,
): Promise<string> {
  if (override !== undefined && override !== '') return override;
  if (isLoopback(masterAddr)) return '127.0.0.1';
  const routed = await routedSourceWhenResolvable(masterAddr, masterPort, deadline, warn);
  if (!isLoopback(routed)) return routed;
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return routed;
}

/**
 * A Kubernetes service name may resolve only once its pod is up: retry until `deadline` (ms since
 * epoch), saying so once, so that a mistyped MASTER_ADDR is not a silent wait.
 */
async function routedSourceWhenResolvable(host: string, port: number, deadline: number, warn: (message: string) => void): Promise<string> {
  let warned = false;
  for (;;) {
    try {
      return await routedSource(host, port);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const transient = code === 'ENOTFOUND' || code === 'EAI_AGAIN';
      if (!transient || Date.now() + DNS_RETRY_MS > deadline) {
        throw new Error(`cannot find a route to MASTER_ADDR ${host}: ${(e as Error).message}`);
      }
      if (!warned) {
        warned = true;
        const left = Math.round((deadline - Date.now()) / 1000);
        warn(`MASTER_ADDR ${host} does not resolve (${code}); retrying for up to ${left} s (a Kubernetes service name resolves once its pod runs; elsewhere check the name)`);
      }
      await new Promise((resolve) => setTimeout(resolve, DNS_RETRY_MS));
    }
  }
}

const DNS_RETRY_MS = 1000;

function routedSource(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const fail = (e: Error) => {
      sock.close();
      reject(e);
    };
    sock.once('error', fail);
    // Node passes a failed name lookup to this callback rather than as an 'error' event.
    sock.connect(port, host, (err?: Error) => {
      if (err) return fail(err);
      const { address } = sock.address();
      sock.close();
      resolve(address);
    });
  });
}
