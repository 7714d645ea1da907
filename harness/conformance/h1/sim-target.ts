import { Waiters } from '../h2/waiters.js';
import type { AcceptsTransports } from '../h2/sim-target.js';
import { Sim, type FaultOverrides } from '../../sim/sim.js';
import type { FaultProfile, LinkFaults } from '../../sim/faults.js';
import type { TestConnection } from '../../sim/test-socket.js';
import type { H1Conn, H1Target } from './target.js';

export type { AcceptsTransports } from '../h2/sim-target.js';

/** Exact link parameters for one connection, replacing what the seed drew from the profile. */
export interface ConnectionFaultOverride {
  clientToServer?: Partial<LinkFaults>;
  serverToClient?: Partial<LinkFaults>;
}

export interface SimTargetOptions<S extends AcceptsTransports> {
  /** The server under test, built on the Sim's clock. */
  server: (sim: Sim) => S;
  /** Seed of the run (default 1). */
  seed?: number | string;
  /** Fault profiles for every connection (default: reliable links). */
  faults?: { clientToServer?: FaultProfile; serverToClient?: FaultProfile };
  /**
   * Per connection (numbered from 1 in the order the cases open them), link parameters that
   * replace the drawn ones: e.g. `() => ({ clientToServer: { maxSegment: 1 } })` delivers every
   * request byte by byte, so the server meets every split point.
   */
  connectionFaults?: (connection: number) => ConnectionFaultOverride | undefined;
  /**
   * Cut every connection's client->server byte stream at this offset: the write that spans it
   * goes out as two writes (on a link that keeps writes whole, two deliveries split exactly there).
   */
  splitClientAt?: number | null;
  /** What reports call the target (default "aeronet in the sim (seed N)"). */
  describe?: string;
}

export interface SimTarget<S extends AcceptsTransports = AcceptsTransports> extends H1Target {
  readonly sim: Sim;
  /** The server `options.server` built. */
  readonly server: S;
  /** Drive `work` (usually runH1Suite(target, ...)) to completion on virtual time. */
  run<T>(work: Promise<T>): Promise<T>;
}

/**
 * The suite in-process, over the simulated network: every connection is a TestConnection with
 * the profile's faults, and every wait (timeouts included) is on the Sim's virtual clock, so a
 * 2-second timeout costs no real time and a run replays exactly from its seed.
 */
export function simTarget<S extends AcceptsTransports>(options: SimTargetOptions<S>): SimTarget<S> {
  const overrides: FaultOverrides = {};
  const sim = new Sim({ seed: options.seed ?? 1, overrides, ...(options.faults !== undefined ? { faults: options.faults } : {}) });
  const server = options.server(sim);
  return {
    sim,
    server,
    describe: options.describe ?? `aeronet in the sim (seed ${options.seed ?? 1})`,
    authority: 'sim.test',
    now: () => sim.clock.time,
    connect: () => {
      // The Sim reads the overrides of connection N when it opens it: fill them in just before.
      const id = sim.connections.length + 1;
      const override = options.connectionFaults?.(id);
      if (override !== undefined) overrides[id] = override;
      return Promise.resolve(new SimConn(sim, sim.connect((t) => server.accept(t)), options.splitClientAt ?? null));
    },
    /** Afterwards the world is idle: every timer fired, every connection closed by the cases. */
    async run<T>(work: Promise<T>): Promise<T> {
      const result = await sim.run(work);
      await sim.runUntilIdle();
      return result;
    },
  };
}

class SimConn implements H1Conn {
  private readonly waiters: Waiters;
  /** Bytes written so far, for the cut. */
  private written = 0;

  constructor(sim: Sim, private readonly conn: TestConnection, private readonly splitAt: number | null) {
    this.waiters = new Waiters((ms, fire) => sim.clock.setTimer(ms, fire));
    conn.client.observe({
      data: () => this.waiters.notify(),
      end: () => this.waiters.notify(),
      closed: () => this.waiters.notify(),
    });
  }

  get received(): Buffer {
    return this.conn.client.received;
  }

  get closed(): boolean {
    return this.conn.client.ended || this.conn.client.closed;
  }

  get reset(): boolean {
    return this.conn.client.error !== null;
  }

  async write(bytes: Buffer | string): Promise<void> {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    const cut = this.splitAt === null ? 0 : this.splitAt - this.written;
    this.written += data.length;
    const pieces = cut > 0 && cut < data.length ? [data.subarray(0, cut), data.subarray(cut)] : [data];
    try {
      for (const piece of pieces) await this.conn.client.write(piece);
    } catch {
      // EPIPE: the connection is gone; `closed` and `reset` tell the case.
    }
  }

  end(): void {
    this.conn.client.end();
  }

  until(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.waiters.until(pred, timeoutMs);
  }

  close(): void {
    this.waiters.clear();
    this.conn.client.resume();
    this.conn.client.end();
  }
}
