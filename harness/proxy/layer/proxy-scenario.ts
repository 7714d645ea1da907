import type { Proxy, Toxiproxy } from 'toxiproxy-node-client';
import type { Rng } from '../../sim/rng.js';
import type { Direction, ToxicType } from '../model.js';
import type { ServeProcess } from './serve-process.js';
import type { CurlResult, H1Client, H2Client } from '../../clients/clients.js';

/** A toxic as a scenario asks for it: the body of POST /proxies/{proxy}/toxics (reference §4). */
export interface ToxicSpec {
  name?: string;
  type: ToxicType;
  stream?: Direction;
  toxicity?: number;
  attributes: Record<string, number>;
}

/** How the client reaches `aeronet serve`: HTTP/1.1 or h2c in cleartext, or TLS with ALPN. */
export type ProxyProtocol = 'h1' | 'h2c' | 'h1-tls' | 'h2-tls';

/**
 * A proxy-layer scenario: the real `aeronet serve` process behind the fault proxy, real clients in
 * front of it. The runner starts both, applies `toxics`, runs `run`, then checks what every
 * scenario must show: the server is alive, answers a follow-up request, and holds no connection,
 * handshake, timer or descriptor beyond its idle baseline once the proxy has let go.
 */
export interface ProxyScenario {
  /** 'proxy/<name>'. */
  name: string;
  description: string;
  protocol: ProxyProtocol;
  /** What must hold, in words: printed with a failure. */
  expect: string;
  /** Extra `aeronet serve` flags (timeouts, mostly). */
  serveArgs?: readonly string[];
  /** Toxics added before the client starts (the part `aeronet shrink` reduces). */
  toxics?: readonly ToxicSpec[];
  run(ctx: ProxyScenarioContext): Promise<void>;
}

export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
}

export interface ProxyScenarioContext {
  readonly seed: number;
  /** The scenario's own stream (request sizes, contents), independent of the proxy's decisions. */
  readonly rng: Rng;
  /** Through the proxy. */
  readonly target: Endpoint;
  /** Straight to the server, bypassing the proxy. */
  readonly direct: Endpoint;
  readonly toxiproxy: Toxiproxy;
  /** This scenario's proxy (toxiproxy-node-client object): update() disables/enables it. */
  readonly proxy: Proxy;
  readonly server: ServeProcess;
  /** Add a toxic now (recorded in the run's toxic list). */
  addToxic(spec: ToxicSpec): Promise<void>;
  removeToxic(name: string): Promise<void>;
  /** node:http / node:https with keep-alive, through `target` unless told otherwise. */
  h1(endpoint?: Endpoint): H1Client;
  /** node:http2 over h2c or TLS+ALPN (by `target.tls`), one session. */
  h2(endpoint?: Endpoint): H2Client;
  /** Run curl (with --cacert for TLS) against `target`; arguments after the URL's path. */
  curl(path: string, args?: readonly string[]): Promise<CurlResult>;
  check(condition: boolean, message: string): void;
  sleep(ms: number): Promise<void>;
  /** Note a fact for the run's log (what the client saw), kept in events.log. */
  note(message: string): void;
}

export function defineProxyScenario(s: ProxyScenario): ProxyScenario {
  if (!/^proxy\/[a-z0-9-]+$/.test(s.name)) throw new Error(`proxy scenario name "${s.name}" must be proxy/<lower-case-words>`);
  return s;
}
