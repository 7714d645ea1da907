import { writeFileSync } from 'node:fs';
import { $ } from '../../netns/shell.js';
import { Rng } from '../sim/rng.js';
import { ScenarioFailure } from '../runner/scenario.js';
import type { ScenarioFailureInfo } from '../runner/run-scenario.js';
import type { RegistrySnapshot } from '../../server/debug/debug-registry.js';
import { curl, h1Client, h2Client, type ClientEndpoint, type H1Client, type H2Client } from '../clients/clients.js';
import { followUpHello } from '../clients/server-health.js';
import { qdiscCommands, type LinkImpairments, type Topology } from '../../netns/topology.js';
import { changeNetem } from '../../netns/run-topology.js';
import type { NetemScenario, NetemScenarioContext } from './netem-scenario.js';

/** What the client half of a run reports back to the runner (a JSON file). */
export interface ClientReport {
  failure: ScenarioFailureInfo | null;
  notes: string[];
  /** Commands the scenario ran to change the link while it ran. */
  linkChanges: string[];
}

/** GET the server's debug registry from inside its namespace (it listens on the namespace's 127.0.0.1). */
export async function registryInNamespace(ns: string, url: string): Promise<RegistrySnapshot> {
  const r = await $`ip netns exec ${ns} curl -sS --max-time 5 ${url}`;
  if (r.exitCode !== 0) throw new Error(`debug registry in ${ns}: curl exit ${r.exitCode}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as RegistrySnapshot;
}

/**
 * The client half of a netem run, in the client namespace (`ip netns exec <client ns> node
 * aeronet.js netem-client ...`): the scenario's steps against the server across the link, or
 * (`followUp`) the one request every run ends with, on a link the runner has made clean.
 */
export async function runClientSide(scenario: NetemScenario, seed: number, t: Topology, port: number, link: LinkImpairments, debugUrl: string, followUp: boolean, started: number): Promise<ClientReport> {
  const notes: string[] = [];
  const note = (m: string): void => void notes.push(`${(performance.timeOrigin + performance.now() - started).toFixed(1).padStart(8)} ms  ${m}`);
  const tls = scenario.protocol.endsWith('tls');
  const target: ClientEndpoint = { host: t.server.address, port, tls };
  const h2 = scenario.protocol.startsWith('h2');
  if (followUp) {
    try {
      const ms = await followUpHello(target, h2, 10_000);
      note(`follow-up GET /hello on a clean link: 200 in ${ms.toFixed(1)} ms`);
      return { failure: null, notes, linkChanges: [] };
    } catch (err) {
      return { failure: { kind: 'invariant', message: `the server is not healthy after the run: ${(err as Error).message}` }, notes, linkChanges: [] };
    }
  }
  const clients: Array<H1Client | H2Client> = [];
  const linkChanges: string[] = [];
  const ctx: NetemScenarioContext = {
    seed,
    rng: new Rng(`${seed}/scenario`),
    target,
    link,
    h1() {
      const c = h1Client(target);
      clients.push(c);
      return c;
    },
    h2() {
      const c = h2Client(target);
      clients.push(c);
      return c;
    },
    curl: (path, args) => curl(target, h2 ? 'h2' : 'h1', path, args, 60_000),
    async setLink(direction, params) {
      const side = direction === 'clientToServer' ? t.client : t.server;
      const cmds = Object.keys(params).length === 0
        ? [['tc', '-n', side.ns, 'qdisc', 'replace', 'dev', side.dev, 'root', 'pfifo_fast']]
        : qdiscCommands(side.ns, side.dev, params, 'replace');
      for (const a of await changeNetem(cmds)) linkChanges.push(a.line);
      note(`link ${direction} now ${JSON.stringify(params)}`);
    },
    registry: () => registryInNamespace(t.server.ns, debugUrl),
    check(condition, message) {
      if (!condition) throw new ScenarioFailure(message);
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    note,
  };
  let failure: ScenarioFailureInfo | null = null;
  const limit = scenario.limitMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([scenario.run(ctx), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('HANG')), limit)))]);
  } catch (err) {
    if ((err as Error).message === 'HANG') failure = { kind: 'hang', message: `the scenario's steps did not finish within ${limit / 1000} s` };
    else if (err instanceof ScenarioFailure) failure = { kind: 'expectation', message: err.message };
    else failure = { kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    note(`FAIL ${failure.kind}: ${failure.message}`);
  } finally {
    clearTimeout(timer);
    for (const c of clients) c.close();
  }
  return { failure, notes, linkChanges };
}

export function writeClientReport(file: string, report: ClientReport): void {
  writeFileSync(file, JSON.stringify(report) + '\n');
}
