import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findProxyScenario } from '../../../scenarios/proxy/index.js';
import { KEYLOG_ENV, KEYLOG_FILE } from '../../artifacts/key-log-artifact.js';
import { tshark } from '../../artifacts/test-support/tshark.js';
import { writeProxyArtifact } from './proxy-artifact.js';
import { runProxyScenario } from './run-proxy-scenario.js';

/**
 * The proxy layer's key log pass-through: with AERONET_TLS_KEYLOG=1, `aeronet serve` runs with
 * --tls-keylog, and the artifact keeps the file as tls-keys.log (named in the manifest), which
 * decrypts the two-leg capture.pcap the proxy's relayed bytes make.
 */
process.env['AERONET_CLI'] = inject('aeronetCli');
const root = mkdtempSync(path.join(tmpdir(), 'aeronet-proxy-keylog-'));
afterAll(() => {
  delete process.env[KEYLOG_ENV];
  rmSync(root, { recursive: true, force: true });
});

describe('proxy layer: TLS key log in the artifact', () => {
  it('tls-h2-latency-alpn: the capture decrypts to HTTP/2 with tls-keys.log, not without', async () => {
    process.env[KEYLOG_ENV] = '1';
    const result = await runProxyScenario(findProxyScenario('proxy/tls-h2-latency-alpn')!, 1, { env: { ...process.env, AERONET_TCPDUMP: '0' } });
    expect(result.ok, JSON.stringify(result.failure)).toBe(true);
    expect(result.serverCommand).toContain('--tls-keylog');
    expect(result.keyLog).toMatch(/^CLIENT_TRAFFIC_SECRET_0 /m);
    const dir = writeProxyArtifact(result, root);
    expect(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).toMatchObject({ keylog: KEYLOG_FILE });
    const pcap = path.join(dir, 'capture.pcap');
    const headers = tshark(['-r', pcap, '-o', `tls.keylog_file:${path.join(dir, KEYLOG_FILE)}`, '-Y', 'http2.type == 1']);
    expect(headers).toMatch(/HEADERS/);
    expect(tshark(['-r', pcap, '-Y', 'http2'])).toBe('');
  });
});
