import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findScenario } from '../../../scenarios/index.js';
import { findProxyScenario } from '../../../scenarios/proxy/index.js';
import { writeArtifact, readManifest } from '../../artifacts/write-artifact.js';
import { writeProxyArtifact } from '../../proxy/layer/proxy-artifact.js';
import { runProxyScenario } from '../../proxy/layer/run-proxy-scenario.js';
import { runScenario } from '../../runner/run-scenario.js';
import { buildTimeline } from './build-timeline.js';
import type { Timeline } from './timeline.js';

/*
 * Timelines of real artifact folders: sim runs made here (a few ms each), a proxy run of the
 * deliberately failing selftest through the real proxy and `aeronet serve`, and a netem folder
 * committed as a fixture (netem needs root and a kernel with netem: see fixtures/README.md).
 */
const root = mkdtempSync(path.join(tmpdir(), 'aeronet-real-timeline-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const NETEM_FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'netem-h2-burst-loss');

async function simTimeline(name: string, seed: number): Promise<{ t: Timeline; dir: string }> {
  const result = await runScenario(findScenario(name)!, seed);
  const dir = writeArtifact(result, root);
  return { t: await buildTimeline(dir, { layer: 'sim', scenario: name, seed }), dir };
}

const labels = (t: Timeline, from?: 'client' | 'server') => t.arrows.filter((a) => from === undefined || a.from === from).flatMap((a) => a.labels);

describe('timelines of real sim folders', () => {
  it('selftest/always-fails: the request cut by the seed, its line on the last piece, the answer, sends estimated from the manifest', async () => {
    const { t, dir } = await simTimeline('selftest/always-fails', 1);
    const manifest = readManifest(dir);
    const c2s = manifest.faults[0]!.clientToServer;
    const request = t.arrows.filter((a) => a.from === 'client' && a.length > 0);
    expect(request.reduce((n, a) => n + a.length, 0)).toBe('GET /hello HTTP/1.1\r\nHost: sim\r\n\r\n'.length);
    expect(request.at(-1)!.labels).toEqual(['GET /hello HTTP/1.1']);
    for (const a of request) expect(a.sendMs).toBeCloseTo(a.arriveMs! - c2s.latencyMs, 3);
    // The seed's segment limit is below the request's length: it arrived in pieces, and that is marked.
    expect(c2s.maxSegment).toBeLessThan(35);
    expect(t.faults.filter((f) => f.kind === 'split')).toEqual([expect.objectContaining({ arrow: request.at(-1)!.id, text: `GET /hello HTTP/1.1: arrived in ${request.length} segments` })]);
    expect(labels(t, 'server')).toEqual([expect.stringMatching(/^HTTP\/1\.1 200 OK \(\d+ B body\)$/)]);
    expect(t.arrows.slice(0, 2).map((a) => a.flags)).toEqual([['SYN'], ['SYN', 'ACK']]);
    // Every delivery the trace lists is an arrow.
    const deliveries = readFileSync(path.join(dir, 'events.log'), 'utf8').split('\n').filter((l) => / data \d+/.test(l)).length;
    expect(t.arrows.filter((a) => a.length > 0)).toHaveLength(deliveries);
  });

  it('tls/choppy-pipelined: TLS records named without decryption', async () => {
    const { t } = await simTimeline('tls/choppy-pipelined', 1);
    expect(t.connections[0]!.protocol).toBe('tls');
    expect(labels(t, 'client')[0]).toBe('TLS ClientHello');
    expect(labels(t, 'server')[0]).toMatch(/^TLS ServerHello/);
    expect(labels(t).some((l) => /^TLS app data/.test(l))).toBe(true);
    // A long choppy run: the caps keep the page small and say so.
    expect(t.arrows.length).toBeLessThanOrEqual(300);
    expect(t.elided.arrows).toBeGreaterThan(0);
    expect(t.notes.some((n) => /^left out to keep the page small: \d+ arrow\(s\)/.test(n))).toBe(true);
  });

  it('h2/goaway-drain-in-flight: GOAWAY and RST_STREAM with their error code names', async () => {
    const { t } = await simTimeline('h2/goaway-drain-in-flight', 1);
    expect(t.connections[0]!.protocol).toBe('h2c');
    const server = labels(t, 'server');
    expect(server).toContain('GOAWAY last 3 NO_ERROR "server draining"');
    expect(server).toContain('RST_STREAM s5 REFUSED_STREAM');
    expect(labels(t, 'client')).toContain('HTTP/2 preface');
    expect(labels(t, 'client').some((l) => /^HEADERS s1 [A-Z]+ \//.test(l))).toBe(true);
  });

  it('hostile/corrupt-headers and h1/reset-after-bytes-request: the hostile faults and the reset, as the trace recorded them', async () => {
    const corrupt = await simTimeline('hostile/corrupt-headers', 1);
    const traced = readFileSync(path.join(corrupt.dir, 'events.log'), 'utf8').split('\n').filter((l) => / fault corrupt /.test(l)).length;
    expect(traced).toBeGreaterThan(0);
    const marks = corrupt.t.faults.filter((f) => f.kind === 'corrupt');
    expect(marks).toHaveLength(traced);
    for (const f of marks) expect(f.arrow, f.text).toBeDefined();
    const reset = await simTimeline('h1/reset-after-bytes-request', 1);
    expect(reset.t.faults.filter((f) => f.kind === 'reset').map((f) => f.text)).toEqual(['reset point: 94 B sent c->s, the client resets', 'c1 reset by the client']);
    expect(reset.t.arrows.find((a) => a.flags.includes('RST'))).toMatchObject({ connection: 1, from: 'client' });
  });
});

describe('timeline of a real proxy folder', () => {
  it('proxy/selftest-always-fails: slices, the latency, and what limit_data kept from the client', async () => {
    // The server runs from the CLI built for this test run (vitest.global-setup.ts), as the proxy layer's own tests do.
    process.env['AERONET_CLI'] = inject('aeronetCli');
    const result = await runProxyScenario(findProxyScenario('proxy/selftest-always-fails')!, 1);
    expect(result.ok).toBe(false);
    const dir = writeProxyArtifact(result, root);
    const t = await buildTimeline(dir, { layer: 'proxy', scenario: result.scenario, seed: 1 });
    expect(t.connections[0]!.protocol).toBe('http/1.1');
    const up = t.arrows.filter((a) => a.from === 'client' && a.length > 0);
    expect(up.at(-1)!.labels).toEqual(['GET /bytes/100000 HTTP/1.1']);
    // One read from the client, cut by the slicer: every slice starts when that read happened.
    expect(new Set(up.map((a) => a.sendMs)).size).toBe(1);
    const slices = (result.decisions ?? []).filter((d) => d.kind === 'slice' && d.connection === 1);
    if (result.decisions !== null) {
      expect(t.faults.filter((f) => /slice of/.test(f.text)).map((f) => t.arrows[f.arrow!]!.length)).toEqual(slices.map((d) => d.value));
    }
    // limit_data 30000 downstream: the client got exactly that; the rest never arrived.
    const down = t.arrows.filter((a) => a.from === 'server' && a.length > 0);
    expect(down.filter((a) => a.arriveMs !== null).reduce((n, a) => n + a.length, 0)).toBe(30000);
    const lost = down.filter((a) => a.arriveMs === null);
    expect(lost.length).toBeGreaterThan(0);
    expect(t.faults.filter((f) => f.kind === 'drop')).toHaveLength(lost.length);
    expect(labels(t, 'server')).toEqual([expect.stringMatching(/^HTTP\/1\.1 200 OK/)]);
    // The proxy closed the client's leg itself when the limit was reached.
    expect(t.arrows.some((a) => a.from === 'server' && a.flags.includes('FIN') && a.origin === 'proxy')).toBe(true);
    expect(t.params.filter((p) => p.startsWith('toxic ')).map((p) => p.split(':')[0])).toEqual(['toxic latency downstream toxicity 0.5', 'toxic slicer upstream', 'toxic limit_data downstream']);
  });
});

describe('timeline of a real netem folder (fixture)', () => {
  it('netem/h2-burst-loss-download: HTTP/2 frames, drops and retransmissions inferred at the server veth', async () => {
    const t = await buildTimeline(NETEM_FIXTURE, { layer: 'netem', scenario: '?', seed: 0 });
    expect(t).toMatchObject({ layer: 'netem', scenario: 'netem/h2-burst-loss-download', seed: 1 });
    expect(t.connections.map((c) => c.protocol)).toEqual(['h2c']);
    const client = labels(t, 'client');
    expect(client.slice(0, 2)).toEqual(['HTTP/2 preface', 'SETTINGS INITIAL_WINDOW_SIZE=1048576']);
    expect(client).toContain('HEADERS s1 GET /bytes/1000000 END_STREAM');
    expect(labels(t, 'server')).toContain('HEADERS s1 :status 200');
    // 15 ms each way (manifest.link): sends are estimated that much before the capture.
    for (const a of t.arrows.filter((x) => x.length > 0)) expect(a.arriveMs! - a.sendMs).toBeCloseTo(15, 3);
    const drop = t.faults.find((f) => f.kind === 'drop')!;
    expect(drop).toMatchObject({ inferred: true, side: 'server', text: expect.stringMatching(/^\d+ B missing before this segment/) });
    const fills = t.faults.filter((f) => f.kind === 'retransmit' && /^fills the gap/.test(f.text));
    expect(fills.length).toBeGreaterThan(0);
    expect(fills[0]!.atMs).toBeGreaterThan(drop.atMs);
    expect(t.params).toContain('s->c: delayMs 15, gemodel pPct 2 rPct 28');
  });
});
