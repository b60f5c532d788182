import { freePort, listenThenClose } from '@rwp/process-group';
import { LaunchError } from '../errors.js';

/** A port the kernel says is free on `host` now. */
export async function pickFreePort(host: string): Promise<number> {
  try {
    return await freePort(host);
  } catch (e) {
    throw new LaunchError(`cannot find a free port on ${host}: ${(e as Error).message}`);
  }
}

/**
 * Fails clearly when `port` is taken on this host. Binds the wildcard address, which clashes with
 * a listener on any address, so it catches whatever the rendezvous bind would hit.
 */
export async function assertPortFree(port: number): Promise<void> {
  try {
    await listenThenClose(port, undefined);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new LaunchError(`--master-port ${port} is already in use on this host; pick another or omit it to let rwp-launch choose`);
    }
    if (code === 'EACCES') throw new LaunchError(`--master-port ${port} needs privileges to bind on this host; pick a port above 1023`);
    throw new LaunchError(`cannot check --master-port ${port}: ${(e as Error).message}`);
  }
}
