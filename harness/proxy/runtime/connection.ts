import net from 'node:net';
import type { Direction, LinkTotals, ToxicConfig, WireEvent } from '../model.js';
import type { Rng } from '../../sim/rng.js';
import { Link } from './link.js';
import { splitHostPort } from './listen-address.js';
import { abortSocket, closeSocket } from './socket-close.js';

/** What a connection needs from its runtime. */
export interface ConnectionEnv {
  /** The runtime's root stream; each link forks `conn-<n>/<direction>` from it. */
  readonly rng: Rng;
  /** The toxics of both directions as they are now (taken when the upstream dial succeeds). */
  toxics(): Readonly<Record<Direction, readonly ToxicConfig[]>>;
  report(connection: number, direction: Direction, toxic: string, kind: 'toxicity' | 'jitter' | 'slice', value: number, active?: boolean): void;
  /** The capture tap, or null when nobody records the wire. */
  readonly wire: ((e: Omit<WireEvent, 'proxy'>) => void) | null;
  /** Both sockets are closed; `totals` is empty when the connection never got past the dial. */
  closed(conn: ProxiedConnection, totals: LinkTotals[]): void;
}

/**
 * One accepted client connection (reference §5): dial the upstream, then relay through two links,
 * upstream (client -> server) and downstream (server -> client). No half-close: when a link's
 * writer gets EOF it closes its destination fully and the other link's source is ended, so the
 * whole connection goes down once both chains have drained.
 */
export class ProxiedConnection {
  private links: Record<Direction, Link> | null = null;
  private server: net.Socket | null = null;
  /** SO_LINGER=0 in Toxiproxy: a reset_peer toxic existed at setup, so every close is an RST (§7). */
  private reset = false;
  private openSockets = 0;
  private aborted = false;
  private finished = false;
  /** Legs whose proxy-side close has been reported (a close can be asked for twice). */
  private readonly closesRecorded = new Set<'client' | 'server'>();

