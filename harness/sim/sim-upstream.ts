import type { Dialer } from '../../server/http1/http1-options.js';
import type { Transport } from '../../server/transport/transport.js';
import type { FaultProfile } from './faults.js';
import type { Sim } from './sim.js';
import type { SimClient, TestConnection } from './test-socket.js';

/**
 * A simulated CONNECT target inside a Sim: an echo service the server's tunnel dials into.
 *
 * Each dial opens a second TestConnection in the same Sim (same clock, trace, seed, faults
 * drawn per connection), so the tunnel's upstream leg is cut up, delayed, stalled and windowed
 * like the client's, and the runner's invariants cover it too (both ends closed, every byte
 * delivered on a link that was not reset).
 *
 * Roles: a TestConnection has a Transport end (SimServerTransport, the one the real server runs
 * over) and a raw byte end (SimClient). A tunnel needs a Transport for its upstream, so the dial
 * hands the tunnel the TestConnection's Transport end, and the echo service drives the SimClient
 * end. TCP is symmetric once established, so the only visible difference is naming: in the
 * trace, for an upstream connection, "c->s" is service -> tunnel and "s->c" is tunnel -> service.
 * (Wrapping SimClient as a Transport instead would need a data event on SimClient, which it does
 * not have: it would have to poll with until().)
 *
 * The service echoes what it receives (with backpressure: it stops reading while its echo
 * waits for window), echoes a half-close with a half-close, and can be told to half-close or
 * reset on its own through its UpstreamSession.
 */
export interface SimUpstreamOptions {
  /** Faults for the upstream connections (default: the reliable link). */
  faults?: { clientToServer?: FaultProfile; serverToClient?: FaultProfile };
  /** Virtual time a dial takes before the target accepts (default 1 ms). */
  dialDelayMs?: number;
  /** Fail every dial (the target refuses): the server must answer 502. */
  refuse?: boolean;
  /** Echo a half-close from the tunnel with a half-close (default true). */
  echoEnd?: boolean;
}

/** One accepted upstream connection, seen from the echo service. */
export class UpstreamSession {
  private consumed = 0;
  private stopped = false;

  constructor(
    /** 'host:port' the tunnel dialled. */
    readonly target: string,
    readonly connection: TestConnection,
    private readonly echoEnd: boolean,
  ) {}

  private get socket(): SimClient {
    return this.connection.client;
  }

  /** Every byte the service has received from the tunnel. */
  get received(): Buffer {
    return this.socket.received;
  }

  get receivedBytes(): number {
    return this.socket.receivedBytes;
  }

  /** The tunnel half-closed towards the service (FIN received). */
  get ended(): boolean {
    return this.socket.ended;
  }

  get closed(): boolean {
    return this.socket.closed;
  }

  /** 'ECONNRESET' when the tunnel reset the upstream connection. */
  get error(): string | null {
    return this.socket.error;
  }

  /** Half-close the service's side (it stops echoing; what it receives is still recorded). */
  end(): void {
    this.stopped = true;
    this.socket.end();
  }

  /** Abort the service's side: the tunnel sees a reset. */
  reset(): void {
    this.stopped = true;
    this.socket.reset();
  }

  /** Resolves when `predicate` holds (checked on every delivery and state change). */
  until(predicate: () => boolean): Promise<void> {
    return this.socket.until(predicate);
  }

  /** The echo loop; runs until the connection closes or the service stops. */
  async serve(): Promise<void> {
    const s = this.socket;
    for (;;) {
      await s.until(() => s.closed || s.receivedBytes > this.consumed || (s.ended && !this.stopped));
      if (s.closed) return;
      if (s.receivedBytes > this.consumed) {
        const data = Buffer.from(s.received.subarray(this.consumed));
        this.consumed = s.receivedBytes;
        if (this.stopped) continue;
        // Backpressure: no reading while the echo waits for window.
        s.pause();
        try {
          await s.write(data);
        } catch {
          // The connection went away while the echo was queued: nothing left to do.
        }
        s.resume();
        continue;
      }
      // The tunnel half-closed and everything before the FIN has been echoed.
      if (this.echoEnd) s.end();
      this.stopped = true;
    }
  }
}

/** The dialer and the sessions it opened, in dial order. */
export class SimUpstream {
  readonly sessions: UpstreamSession[] = [];
  /** Every dial attempted, as 'host:port', refused ones included. */
  readonly dials: string[] = [];

  constructor(
    private readonly sim: Sim,
    private readonly options: SimUpstreamOptions = {},
  ) {}

  /** A Dialer for ServerOptions.connect.dial. */
  readonly dial: Dialer = (host, port) => {
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.dials.push(target);
    return new Promise<Transport>((resolve, reject) => {
      this.sim.clock.setTimer(this.options.dialDelayMs ?? 1, () => {
        if (this.options.refuse) {
          reject(Object.assign(new Error(`connect ECONNREFUSED ${target}`), { code: 'ECONNREFUSED' }));
          return;
        }
        let transport: Transport | null = null;
        const connection = this.sim.connect((t) => (transport = t), this.options.faults ?? {});
        const session = new UpstreamSession(target, connection, this.options.echoEnd ?? true);
        this.sessions.push(session);
        void session.serve();
        resolve(transport!);
      });
    });
  };
}
