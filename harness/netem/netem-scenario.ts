import type { Rng } from '../sim/rng.js';
import type { RegistrySnapshot } from '../../server/debug/debug-registry.js';
import type { CurlResult, H1Client, H2Client, ClientEndpoint } from '../clients/clients.js';
import type { Direction, NetemParams } from '../../netns/netem-params.js';
import type { LinkImpairments } from '../../netns/topology.js';
import type { ProxyProtocol } from '../proxy/layer/proxy-scenario.js';

/**
 * A netem-layer scenario: `aeronet serve` in the server namespace, its client in the client
 * namespace, a veth pair between them shaped by `tc netem` on each side (real kernel TCP:
 * retransmits, delayed ACKs, zero-window probes). The runner applies `link(rng)` before the
 * client starts, runs `run` inside the client namespace, restores a clean link, and then checks
 * what every real-socket run checks (a follow-up request, the server's registry back to idle).
 */
export interface NetemScenario {
  /** 'netem/<name>'. */
  name: string;
  description: string;
  protocol: ProxyProtocol;
  /** What must hold, in words: printed with a failure. */
  expect: string;
  serveArgs?: readonly string[];
  /** The exact impairments for a seed (draw within ranges from `rng`); recorded in the manifest. */
  link(rng: Rng): LinkImpairments;
  /** In `.ci/run`'s netem smoke stage (kept small: each run boots nothing, but costs real seconds). */
  smoke?: boolean;
  /** Longest the client steps may take (default 60 s). */
  limitMs?: number;
  run(ctx: NetemScenarioContext): Promise<void>;
}

export interface NetemScenarioContext {
  readonly seed: number;
  /** The scenario's own stream (request sizes, contents); the link's draws come from another. */
  readonly rng: Rng;
  /** The server across the shaped link. */
  readonly target: ClientEndpoint;
  /** The impairments in force (as applied). */
  readonly link: LinkImpairments;
  h1(): H1Client;
  h2(): H2Client;
  curl(path: string, args?: readonly string[]): Promise<CurlResult>;
  /** Replace one direction's netem now (a link that goes dark, then recovers); {} = a clean link. */
  setLink(direction: Direction, params: NetemParams): Promise<void>;
  /** The server's debug registry (connections, timers, fds, memory). */
  registry(): Promise<RegistrySnapshot>;
  check(condition: boolean, message: string): void;
  sleep(ms: number): Promise<void>;
  note(message: string): void;
}

export function defineNetemScenario(s: NetemScenario): NetemScenario {
  if (!/^netem\/[a-z0-9-]+$/.test(s.name)) throw new Error(`netem scenario name "${s.name}" must be netem/<lower-case-words>`);
  return s;
}
