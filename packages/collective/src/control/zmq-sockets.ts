import * as zmq from 'zeromq';

/** Interval of ZMTP pings on connections we open: a peer whose process is stopped stops answering them. */
const HEARTBEAT_INTERVAL_MS = 1000;
/** Upper bound on how long a silent peer keeps its connection; the op deadline may be shorter. */
const HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * One context per communicator, with blocky off so sockets default to linger 0 and a process
 * never waits at exit for messages to peers that are gone.
 */
export function newContext(): zmq.Context {
  return new zmq.Context({ blocky: false });
}

function heartbeat(timeoutMs: number): { heartbeatInterval: number; heartbeatTimeout: number } {
  return { heartbeatInterval: HEARTBEAT_INTERVAL_MS, heartbeatTimeout: Math.max(HEARTBEAT_INTERVAL_MS, Math.min(HEARTBEAT_TIMEOUT_MS, timeoutMs)) };
}

/** ZAP domain of rank 0's socket: with one set, ZeroMQ asks PeerAddresses about each connection. */
const ZAP_DOMAIN = 'rwp';
/**
 * ZeroMQ's PLAIN mechanism only to carry the routing id to the ZAP handler; the password is no
 * secret (the job token is proven by control-auth.ts).
 */
const PLAIN_PASSWORD = 'rwp';

/**
 * High-water marks are off on the control sockets: messages are few and small, and a full pipe
 * would stop the I/O thread from answering pings, which would look like a dead peer.
 */
export function controlServerSocket(context: zmq.Context): zmq.Router {
  return new zmq.Router({ context, linger: 0, sendHighWaterMark: 0, receiveHighWaterMark: 0, plainServer: true, zapDomain: ZAP_DOMAIN });
}

export function controlClientSocket(context: zmq.Context, routingId: string, timeoutMs: number): zmq.Dealer {
  return new zmq.Dealer({
    context,
    routingId,
    linger: 0,
    sendHighWaterMark: 0,
    receiveHighWaterMark: 0,
    plainUsername: routingId,
    plainPassword: PLAIN_PASSWORD,
    ...heartbeat(timeoutMs),
  });
}

export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/**
 * Calls `onEvent` with each of the socket's monitor events until the returned function is called.
 * Not `socket.events.on(...)`: that leaves the observer's receive pending when it is not closed
 * by hand, and closing it by hand rejects that receive unhandled. An observer still open keeps
 * the process alive after its socket is closed (seen: a failed rank that never exits), so every
 * owner closes it before closing the socket.
 */
export function observeSocket(socket: zmq.Socket, onEvent: (event: zmq.Event) => void): () => void {
  const observer = socket.events;
  const loop = async (): Promise<void> => {
    while (!observer.closed) onEvent(await observer.receive());
  };
  // The loop ends when the observer closes.
  loop().catch(() => undefined);
  return () => {
    if (!observer.closed) observer.close();
  };
}
