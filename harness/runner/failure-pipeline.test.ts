import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findScenario } from '../../scenarios/index.js';
import { runScenario } from './run-scenario.js';
import { readManifest, writeArtifact } from '../artifacts/write-artifact.js';
import { reproCommand } from '../../cli/repro-command.js';

const root = mkdtempSync(path.join(tmpdir(), 'aeronet-artifacts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('failure pipeline: artifact, capture, repro', () => {
  it('writes the four files, a manifest with the replay command, and a capture tshark decodes as HTTP', async () => {
    const result = await runScenario(findScenario('selftest/always-fails')!, 5);
    expect(result.ok).toBe(false);
    const dir = writeArtifact(result, root, new Date(Date.UTC(2026, 10, 21, 12, 0, 0)));
    expect(path.basename(dir)).toBe('selftest__always-fails-5-20261121T120000Z');
    for (const f of ['manifest.json', 'events.log', 'server.log', 'capture.pcap']) expect(existsSync(path.join(dir, f)), f).toBe(true);
    const manifest = readManifest(dir);
    expect(manifest).toMatchObject({ scenario: 'selftest/always-fails', layer: 'sim', seed: 5, traceHash: result.traceHash });
    expect(manifest.replay).toBe('npx aeronet run --layer sim --scenario selftest/always-fails --seed 5');
    expect(manifest.faults[0]!.clientToServer.maxSegment).toBeGreaterThanOrEqual(1);
    expect(manifest.captureWarnings).toEqual([]);
    expect(readFileSync(path.join(dir, 'events.log'), 'utf8').split('\n').filter(Boolean)).toEqual(result.trace);
    const http = execFileSync('tshark', ['-r', path.join(dir, 'capture.pcap'), '-Y', 'http', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.response.code'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    expect(http).toMatch(/^GET\t/m);
    expect(http).toMatch(/\t200$/m);
  });

  it('puts a TLS connection on port 443, where tshark decodes the handshake with no options', async () => {
    const result = await runScenario(findScenario('tls/choppy-pipelined')!, 2);
    expect(result.ok).toBe(true);
    const dir = writeArtifact(result, root, new Date(Date.UTC(2026, 10, 22, 12, 0, 0)));
    expect(readManifest(dir).captureWarnings).toEqual([]);
    const tls = execFileSync('tshark', ['-r', path.join(dir, 'capture.pcap'), '-Y', 'tls.handshake.type', '-T', 'fields', '-e', 'tcp.dstport', '-e', 'tls.handshake.type', '-e', 'tls.handshake.extensions_server_name'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    // The ClientHello (type 1) goes to 443 and names the SNI host; the ServerHello (2) answers it.
    expect(tls).toMatch(/^443\t1\talt\.sim\.test$/m);
    expect(tls).toMatch(/\t2(,|\t|$)/m);
  });

  it('repro exits 1 when the recorded failure happens again, with the same trace', async () => {
    const result = await runScenario(findScenario('selftest/always-fails')!, 6);
    const dir = writeArtifact(result, root);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await reproCommand([dir]);
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(1);
    expect(out.join('')).toMatch(/FAILS AGAIN as recorded/);
    expect(out.join('')).toMatch(/identical to the recording/);
  });

  it('repro exits 0 when a recorded failure no longer happens', async () => {
    // A passing scenario's run, recorded as if it had failed: replaying it passes.
    const result = await runScenario(findScenario('h1/hello-keep-alive')!, 2);
    expect(result.ok).toBe(true);
    const dir = writeArtifact({ ...result, ok: false, failure: { kind: 'expectation', message: 'recorded by an older version' } }, root);
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await reproCommand([dir])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
  });

  it('repro refuses a hand-edited manifest with an impossible fault value, naming it', async () => {
    const dir = writeArtifact(await runScenario(findScenario('selftest/always-fails')!, 7), root);
    const file = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    manifest.overrides = { '1': { clientToServer: { maxSegment: 0 } } };
    writeFileSync(file, JSON.stringify(manifest));
    await expect(reproCommand([dir])).rejects.toThrow(/overrides\.1\.clientToServer\.maxSegment = 0: expected a number from 1/);
  });

  it('repro refuses a folder without a manifest, saying why', async () => {
    await expect(reproCommand([root])).rejects.toThrow(/manifest\.json.*artifact folder/);
  });
});
