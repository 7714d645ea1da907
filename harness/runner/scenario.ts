import type { AeronetServer } from '../../server/server.js';
import type { ServerOptions } from '../../server/server-options.js';
import type { FaultProfile } from '../sim/faults.js';
import type { Rng } from '../sim/rng.js';
import type { Sim } from '../sim/sim.js';
import type { TestConnection } from '../sim/test-socket.js';
import type { ParsedResponse } from '../http/response-parser.js';
import type { TLSSocket } from 'node:tls';

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
  /**
   * The differential check runs every HTTP/1.1 scenario against node:http too. A scenario that
   * cannot run there (it drives aeronet's own server object, or a feature node:http lacks) says
   * why here; the check reports it as skipped with this reason.
   */
  differential?: { skip: string };
}

/** The server a scenario runs against: ours, or node:http for the differential check. */
export type ScenarioTarget = 'aeronet' | 'node:http';

export interface TlsConnectOptions {
  faults?: Scenario['faults'];
  /** ALPN protocols the client offers (default ['http/1.1']). */
  alpn?: string[];
  /** SNI; default the sim certificate's name. */
  servername?: string;
}

export interface TlsConnection {
  conn: TestConnection;
  /** node:tls client socket over the connection; 'secureConnect' when the handshake is done. */
  socket: TLSSocket;
  /** Everything decrypted so far. */
  received(): Buffer;
  /** Resolves true on 'secureConnect', false if the connection fails or closes before it. */
  handshake: Promise<boolean>;
  /** The error that ended the connection, if any (its code, e.g. 'ECONNRESET'). */
  error(): string | null;
}

export interface ScenarioContext {
  readonly sim: Sim;
  readonly server: AeronetServer;
  /** The scenario's own random stream (for request contents, not for faults). */
  readonly rng: Rng;
  /** Which server this run drives. */
  readonly target: ScenarioTarget;
  /** Open a connection to the server; faults default to the scenario's profile. */
  connect(faults?: Scenario['faults']): TestConnection;
  /**
   * Open a TLS connection: node:tls on the client end, the server's TLS handshake on the other
   * (the scenario's `server.tls` must be set; the sim certificates are in harness/sim/sim-certs).
   */
  connectTls(options?: TlsConnectOptions): TlsConnection;
  /** Open a connection to the server's TLS handshake with no TLS client: raw bytes only (to send a broken or partial handshake). */
  connectTlsRaw(faults?: Scenario['faults']): TestConnection;
  /** Wait until `count` complete responses have arrived on `conn` (or the connection closed), and return them. */
  responses(conn: TestConnection, count: number): Promise<ParsedResponse[]>;
  /**
   * The server's live connections: aeronet's registry, or the sockets node:http has not closed
   * (so a scenario that checks for leaks runs against either target).
   */
  openConnections(): number;
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
