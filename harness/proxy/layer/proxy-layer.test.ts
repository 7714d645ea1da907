import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { findProxyScenario, PROXY_SCENARIOS } from '../../../scenarios/proxy/index.js';
import { lines, tshark } from '../../artifacts/test-support/tshark.js';
import { reproProxy } from '../../../cli/proxy-repro.js';
import { compareDecisions } from './compare-decisions.js';
import { readProxyManifest, writeProxyArtifact } from './proxy-artifact.js';
import { shrinkProxyRun } from './proxy-shrink.js';
import { openProxyTarget } from './proxy-target.js';
import { describeLeak, discardLoopbackCapture, runProxyScenario, type ProxyRunResult } from './run-proxy-scenario.js';
import { loopbackCaptureUnavailable } from './loopback-capture.js';
import { aeronetCli } from './serve-process.js';

/**
 * The proxy layer end to end: real `aeronet serve` processes (the built CLI, dist/), the fault
 * proxy, real clients. A few scenarios of each protocol run here; `aeronet run --layer proxy`
 * runs them all (CI's proxy stage).
 */
// The servers run from the CLI built for this test run (vitest.global-setup.ts), not dist/.
process.env['AERONET_CLI'] = inject('aeronetCli');
const root = mkdtempSync(path.join(tmpdir(), 'aeronet-proxy-layer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const selftest = findProxyScenario('proxy/selftest-always-fails')!;

describe('proxy layer', () => {
  it('runs against a built CLI', () => {
    expect(existsSync(aeronetCli()), `${aeronetCli()} is missing`).toBe(true);
  });

  it('has at least 24 scenarios across HTTP/1.1, h2c and TLS, each saying what must hold', () => {
    expect(PROXY_SCENARIOS.length).toBeGreaterThanOrEqual(24);
    for (const p of ['h1', 'h2c', 'h1-tls', 'h2-tls'] as const) expect(PROXY_SCENARIOS.some((s) => s.protocol === p), p).toBe(true);
    for (const s of PROXY_SCENARIOS) expect(s.expect.length, s.name).toBeGreaterThan(20);
    expect(new Set(PROXY_SCENARIOS.map((s) => s.name)).size).toBe(PROXY_SCENARIOS.length);
  });

  for (const name of ['proxy/h1-cut-mid-response', 'proxy/h2c-slicer', 'proxy/tls-h2-latency-alpn', 'proxy/tls-timeout-handshake']) {
    it(`${name} passes: a clean outcome, a healthy server, nothing leaked`, async () => {
      const r = await runProxyScenario(findProxyScenario(name)!, 1);
      expect(r.failure, r.notes.join('\n')).toBeNull();
      expect(r.registry.final).toMatchObject({ connections: 0, handshakes: 0 });
      expect(r.proxy).toEqual({ kind: 'aeronet', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), seeded: true });
    });
  }

  describe('a failing run', () => {
    let first: ProxyRunResult;
    let dir: string;

    it('fails, and its artifact has the shared shape plus the proxy\'s record', async () => {
      first = await runProxyScenario(selftest, 7);
      expect(first.ok).toBe(false);
      expect(first.failure!.kind).toBe('expectation');
      dir = writeProxyArtifact(first, root, new Date(Date.UTC(2026, 11, 3, 12, 0, 0)));
      expect(path.basename(dir)).toBe('proxy__selftest-always-fails-7-20261203T120000Z');
      for (const f of ['manifest.json', 'events.log', 'server.log', 'capture.pcap', 'proxy-events.log']) expect(existsSync(path.join(dir, f)), f).toBe(true);
      const m = readProxyManifest(dir);
      expect(m).toMatchObject({ layer: 'proxy', scenario: 'proxy/selftest-always-fails', seed: 7, ok: false, tls: false, toxicsOverride: null });
      expect(m.replay).toBe('npx aeronet run --layer proxy --scenario proxy/selftest-always-fails --seed 7');
      expect(m.toxics.map((t) => t.type)).toEqual(['latency', 'slicer', 'limit_data']);
      expect(m.decisions!.some((d) => d.kind === 'toxicity' && d.toxic === 'latency_downstream')).toBe(true);
      expect(m.serverCommand.join(' ')).toMatch(/aeronet\.js serve --port 0 --debug-port 0/);
      expect(m.legs.map((l) => l.leg)).toEqual(expect.arrayContaining(['client', 'server']));
      expect(m.captureWarnings).toEqual([]);
      const serverLog = readFileSync(path.join(dir, 'server.log'), 'utf8').split('\n').filter(Boolean);
      expect(serverLog.some((l) => JSON.parse(l).event === 'server.listening')).toBe(true);
      const proxyLog = readFileSync(path.join(dir, 'proxy-events.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; log: string });
      expect(proxyLog.filter((e) => e.log === 'event').map((e) => e.kind)).toEqual(expect.arrayContaining(['proxy-created', 'toxic-added']));
    });

    it('leaves a capture of both legs that tshark decodes as HTTP', () => {
      const http = lines(tshark(['-r', path.join(dir, 'capture.pcap'), '-Y', 'http.request', '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'http.request.uri']));
      expect(http).toContain('10.0.1.2\t10.0.1.3\t/bytes/100000');
      expect(http).toContain('10.0.1.3\t10.0.1.1\t/bytes/100000');
    });

    it('keeps tcpdump\'s loopback capture too, where tcpdump can capture (root, tcpdump installed)', () => {
      const m = readProxyManifest(dir);
      const why = loopbackCaptureUnavailable();
      if (why !== null) {
        expect(m.tcpdump).toBe(`none: ${why}`);
        expect(existsSync(path.join(dir, 'tcpdump.pcap'))).toBe(false);
        return;
      }
      expect(m.tcpdump).toBe('tcpdump.pcap');
      const serverLeg = m.legs.find((l) => l.leg === 'server')!;
      // The kernel's segments to the server's real port, the request among them.
      const seen = lines(tshark(['-r', path.join(dir, 'tcpdump.pcap'), '-d', `tcp.port==${serverLeg.serverPort},http`, '-Y', 'http.request', '-T', 'fields', '-e', 'tcp.dstport', '-e', 'http.request.uri']));
      expect(seen).toContain(`${serverLeg.serverPort}\t/bytes/100000`);
      expect(first.tcpdump.file).toBeNull();
    });

    it('makes the same decisions for the same seed, and others for another seed', async () => {
      const again = await runProxyScenario(selftest, 7);
      discardLoopbackCapture(again);
      expect(compareDecisions(first.decisions!, again.decisions!)).not.toBe('differ');
      const other = await runProxyScenario(selftest, 8);
      discardLoopbackCapture(other);
      expect(compareDecisions(first.decisions!, other.decisions!)).toBe('differ');
    });

    it('aeronet repro replays it: fails again as recorded, with identical decisions', async () => {
      const out: string[] = [];
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
      let code: number;
      try {
        code = await reproProxy(dir);
      } finally {
        spy.mockRestore();
      }
      expect(code).toBe(1);
      expect(out.join('')).toMatch(/^FAILS AGAIN as recorded: proxy\/selftest-always-fails seed 7/);
      expect(out.join('')).toMatch(/decisions: (identical to the recording|the same draws as the recording)/);
    });

    it('shrinks to the one toxic that matters, with a smaller value', async () => {
      const outcome = await shrinkProxyRun(selftest, 7, null, 12);
      expect(outcome).not.toBeNull();
      expect(outcome!.toxics.map((t) => t.type)).toEqual(['limit_data']);
      expect(outcome!.toxics[0]!.attributes['bytes']).toBeLessThan(30_000);
      expect(outcome!.result.ok).toBe(false);
      discardLoopbackCapture(outcome!.result);
    }, 90_000);
  });

  it('describeLeak names what the server still holds above its baseline', () => {
    const base = { connections: 0, handshakes: 0, timers: 1, fds: 20, resources: {}, rssBytes: 0, heapUsedBytes: 0 };
    expect(describeLeak(base, base)).toBeNull();
    expect(describeLeak(base, { ...base, connections: 2, timers: 3, fds: 21 })).toBe('2 connection(s), 2 timer(s), 1 file descriptor(s)');
  });

  it('TOXIPROXY_URL must be a URL where a Toxiproxy answers', async () => {
    await expect(openProxyTarget('1', { TOXIPROXY_URL: 'not a url' })).rejects.toThrow('TOXIPROXY_URL must be a URL like http://127.0.0.1:8474, got "not a url"');
    await expect(openProxyTarget('1', { TOXIPROXY_URL: 'http://127.0.0.1:1' })).rejects.toThrow(/^TOXIPROXY_URL=http:\/\/127\.0\.0\.1:1: no Toxiproxy answers there/);
  });

  it('with TOXIPROXY_URL, drives that proxy through the same client path (here: our proxy standing in for Toxiproxy)', async () => {
    const stand = await openProxyTarget('1', {});
    try {
      const r = await runProxyScenario(findProxyScenario('proxy/h1-cut-mid-headers')!, 1, { env: { TOXIPROXY_URL: stand.url } });
      expect(r.failure, r.notes.join('\n')).toBeNull();
      expect(r.proxy).toEqual({ kind: 'toxiproxy', url: stand.url, seeded: false });
      expect(r.decisions).toBeNull();
      // The proxy was created under a run-unique name and removed afterwards.
      expect(await stand.toxiproxy.getAll()).toEqual({});
    } finally {
      await stand.close();
    }
  });
});
