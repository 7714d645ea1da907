import { Sim } from '../../../harness/sim/sim.js';
import type { FaultProfile } from '../../../harness/sim/faults.js';
import type { TestConnection } from '../../../harness/sim/test-socket.js';
import { RawH2Client } from '../../../harness/h2/raw-h2-client.js';
import { createServer, type AeronetServer, type ServerOptions } from '../../server.js';
import { createDemoRouter } from '../../demo/demo-routes.js';
import { MemoryLogger } from '../../core/logger.js';
import type { WorkMeter } from '../../core/work-meter.js';

/** One aeronet server in a Sim, and a way to open raw HTTP/2 connections to it. */
export interface SimH2World {
  sim: Sim;
  server: AeronetServer;
  logger: MemoryLogger;
  /** A new connection with a RawH2Client on its client end (h2c, prior knowledge). */
  open(faults?: { clientToServer?: FaultProfile; serverToClient?: FaultProfile }): SimH2Conn;
  /** Run a script to completion on virtual time, then let every client close and the world go idle. */
  run<T>(script: Promise<T>): Promise<T>;
}

export interface SimH2Conn {
  conn: TestConnection;
  client: RawH2Client;
  /** The server's work meter for this connection (null if it was refused). */
  meter: WorkMeter | null;
  /** Bytes the client has written so far: the attacker's side of an amplification ratio. */
  readonly bytesSent: number;
  /** Resolves true once `pred` holds (checked after every delivery), false after `ms` of virtual time. */
  until(pred: () => boolean, ms?: number): Promise<boolean>;
  /** The handshake: preface and SETTINGS, wait for the server's SETTINGS, ACK them. */
  handshake(settings?: Array<[number, number]>): Promise<void>;
}

/** Test-only: aeronet with the demo routes over the simulated network, for frame-level HTTP/2 tests. */
export function simH2World(seed: number, options: Partial<ServerOptions> | ((sim: Sim) => Partial<ServerOptions>) = {}): SimH2World {
  const sim = new Sim({ seed });
  const logger = new MemoryLogger();
  const extra = typeof options === 'function' ? options(sim) : options;
  const server = createServer({ handler: createDemoRouter().handle, compression: false, ...extra, clock: sim.clock, logger });
  return {
    sim,
    server,
    logger,
    open(faults = {}) {
      let meter: WorkMeter | null = null;
      let bytesSent = 0;
      const conn = sim.connect((t) => { meter = server.accept(t); }, faults);
      const client = new RawH2Client({ write: (bytes) => { if (!conn.client.closed) { bytesSent += bytes.length; void conn.client.write(bytes).catch(() => {}); } } });
      conn.client.observe({ data: (chunk) => client.receive(chunk), end: () => {}, closed: () => {} });
      const until = (pred: () => boolean, ms = 5_000) =>
        Promise.race([conn.client.until(() => pred() || conn.client.closed), sim.sleep(ms)]).then(() => pred());
      return {
        conn,
        client,
        meter,
        get bytesSent() { return bytesSent; },
        until,
        async handshake(settings = []) {
          client.preface(settings);
          await until(() => client.framesOf('SETTINGS').some((f) => !f.ack));
          client.settingsAck();
        },
      };
    },
    async run(script) {
      const result = await sim.run(script);
      for (const c of sim.connections) if (!c.client.closed) c.client.end();
      await sim.run(Promise.all(sim.connections.map((c) => c.client.untilClosed())).then(() => undefined));
      await sim.runUntilIdle();
      return result;
    },
  };
}
