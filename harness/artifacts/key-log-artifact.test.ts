import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import tlsChoppyPipelined from '../../scenarios/tls/choppy-pipelined.js';
import h2TlsAlpnH2 from '../../scenarios/h2/tls-alpn-h2.js';
import { runScenario } from '../runner/run-scenario.js';
import { writeArtifact } from './write-artifact.js';
import { KEYLOG_FILE, keyLogRequested } from './key-log-artifact.js';
import { tshark as runTshark } from './test-support/tshark.js';

/**
 * The sim layer's key log pass-through: a tls/ scenario run with the key log on writes
 * tls-keys.log next to its synthesized capture.pcap, the manifest names it, and tshark decrypts
 * the capture with it (and only with it).
 */

const root = mkdtempSync(path.join(tmpdir(), 'aeronet-keylog-artifact-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tshark(dir: string, filter: string, withKeys: boolean): string {
  const args = ['-r', path.join(dir, 'capture.pcap'), ...(withKeys ? ['-o', `tls.keylog_file:${path.join(dir, KEYLOG_FILE)}`] : []), '-Y', filter];
  return runTshark(args);
}

describe('TLS key log in sim artifacts', () => {
  it('AERONET_TLS_KEYLOG: only 1, true or yes turn it on', () => {
    expect(keyLogRequested({})).toBe(false);
    expect(keyLogRequested({ AERONET_TLS_KEYLOG: '0' })).toBe(false);
    expect(keyLogRequested({ AERONET_TLS_KEYLOG: '1' })).toBe(true);
    expect(keyLogRequested({ AERONET_TLS_KEYLOG: 'yes' })).toBe(true);
  });

  it('HTTP/1.1 over TLS: tshark shows the decrypted requests with tls-keys.log, and none without it', async () => {
    const result = await runScenario(tlsChoppyPipelined, 1, { keyLog: true });
    expect(result.ok).toBe(true);
    expect(result.keyLog).toMatch(/^(CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET|CLIENT_RANDOM) [0-9a-f]{64} [0-9a-f]+$/m);
    const dir = writeArtifact(result, root);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { keylog?: string };
    expect(manifest.keylog).toBe(KEYLOG_FILE);
    expect(readFileSync(path.join(dir, KEYLOG_FILE), 'utf8')).toBe(result.keyLog);
    const decrypted = tshark(dir, 'http.request', true);
    expect(decrypted).toContain('GET /hello HTTP/1.1');
    expect(decrypted).toContain('POST /echo HTTP/1.1');
    expect(tshark(dir, 'http', false)).toBe('');
    expect(tshark(dir, 'tls', false)).not.toBe('');
  });

  it('HTTP/2 over TLS: -Y http2 shows the decrypted HEADERS', async () => {
    const result = await runScenario(h2TlsAlpnH2, 1, { keyLog: true });
    expect(result.ok).toBe(true);
    const dir = writeArtifact(result, root);
    expect(tshark(dir, 'http2.type == 1', true)).toMatch(/HEADERS/);
    expect(tshark(dir, 'http2', false)).toBe('');
  });

  it('off: no key log, no file, no manifest entry', async () => {
    const result = await runScenario(tlsChoppyPipelined, 2, { keyLog: false });
    expect(result.keyLog).toBeNull();
    const dir = writeArtifact(result, root);
    expect(existsSync(path.join(dir, KEYLOG_FILE))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).not.toHaveProperty('keylog');
  });
});
