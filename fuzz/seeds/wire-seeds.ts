/**
 * Seed inputs taken from what the project's own tests send: every connection's client-to-server
 * bytes from the HTTP/1.1 and HTTP/2 conformance suites run against aeronet in the sim, and from
 * one run of every sim scenario. They reach the parsers' interesting states at once (chunked
 * trailers, CONTINUATION, HPACK table updates, smuggling attempts), which random bytes would take
 * the fuzzer a long time to find.
 */
import { runH1Suite } from '../../harness/conformance/h1/run-suite.js';
import { aeronetH1Targets, AERONET_H1_PATHS } from '../../harness/conformance/h1/faults.js';
import { runH2Suite } from '../../harness/conformance/h2/run-suite.js';
import { aeronetTargets } from '../../harness/conformance/h2/faults.js';
import { AERONET_PATHS } from '../../harness/conformance/h2/aeronet-target.js';
import { CLEAN_PLAN } from '../../harness/conformance/faults.js';
import { runScenario } from '../../harness/runner/run-scenario.js';
import type { CaptureEvent } from '../../harness/sim/test-socket.js';
import { CONNECTION_PREFACE } from '../../server/http2/frames/constants.js';
import { ALL_SCENARIOS, isSelftest } from '../../scenarios/index.js';
import type { SeedInput } from '../fuzz-target.js';

export interface WireSeeds {
  /** HTTP/1.1 connections: the client's bytes as sent. */
  h1: SeedInput[];
  /** HTTP/2 connections: the client's bytes after the 24-octet preface (SETTINGS first). */
  h2: SeedInput[];
}

/** The client's bytes of each connection, in order; TLS connections (opaque) are left out. */
export function clientStreams(capture: readonly CaptureEvent[]): Map<number, Buffer> {
  const chunks = new Map<number, Buffer[]>();
  const tls = new Set<number>();
  for (const event of capture) {
    if (event.kind === 'open' && event.serverPort === 443) tls.add(event.connection);
    if (event.kind !== 'data' || event.from !== 'client' || event.bytes === undefined) continue;
    const list = chunks.get(event.connection) ?? [];
    list.push(event.bytes);
    chunks.set(event.connection, list);
  }
  const out = new Map<number, Buffer>();
  for (const [id, list] of chunks) if (!tls.has(id)) out.set(id, Buffer.concat(list));
  return out;
}

function sortInto(seeds: WireSeeds, name: string, bytes: Buffer): void {
  if (bytes.length === 0) return;
  const preface = bytes.subarray(0, CONNECTION_PREFACE.length);
  if (preface.equals(CONNECTION_PREFACE)) {
    if (bytes.length > CONNECTION_PREFACE.length) seeds.h2.push({ name, data: bytes.subarray(CONNECTION_PREFACE.length) });
  } else {
    seeds.h1.push({ name, data: bytes });
  }
}

let memo: Promise<WireSeeds> | null = null;

/** Runs the suites and scenarios once per process (a few seconds), then hands out the same seeds. */
export function wireSeeds(): Promise<WireSeeds> {
  memo ??= collect();
  return memo;
}

async function collect(): Promise<WireSeeds> {
  const seeds: WireSeeds = { h1: [], h2: [] };

  const h1 = aeronetH1Targets(CLEAN_PLAN);
  await h1.run(runH1Suite(h1, AERONET_H1_PATHS));
  for (const [id, bytes] of clientStreams(h1.sim.capture)) sortInto(seeds, `h1-conformance-${id}`, bytes);

  const h2 = aeronetTargets(CLEAN_PLAN);
  await h2.run(runH2Suite(h2, AERONET_PATHS));
  for (const [id, bytes] of clientStreams(h2.sim.capture)) sortInto(seeds, `h2-conformance-${id}`, bytes);

  for (const scenario of ALL_SCENARIOS) {
    if (isSelftest(scenario)) continue;
    const result = await runScenario(scenario, 1);
    for (const [id, bytes] of clientStreams(result.capture)) sortInto(seeds, `scenario-${scenario.name.replaceAll('/', '_')}-${id}`, bytes);
  }
  return seeds;
}
