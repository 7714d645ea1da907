import { VirtualClock } from './virtual-clock.js';
import { Rng } from './rng.js';
import { Trace } from './trace.js';
import { deriveLinkFaults, type FaultProfile, type LinkFaults } from './faults.js';
import { TestConnection, type CaptureEvent, type ConnectionOptions } from './test-socket.js';
import type { Transport } from '../../server/transport/transport.js';

export interface SimOptions {
  seed: number | string;
  /** Faults for every connection unless connect() is given its own. */
  faults?: { clientToServer?: FaultProfile; serverToClient?: FaultProfile };
  /** Stop with a SimHang error past this much virtual time (default 10 minutes). */
  maxVirtualMs?: number;
  /** Replace derived fault parameters, per connection number (used by shrink and its replays). */
  overrides?: FaultOverrides;
}

/** Per connection number, values that replace what the seed derived for each direction. */
export type FaultOverrides = Record<number, { clientToServer?: Partial<LinkFaults>; serverToClient?: Partial<LinkFaults> }>;

/** The simulation ran out of events (or time) while something was still waited for: a hang. */
export class SimHang extends Error {
  constructor(message: string, readonly virtualMs: number) {
    super(message);
    this.name = 'SimHang';
  }
}

/**
 * The simulated world: one seed, one virtual clock, one trace. Everything that orders events
 * (deliveries, timeouts, faults) is a timer on the clock; between two timers the simulation lets
 * the server's promises settle, so a handler that awaits completes before time moves on.
 */
export class Sim {
  readonly clock = new VirtualClock();
  readonly rng: Rng;
  readonly trace = new Trace();
  readonly capture: CaptureEvent[] = [];
  readonly connections: TestConnection[] = [];
  private readonly maxVirtualMs: number;
  private nodeStreams = false;

  constructor(readonly options: SimOptions) {
    this.rng = new Rng(`aeronet-sim/${options.seed}`);
    this.maxVirtualMs = options.maxVirtualMs ?? 10 * 60_000;
  }

  /**
   * Node's own stacks (node:tls, node:http, node:http2, via harness/sim/node-streams) run in this
   * world: from now on, between two timers, let their deferred work finish too.
   */
  useNodeStreams(): void {
    this.nodeStreams = true;
  }

  /** Open a connection to `accept` (usually `server.accept`), with faults drawn from the seed. */
  connect(accept: (transport: Transport) => void, faults = this.options.faults ?? {}, options: ConnectionOptions = {}): TestConnection {
    const id = this.connections.length + 1;
    // Each connection and direction draws from its own stream, keyed by the connection's number.
    const rng = this.rng.fork(`conn-${id}`);
    const override = this.options.overrides?.[id] ?? {};
    const conn = new TestConnection(id, this.clock, rng, {
      clientToServer: { ...deriveLinkFaults(faults.clientToServer ?? {}, rng.fork('c->s/faults')), ...override.clientToServer },
      serverToClient: { ...deriveLinkFaults(faults.serverToClient ?? {}, rng.fork('s->c/faults')), ...override.serverToClient },
    }, this.trace, this.capture, options);
    this.connections.push(conn);
    accept(conn.server);
    return conn;
  }

  /**
   * Run until `done` settles, firing timers one by one in virtual time. Throws SimHang if the
   * world runs out of events (or past maxVirtualMs) first.
   */
  async run<T>(done: Promise<T>): Promise<T> {
    let settled = false;
    let value: T | undefined;
    let failure: unknown;
    done.then(
      (v) => { settled = true; value = v; },
      (e: unknown) => { settled = true; failure = e; },
    );
    for (;;) {
      await this.settle();
      if (settled) break;
      const at = this.clock.nextAt();
      if (at === null) throw new SimHang(`nothing left to happen at ${this.clock.time} ms, but the scenario is still waiting`, this.clock.time);
      if (at > this.maxVirtualMs) throw new SimHang(`still waiting after ${this.maxVirtualMs} ms of virtual time`, this.clock.time);
      this.clock.fireNext();
    }
    if (failure !== undefined) throw failure;
    return value as T;
  }

  /** Fire every remaining timer (teardown): afterwards nothing is scheduled. */
  async runUntilIdle(): Promise<void> {
    for (;;) {
      await this.settle();
      const at = this.clock.nextAt();
      if (at === null) return;
      if (at > this.maxVirtualMs) throw new SimHang(`timers still pending after ${this.maxVirtualMs} ms of virtual time`, this.clock.time);
      this.clock.fireNext();
    }
  }

  /**
   * Let the world catch up before time moves. Our own code needs one pass (promise reactions and
   * nextTicks). Node's streams need more: node:tls over a JS stream finishes every write in a
   * setImmediate, which may write again; so keep passing until two passes in a row neither set a
   * timer nor traced an event. Both counts are deterministic, so the stopping point is too.
   */
  private async settle(): Promise<void> {
    if (!this.nodeStreams) return settleOnce();
    for (let quiet = 0; quiet < 2; ) {
      const before = this.clock.timersSet + this.trace.lines.length;
      await settleOnce();
      quiet = before === this.clock.timersSet + this.trace.lines.length ? quiet + 1 : 0;
    }
  }

  /** Wait `ms` of virtual time (for scenario steps). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimer(ms, resolve));
  }
}

/** Let every promise reaction and nextTick queued so far run, without letting time pass. */
function settleOnce(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
