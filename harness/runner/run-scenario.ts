import { createServer } from '../../server/server.js';
import { createDemoRouter } from '../../server/demo/demo-routes.js';
import { MemoryLogger, type LogRecord } from '../../server/core/logger.js';
import { Sim, SimHang, type FaultOverrides } from '../sim/sim.js';
import type { LinkFaults } from '../sim/faults.js';
import type { CaptureEvent } from '../sim/test-socket.js';
import { parseResponses } from '../http/response-parser.js';
import { ScenarioFailure, type Scenario, type ScenarioContext } from './scenario.js';
import { checkInvariants } from './invariants.js';

export interface ScenarioFailureInfo {
  kind: 'expectation' | 'hang' | 'invariant' | 'error';
  message: string;
}

export interface ScenarioResult {
  scenario: string;
  seed: number;
  ok: boolean;
  failure: ScenarioFailureInfo | null;
  traceHash: string;
  trace: string[];
  serverLog: LogRecord[];
  capture: CaptureEvent[];
  /** The exact faults the seed derived, per connection. */
  faults: Array<{ connection: number; clientToServer: LinkFaults; serverToClient: LinkFaults }>;
  virtualMs: number;
  /** Fault values that replaced the seed's (shrunk runs); {} for a plain run. */
  overrides: FaultOverrides;
}

/** Teardown may take this long in virtual time: longer than any default server timeout. */
const TEARDOWN_MS = 120_000;

/** Run one scenario for one seed over the simulated network, then check the invariants. */
export async function runScenario(scenario: Scenario, seed: number, overrides: FaultOverrides = {}): Promise<ScenarioResult> {
  const sim = new Sim({ seed, faults: scenario.faults ?? {}, overrides });
  const logger = new MemoryLogger();
  const server = createServer({ handler: createDemoRouter().handle, compression: false, ...scenario.server, clock: sim.clock, logger });
  const rng = sim.rng.fork('scenario');
  const ctx: ScenarioContext = {
    sim,
    server,
    rng,
    connect: (faults) => sim.connect((t) => server.accept(t), faults ?? scenario.faults ?? {}),
    async responses(conn, count) {
      const client = conn.client;
      await client.until(() => client.closed || client.ended || parseResponses(client.received).responses.length >= count);
      return parseResponses(client.received, { closed: client.ended || client.closed }).responses;
    },
    check(condition, message) {
      if (!condition) throw new ScenarioFailure(message);
    },
    sleep: (ms) => sim.sleep(ms),
  };

  let failure: ScenarioFailureInfo | null = null;
  try {
    await sim.run(scenario.run(ctx));
  } catch (err) {
    failure = classify(err);
  }
  if (failure === null) {
    // Teardown: clients that are still open close their side; then everything must wind down.
    try {
      for (const conn of sim.connections) if (!conn.client.closed) conn.client.end();
      await sim.run(Promise.all(sim.connections.map((c) => c.client.untilClosed())).then(() => undefined));
      await sim.runUntilIdle();
    } catch (err) {
      failure = classify(err);
    }
  }
  if (failure === null) {
    const problems = checkInvariants(sim, server);
    if (problems.length > 0) failure = { kind: 'invariant', message: problems.join('; ') };
  }
  return {
    scenario: scenario.name,
    seed,
    ok: failure === null,
    failure,
    traceHash: sim.trace.hash(),
    trace: sim.trace.lines,
    serverLog: logger.records,
    capture: sim.capture,
    faults: sim.connections.map((c) => ({ connection: c.id, clientToServer: c.faults.clientToServer, serverToClient: c.faults.serverToClient })),
    virtualMs: sim.clock.time,
    overrides,
  };
}

function classify(err: unknown): ScenarioFailureInfo {
  if (err instanceof ScenarioFailure) return { kind: 'expectation', message: err.message };
  if (err instanceof SimHang) return { kind: 'hang', message: err.message };
  return { kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}

export { TEARDOWN_MS };
