import { Waiters } from './waiters.js';
import { StreamCutter } from '../stream-cutter.js';
import { RawH2Client } from '../../h2/raw-h2-client.js';
import { Sim } from '../../sim/sim.js';
import type { FaultProfile } from '../../sim/faults.js';
import type { TestConnection } from '../../sim/test-socket.js';
import type { Transport } from '../../../server/transport/transport.js';
import type { H2Conn, H2Target } from './target.js';

/** What the sim needs of a server: it accepts Transports (AeronetServer does). */
export interface AcceptsTransports {
  accept(transport: Transport): void;
}

export interface SimTargetOptions<S extends AcceptsTransports> {
  /** The server under test, built on the Sim's clock. */
  server: (sim: Sim) => S;
  /** Seed of the run (default 1). */
  seed?: number | string;
  /** Fault profiles for every connection (default: reliable links). */
  faults?: { clientToServer?: FaultProfile; serverToClient?: FaultProfile };
  /**
   * Cut the client->server byte stream of every connection at this offset: the write that spans
   * it goes out as two writes (so, on a link that keeps writes whole, as two deliveries).
   */
  splitClientAt?: number | null;
  /** What reports call the target (default "aeronet in the sim (seed N)"). */
  describe?: string;
}

export interface SimTarget<S extends AcceptsTransports = AcceptsTransports> extends H2Target {
  readonly sim: Sim;
  /** The server `options.server` built. */
  readonly server: S;
  /** Drive `work` (usually runH2Suite(target, ...)) to completion on virtual time. */
  run<T>(work: Promise<T>): Promise<T>;
}

/**
 * The suite in-process, over the simulated network: every connection is a TestConnection with
 * the profile's faults, and every wait (timeouts included) is on the Sim's virtual clock, so a
 * 2-second timeout costs no real time and a run replays exactly from its seed.
 */
export function simTarget<S extends AcceptsTransports>(options: SimTargetOptions<S>): SimTarget<S> {
  const sim = new Sim({ seed: options.seed ?? 1, ...(options.faults !== undefined ? { faults: options.faults } : {}) });
  const server = options.server(sim);
  return {
    sim,
    server,
    describe: options.describe ?? `aeronet in the sim (seed ${options.seed ?? 1})`,
    authority: 'sim.test',
    scheme: 'http',
    now: () => sim.clock.time,
    connect: () => Promise.resolve(new SimConn(sim, sim.connect((t) => server.accept(t)), options.splitClientAt ?? null)),
    /** Afterwards the world is idle: every timer fired, every connection closed by the cases. */
    async run<T>(work: Promise<T>): Promise<T> {
      const result = await sim.run(work);
      await sim.runUntilIdle();
      return result;
    },
  };
}

class SimConn implements H2Conn {
  readonly client: RawH2Client;
  private readonly waiters: Waiters;
  private lastWrite: Promise<boolean> = Promise.resolve(true);

  constructor(private readonly sim: Sim, private readonly conn: TestConnection, splitAt: number | null) {
    this.waiters = new Waiters((ms, fire) => sim.clock.setTimer(ms, fire));
    const end = conn.client;
    const cutter = new StreamCutter(splitAt);
    this.client = new RawH2Client({
      write: (bytes) => {
        for (const piece of cutter.pieces(bytes)) {
          if (end.closed) return;
          this.lastWrite = end.write(piece).then(() => true, () => false);
        }
      },
    });
    end.observe({
      data: (chunk) => {
        this.client.receive(chunk);
        this.notify();
      },
      end: () => this.notify(),
      closed: () => this.notify(),
    });
  }

  get closed(): boolean {
    return this.conn.client.ended || this.conn.client.closed;
  }

  /** The simulated socket reports a refused write as the connection's error, so it is `closed`. */
  readonly writeFailed: string | null = null;

  get closedHow(): string | null {
    const end = this.conn.client;
    if (end.error !== null) return end.error === 'ECONNRESET' ? 'RST' : end.error;
    return end.ended || end.closed ? 'FIN' : null;
  }

  private notify(): void {
    this.waiters.notify();
  }

  until(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.waiters.until(pred, timeoutMs);
  }

  pauseReading(): void {
    this.conn.client.pause();
  }

  resumeReading(): void {
    this.conn.client.resume();
  }

  flushed(timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = this.sim.clock.setTimer(timeoutMs, () => resolve(false));
      void this.lastWrite.then((ok) => {
        timer.cancel();
        resolve(ok && !this.conn.client.closed);
      });
    });
  }

  close(): void {
    this.waiters.clear();
    this.conn.client.resume();
    this.conn.client.end();
  }
}
