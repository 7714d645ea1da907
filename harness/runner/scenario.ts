import type { AeronetServer } from '../../server/server.js';
import type { ServerOptions } from '../../server/server-options.js';
import type { FaultProfile } from '../sim/faults.js';
import type { Rng } from '../sim/rng.js';
import type { Sim } from '../sim/sim.js';
import type { TestConnection } from '../sim/test-socket.js';
import type { ParsedResponse } from '../http/response-parser.js';

/**
 * A scenario: client steps and expectations, a fault profile, and server settings. The runner
 * runs it over many seeds; each seed turns the profile's ranges into exact faults.
 */
export interface Scenario {
  /** 'topic/name', e.g. 'h1/chunked-split-boundaries'. Names under 'selftest/' stay out of normal runs. */
  name: string;
  description: string;
  faults?: { clientToServer?: FaultProfile; serverToClient?: FaultProfile };
  /** Server options on top of the demo defaults (the demo routes, compression off). */
  server?: Partial<ServerOptions>;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface ScenarioContext {
  readonly sim: Sim;
  readonly server: AeronetServer;
  /** The scenario's own random stream (for request contents, not for faults). */
  readonly rng: Rng;
  /** Open a connection to the server; faults default to the scenario's profile. */
  connect(faults?: Scenario['faults']): TestConnection;
  /** Wait until `count` complete responses have arrived on `conn` (or the connection closed), and return them. */
  responses(conn: TestConnection, count: number): Promise<ParsedResponse[]>;
  /** Fail the scenario with `message` unless `condition` holds. */
  check(condition: boolean, message: string): void;
  sleep(ms: number): Promise<void>;
}

/** An expectation of the scenario did not hold. */
export class ScenarioFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioFailure';
  }
}

export function defineScenario(scenario: Scenario): Scenario {
  if (!/^[a-z0-9-]+(\/[a-z0-9-]+)+$/.test(scenario.name)) throw new Error(`scenario name "${scenario.name}" must be topic/name in lower-case words`);
  return scenario;
}
