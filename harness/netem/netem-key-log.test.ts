import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifestBase } from '../artifacts/artifact-folder.js';
import { KEYLOG_FILE } from '../artifacts/key-log-artifact.js';
import { writeNetemArtifact } from './netem-artifact.js';
import type { NetemRunResult } from './run-netem-scenario.js';

/**
 * The netem layer's TLS scenarios (netem/tls-*) run `aeronet serve` through the same
 * startServeProcess as the proxy layer, so AERONET_TLS_KEYLOG=1 gives them --tls-keylog too; the
 * artifact keeps the key log beside capture.pcap and client.pcap (the kernel's captures on each
 * veth end). A run in User-Mode Linux is too slow for this suite, so the artifact is checked
 * from a recorded result.
 */
const root = mkdtempSync(path.join(tmpdir(), 'aeronet-netem-keylog-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const result = (keyLog: string | null): NetemRunResult => ({
  layer: 'netem', scenario: 'netem/tls-handshake-loss', seed: 1, ok: false, failure: { kind: 'expectation', message: 'x' }, durationMs: 1,
  backend: 'uml', kernel: '6.1.176', link: {}, commands: [], notes: [], serverLog: [], serverCommand: ['aeronet', 'serve', '--tls-keylog', '/tmp/x/tls-keys.log'], tls: true,
  registry: { baseline: null, final: null }, captures: { client: null, server: null, note: 'none' }, keyLog,
});

describe('netem artifacts: the TLS key log', () => {
  it('is written as tls-keys.log (mode 0600) and named in the manifest when the run has one', () => {
    const dir = writeNetemArtifact(result('CLIENT_TRAFFIC_SECRET_0 aa bb\n'), root);
    expect(readFileSync(path.join(dir, KEYLOG_FILE), 'utf8')).toBe('CLIENT_TRAFFIC_SECRET_0 aa bb\n');
    expect(statSync(path.join(dir, KEYLOG_FILE)).mode & 0o777).toBe(0o600);
    expect(readManifestBase(dir).data['keylog']).toBe(KEYLOG_FILE);
  });

  it('is absent otherwise', () => {
    const dir = writeNetemArtifact(result(null), path.join(root, 'off'));
    expect(existsSync(path.join(dir, KEYLOG_FILE))).toBe(false);
    expect(readManifestBase(dir).data).not.toHaveProperty('keylog');
  });
});
