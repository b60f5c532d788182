import * as zmq from 'zeromq';

/** The ZAP endpoint libzmq asks, in the socket's own context, before it admits a connection. */
const ZAP_ENDPOINT = 'inproc://zeromq.zap.01';

/**
 * Where rank 0's control connections come from. ZeroMQ hands received messages over without the
 * sender's address, but it asks a ZAP handler about every connection, with the peer's address and
 * (PLAIN) user name; the ranks send their routing id as the user name, so a refusal can name the
 * address the connection came from. Every connection is admitted: the job token is proven by the
 * challenge-response of the rendezvous (control-auth.ts), not here.
 */
export class PeerAddresses {
  private readonly byId = new Map<string, string>();
  private readonly handler: zmq.Router;

  constructor(context: zmq.Context) {
    this.handler = new zmq.Router({ context, linger: 0 });
  }

  /** Binds the handler; call before the control socket binds. */
  async start(): Promise<void> {
    await this.handler.bind(ZAP_ENDPOINT);
    const loop = async (): Promise<void> => {
      for (;;) {
        // [envelope, '', version, request id, domain, address, identity, mechanism, user, password]
        const [envelope, , version, requestId, , address, , , user] = await this.handler.receive();
        if (user !== undefined) this.byId.set(user.toString('hex'), address.toString());
        await this.handler.send([envelope, '', version, requestId, '200', 'OK', '', '']);
      }
    };
    // The loop ends when the handler closes.
    loop().catch(() => undefined);
  }

  /** The address the connection with this routing id came from, as far as ZeroMQ said. */
  of(routingId: Buffer): string {
    return this.byId.get(routingId.toString('hex')) ?? 'an unknown address';
  }

  close(): void {
    this.handler.close();
  }
}
