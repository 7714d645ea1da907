import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../model.js';
import { wireToPcap } from '../../artifacts/wire-to-pcap.js';
import { lines, tshark } from '../../artifacts/test-support/tshark.js';
import { TcpProxyRuntime } from './proxy-runtime.js';
import { toxic } from './test-support.js';

const dir = mkdtempSync(path.join(tmpdir(), 'aeronet-wire-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One GET through a runtime with the wire tap on, against a node:http upstream. */
async function capturedExchange(withToxic: boolean): Promise<{ events: WireEvent[]; body: string }> {
  const upstream = http.createServer((_req, res) => res.end('x'.repeat(5000)));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const events: WireEvent[] = [];
  const rt = new TcpProxyRuntime('p1', `127.0.0.1:${(upstream.address() as AddressInfo).port}`, { seed: 's', onDecision: () => {}, onWire: (e) => events.push(e) });
  if (withToxic) rt.addToxic(toxic('slicer', 'downstream', { average_size: 100, size_variation: 50, delay: 0 }));
  const port = Number((await rt.start('127.0.0.1:0')).split(':').pop());
  const body = await new Promise<string>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/x', agent: false, headers: { connection: 'close' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s)).on('end', () => resolve(text));
    }).on('error', reject);
  });
  await new Promise((r) => setTimeout(r, 100));
  await rt.stop();
  await new Promise<void>((r) => upstream.close(() => r()));
  return { events, body };
}

describe('the wire tap (ProxyRuntimeOptions.onWire) and wireToPcap', () => {
  it('records both legs: opens with real endpoints, the same bytes on each leg, and the closes', async () => {
    const { events, body } = await capturedExchange(false);
    expect(body).toHaveLength(5000);
    const opens = events.filter((e) => e.kind === 'open');
    expect(opens.map((e) => e.leg)).toEqual(['client', 'server']);
    for (const o of opens) expect(o.endpoints!.clientPort).toBeGreaterThan(0);
    const bytes = (leg: string, from: string) => Buffer.concat(events.filter((e) => e.kind === 'data' && e.leg === leg && e.from === from).map((e) => e.bytes!));
    // What the client sent is what the proxy wrote to the server, and the other way round.
    expect(bytes('client', 'client').equals(bytes('server', 'client'))).toBe(true);
    expect(bytes('server', 'server').equals(bytes('client', 'server'))).toBe(true);
    expect(bytes('client', 'client').toString()).toMatch(/^GET \/x HTTP\/1\.1\r\n/);
    expect(events.some((e) => e.kind === 'fin' && e.leg === 'server')).toBe(true);
    expect(events.some((e) => e.kind === 'fin' && e.leg === 'client')).toBe(true);
    // Real wall-clock times, in order of recording.
    expect(Math.abs(events[0]!.at - Date.now())).toBeLessThan(10_000);
  });

  it('makes a pcap tshark decodes as HTTP on both legs, with no TCP analysis warnings', async () => {
    const { events } = await capturedExchange(true);
    const { pcap, warnings } = wireToPcap(events, { serverPort: 80 });
    expect(warnings).toEqual([]);
    const file = path.join(dir, 'capture.pcap');
    writeFileSync(file, pcap);
    const http = lines(tshark(['-r', file, '-Y', 'http', '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'http.request.method', '-e', 'http.response.code']));
    // GET client -> proxy, GET proxy -> server, 200 server -> proxy, 200 proxy -> client.
    expect(http).toContain('10.0.1.2\t10.0.1.3\tGET\t');
    expect(http).toContain('10.0.1.3\t10.0.1.1\tGET\t');
    expect(http).toContain('10.0.1.1\t10.0.1.3\t\t200');
    expect(http).toContain('10.0.1.3\t10.0.1.2\t\t200');
    expect(tshark(['-r', file, '-Y', 'tcp.analysis.flags', '-T', 'fields', '-e', 'frame.number']).trim()).toBe('');
  });

  it('reports an event that cannot be represented as a warning instead of throwing', () => {
    const { warnings } = wireToPcap([{ at: 1, proxy: 'p', connection: 1, leg: 'client', kind: 'data', from: 'client', bytes: Buffer.from('x') }], { serverPort: 80 });
    expect(warnings).toEqual(['p/1/client data from client: event before the leg opened']);
  });
});
