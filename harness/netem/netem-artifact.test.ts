import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifestBase } from '../artifacts/artifact-folder.js';
import { writeNetemArtifact } from './netem-artifact.js';
import type { NetemRunResult } from './run-netem-scenario.js';

const root = mkdtempSync(path.join(tmpdir(), 'aeronet-netem-artifact-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function result(captures: NetemRunResult['captures']): NetemRunResult {
  return {
    layer: 'netem', scenario: 'netem/h1-loss-download', seed: 3, ok: false, failure: { kind: 'expectation', message: 'GET /bytes: did not complete' }, durationMs: 1234,
    backend: 'uml', kernel: '6.1.176', link: { serverToClient: { delayMs: 10, lossPct: 1 } },
    commands: [{ line: 'ip netns add aeronet-c-r0', ok: true }, { line: 'tc -n aeronet-s-r0 qdisc add dev asr0 root handle 1: netem delay 10ms loss random 1%', ok: false, error: 'Error: Specified qdisc kind is unknown.' }],
    notes: ['   1.0 ms  link up'], serverLog: ['{"event":"server.listening"}'], serverCommand: ['ip', 'netns', 'exec', 'aeronet-s-r0', 'node', 'aeronet.js', 'serve'], tls: false,
    registry: { baseline: null, final: null }, captures,
  };
}

describe('netem artifacts', () => {
  it('the shared folder shape, the server side as capture.pcap, the client side and the exact commands beside it', () => {
    const server = path.join(root, 'server.pcap');
    const client = path.join(root, 'client.pcap');
    writeFileSync(server, 'S');
    writeFileSync(client, 'C');
    const dir = writeNetemArtifact(result({ client, server, note: 'captured' }), root, new Date(Date.UTC(2026, 11, 3, 15, 0, 0)));
    expect(path.basename(dir)).toBe('netem__h1-loss-download-3-20261203T150000Z');
    expect(readFileSync(path.join(dir, 'capture.pcap'), 'utf8')).toBe('S');
    expect(readFileSync(path.join(dir, 'client.pcap'), 'utf8')).toBe('C');
    const commands = readFileSync(path.join(dir, 'commands.sh'), 'utf8');
    expect(commands).toContain('ip netns add aeronet-c-r0\n');
    expect(commands).toContain('# failed: Error: Specified qdisc kind is unknown.');
    const { data } = readManifestBase(dir);
    expect(data).toMatchObject({ layer: 'netem', seed: 3, backend: 'uml', kernel: '6.1.176', link: { serverToClient: { lossPct: 1 } }, captureWarnings: [] });
    expect(data.replay).toBe('npx aeronet run --layer netem --backend uml --scenario netem/h1-loss-download --seed 3');
    expect(String(data['determinism'])).toMatch(/not bit-for-bit/);
  });

  it('says why a capture is missing instead of inventing one', () => {
    const dir = writeNetemArtifact(result({ client: null, server: null, note: 'tcpdump in aeronet-c-r0 exited: no such device' }), root, new Date(Date.UTC(2026, 11, 3, 15, 0, 1)));
    expect(existsSync(path.join(dir, 'client.pcap'))).toBe(false);
    expect(readManifestBase(dir).data.captureWarnings).toEqual(['no server-side capture: tcpdump in aeronet-c-r0 exited: no such device', 'no client-side capture: tcpdump in aeronet-c-r0 exited: no such device']);
  });
});