  constructor(
    readonly n: number,
    private readonly client: net.Socket,
    private readonly env: ConnectionEnv,
  ) {
    client.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET') this.record('client', 'rst', 'client');
    });
  }

  /** Report one wire event to the capture tap (no-op without one). */
  private record(leg: 'client' | 'server', kind: WireEvent['kind'], from: 'client' | 'server', bytes?: Buffer, endpoints?: WireEvent['endpoints']): void {
    const wire = this.env.wire;
    if (wire === null) return;
    const e: Omit<WireEvent, 'proxy'> = { at: performance.timeOrigin + performance.now(), connection: this.n, leg, kind, from };
    if (bytes) e.bytes = bytes;
    if (endpoints) e.endpoints = endpoints;
    wire(e);
  }

  /** Dial `upstream` ("host:port"); on failure close the client at once (client sees EOF, §5). */
  open(upstream: string): void {
    const client = this.client;
    this.record('client', 'open', 'client', undefined, {
      clientAddress: client.remoteAddress ?? '', clientPort: client.remotePort ?? 0, serverAddress: client.localAddress ?? '', serverPort: client.localPort ?? 0,
    });
    const onClientGone = (): void => {
      this.server?.destroy();
      this.done();
    };
    client.once('close', onClientGone);
    let target: { host: string; port: string };
    try {
      target = splitHostPort(upstream);
    } catch {
      this.record('client', 'fin', 'server');
      client.destroy();
      return;
    }
    let server: net.Socket;
    try {
      server = net.connect({ host: target.host, port: Number(target.port), allowHalfOpen: true, noDelay: true });
    } catch {
      this.record('client', 'fin', 'server');
      client.destroy();
      return;
    }
    this.server = server;
    server.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET') this.record('server', 'rst', 'server');
    });
    server.once('close', () => {
      if (!this.links) {
        // Dial failed: the client sees EOF (§5).
        if (!client.destroyed) this.record('client', 'fin', 'server');
        client.destroy();
      }
    });
    server.once('connect', () => {
      if (this.aborted || client.destroyed) {
        server.destroy();
        return;
      }
      client.off('close', onClientGone);
      this.record('server', 'open', 'client', undefined, {
        clientAddress: server.localAddress ?? '', clientPort: server.localPort ?? 0, serverAddress: server.remoteAddress ?? '', serverPort: server.remotePort ?? 0,
      });
      this.established(server);
    });
  }

  /** The link of a direction, or null while dialling / after a failed dial. */
  link(direction: Direction): Link | null {
    return this.links?.[direction] ?? null;
  }

  /** Close both sockets now (stop(), upstream/listen change: "clients see EOF", §5). */
  destroy(): void {
    if (this.aborted) return;
    this.aborted = true;
    if (this.links) {
      this.links.upstream.kill();
      this.links.downstream.kill();
      this.recordClose(this.client, 'client', 'server');
      if (this.server) this.recordClose(this.server, 'server', 'client');
      abortSocket(this.client, this.reset);
      if (this.server) abortSocket(this.server, this.reset);
    } else {
      this.server?.destroy();
      this.client.destroy();
    }
  }

  bufferedBytes(): number {
    return this.links ? this.links.upstream.bufferedBytes() + this.links.downstream.bufferedBytes() : 0;
  }

  private established(server: net.Socket): void {
    const client = this.client;
    const toxics = this.env.toxics();
    this.reset = [...toxics.upstream, ...toxics.downstream].some((t) => t.type === 'reset_peer');
    const onEnd = (link: Link): void => {
      if (link === up) this.recordClose(server, 'server', 'client');
      else this.recordClose(client, 'client', 'server');
      closeSocket(link.writer.dest, this.reset);
      (link === up ? down : up).sourceEnded();
    };
    const env = (direction: Direction) => {
      const rng = this.env.rng.fork(`conn-${this.n}/${direction}`);
      return {
        rng,
        report: (toxic: string, kind: 'toxicity' | 'jitter' | 'slice', value: number, active?: boolean) =>
          this.env.report(this.n, direction, toxic, kind, value, active),
      };
    };
    const up = new Link('upstream', client, server, env('upstream'), toxics.upstream, onEnd);
    const down = new Link('downstream', server, client, env('downstream'), toxics.downstream, onEnd);
    this.links = { upstream: up, downstream: down };
    this.openSockets = 2;
    client.on('end', () => up.sourceEnded());
    server.on('end', () => down.sourceEnded());
    client.on('close', () => {
      up.sourceEnded();
      down.writer.destGone();
      this.socketClosed();
    });
    server.on('close', () => {
      down.sourceEnded();
      up.writer.destGone();
      this.socketClosed();
    });
    up.start();
    down.start();
    if (this.env.wire !== null) {
      client.on('data', (b: Buffer) => this.record('client', 'data', 'client', b));
      server.on('data', (b: Buffer) => this.record('server', 'data', 'server', b));
      client.on('end', () => this.record('client', 'fin', 'client'));
      server.on('end', () => this.record('server', 'fin', 'server'));
      up.writer.tap = (b) => this.record('server', 'data', 'client', b);
      down.writer.tap = (b) => this.record('client', 'data', 'server', b);
    }
  }

  /** The proxy closes its end of one leg: a FIN, or an RST under SO_LINGER=0 (§7 reset_peer). */
  private recordClose(socket: net.Socket, leg: 'client' | 'server', from: 'client' | 'server'): void {
    if (socket.destroyed || this.closesRecorded.has(leg)) return;
    this.closesRecorded.add(leg);
    this.record(leg, this.reset ? 'rst' : 'fin', from);
  }

  private socketClosed(): void {
    if (--this.openSockets === 0) this.done();
  }

  private done(): void {
    if (this.finished) return;
    this.finished = true;
    const totals: LinkTotals[] = [];
    if (this.links) {
      for (const link of [this.links.upstream, this.links.downstream]) {
        totals.push({ direction: link.direction, received: link.received, sent: link.writer.failed ? 0 : link.writer.sent });
        link.kill();
      }
    }
    this.env.closed(this, totals);
  }
}
