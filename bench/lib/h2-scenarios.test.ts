import { describe, expect, it } from 'vitest';
import { BenchError } from './bench-support.js';
import { parsePeerList } from './h2-peers.js';
import { bytesSizes, extraHeaders, H2_SCENARIOS, h2loadArgs, pickScenarios } from './h2-scenarios.js';

describe('the h2load scenario matrix', () => {
  it('covers every factor the programme names, each id once', () => {
    const ids = H2_SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const streams = new Set(H2_SCENARIOS.filter((s) => s.path === '/hello' && s.clients === 16 && !s.tls && !s.extraHeaders).map((s) => s.streams));
    expect([...streams].sort((a, b) => a - b)).toEqual([1, 32, 100]);
    expect(new Set(H2_SCENARIOS.filter((s) => s.streams === 32 && s.path === '/hello').map((s) => s.clients))).toEqual(new Set([1, 16, 64]));
    expect(new Set(H2_SCENARIOS.filter((s) => s.method === 'GET').map((s) => s.responseBytes))).toEqual(new Set([13, 16 * 1024, 1024 * 1024]));
    expect(H2_SCENARIOS.filter((s) => s.method === 'POST').map((s) => s.requestBody)).toEqual([0, 64 * 1024]);
    expect(H2_SCENARIOS.some((s) => s.extraHeaders === 30)).toBe(true);
    expect(H2_SCENARIOS.some((s) => s.tls === true)).toBe(true);
    expect(bytesSizes(H2_SCENARIOS).sort((a, b) => a - b)).toEqual([16 * 1024, 1024 * 1024]);
  });

  it('builds h2load arguments: an empty POST without -d (h2load cannot mmap an empty file), 30 -H headers', () => {
    const post0 = H2_SCENARIOS.find((s) => s.id === 'post-0')!;
    expect(h2loadArgs(post0, 4, null)).toEqual(['-c16', '-m32', '-D4', '-H', ':method: POST', '-H', 'content-type: application/octet-stream']);
    const post64 = H2_SCENARIOS.find((s) => s.id === 'post-64k')!;
    expect(h2loadArgs(post64, 4, '/tmp/b')).toContain('-d');
    expect(() => h2loadArgs(post64, 4, null)).toThrow(/body file/);
    const headers = h2loadArgs(H2_SCENARIOS.find((s) => s.id === 'headers-30')!, 4, null);
    expect(headers.filter((a) => a === '-H').length).toBe(30);
    expect(new Set(extraHeaders(30).map(([n]) => n)).size).toBe(30);
    expect(h2loadArgs(H2_SCENARIOS.find((s) => s.id === 'body-1m')!, 4, null)).toContain('-w20');
  });

  it('refuses unknown scenario ids and peer lists without the two sides of the ratio', () => {
    expect(pickScenarios('streams-1,tls-hello').map((s) => s.id)).toEqual(['streams-1', 'tls-hello']);
    expect(() => pickScenarios('nope')).toThrow(BenchError);
    expect(() => pickScenarios(',')).toThrow(/needs scenario ids/);
    expect(parsePeerList('aeronet, node:http2,nghttpd')).toEqual(['aeronet', 'node:http2', 'nghttpd']);
    expect(() => parsePeerList('aeronet,nginx')).toThrow(/unknown peer "nginx"/);
    expect(() => parsePeerList('aeronet,nghttpd')).toThrow(/must include aeronet and node:http2/);
  });
});
