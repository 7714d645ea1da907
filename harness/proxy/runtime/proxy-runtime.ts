import net from 'node:net';
import { Rng } from '../../sim/rng.js';
import type { Direction, LinkTotals, ProxyRuntime, ProxyRuntimeOptions, ToxicConfig, ToxicDecision, WireEvent } from '../model.js';
import { ProxiedConnection } from './connection.js';
import { formatBoundAddress, listenErrorText, resolveListen } from './listen-address.js';

export type RuntimeOptions = ProxyRuntimeOptions;

function copyToxic(t: ToxicConfig): ToxicConfig {
  return { ...t, attributes: { ...t.attributes } };
}

/**
 * One proxy's data plane over node:net (model.ts ProxyRuntime): a listener, the toxic lists of
 * both directions, and the live connections they are applied to (reference §5). Connections are
 * numbered from 1 in accept order over the runtime's life (restarts continue the count); link
 * streams are `rng.fork("conn-<n>/<direction>")`, so a seed and an accept order fix every decision.
 */
export class TcpProxyRuntime implements ProxyRuntime {
  private server: net.Server | null = null;
  private readonly toxics: Record<Direction, ToxicConfig[]> = { upstream: [], downstream: [] };
  private readonly live = new Set<ProxiedConnection>();
  private accepted = 0;
  private readonly rng: Rng;
  private readonly createdAt = performance.now();
  private readonly sums: Record<Direction, LinkTotals> = {
    upstream: { direction: 'upstream', received: 0, sent: 0 },
    downstream: { direction: 'downstream', received: 0, sent: 0 },
  };

  constructor(
    readonly name: string,
    public upstream: string,
    private readonly options: RuntimeOptions,
  ) {
    this.rng = new Rng(options.seed);
  }

  get running(): boolean {
    return this.server !== null;
  }

  get connections(): number {
    return this.live.size;
  }

  async start(listen: string): Promise<string> {
    if (this.server) throw new Error(`proxy ${this.name} is already running`);
    let target;
    try {
      target = await resolveListen(listen);
    } catch (err) {
      throw new Error(`listen tcp: ${(err as Error).message}`);
    }
    // allowHalfOpen: we decide when to close (the chain drains first, §5); pauseOnConnect: nothing
    // is read before the upstream is dialled; noDelay: Go's TCPConn default.
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(listenErrorText(target, err))));
      server.listen({ host: target.host, port: target.port }, () => resolve());
    });
    server.on('error', () => {});
    this.server = server;
    return formatBoundAddress(server.address() as net.AddressInfo);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of this.live) conn.destroy();
    await closed;
  }

  addToxic(toxic: ToxicConfig): void {
    const t = copyToxic(toxic);
    this.toxics[t.direction].push(t);
    for (const conn of this.live) conn.link(t.direction)?.addToxic(t);
  }

  updateToxic(toxic: ToxicConfig): void {
    const found = this.find(toxic.name);
    if (!found) return;
    const t = { ...copyToxic(toxic), direction: found.direction };
    this.toxics[found.direction][found.index] = t;
    for (const conn of this.live) conn.link(found.direction)?.updateToxic(t);
  }

  removeToxic(name: string): void {
    const found = this.find(name);
    if (!found) return;
    this.toxics[found.direction].splice(found.index, 1);
    for (const conn of this.live) conn.link(found.direction)?.removeToxic(name);
  }

  /** Per direction, summed over the finished links (received from the source, sent to the destination). */
  totals(): LinkTotals[] {
    return [{ ...this.sums.upstream }, { ...this.sums.downstream }];
  }

  /** Bytes the proxy holds for its live connections (stage queues and socket buffers): the memory bound tests check it. */
  bufferedBytes(): number {
    let n = 0;
    for (const conn of this.live) n += conn.bufferedBytes();
    return n;
  }

  private find(name: string): { direction: Direction; index: number } | null {
    for (const direction of ['upstream', 'downstream'] as const) {
      const index = this.toxics[direction].findIndex((t) => t.name === name);
      if (index >= 0) return { direction, index };
    }
    return null;
  }

  private accept(socket: net.Socket): void {
    const n = ++this.accepted;
    const conn = new ProxiedConnection(n, socket, {
      rng: this.rng,
      toxics: () => this.toxics,
      report: (connection, direction, toxic, kind, value, active) => {
        const d: ToxicDecision = { at: performance.now() - this.createdAt, proxy: this.name, connection, direction, toxic, kind, value };
        if (active !== undefined) d.active = active;
        this.options.onDecision(d);
      },
      wire: this.options.onWire ? (e: Omit<WireEvent, 'proxy'>) => this.options.onWire!({ ...e, proxy: this.name }) : null,
      closed: (c, totals) => {
        this.live.delete(c);
        for (const t of totals) {
          this.sums[t.direction].received += t.received;
          this.sums[t.direction].sent += t.sent;
        }
      },
    });
    this.live.add(conn);
    conn.open(this.upstream);
  }
}
