import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { replayPcapFile } from './replay-into-sim.js';

/**
 * A capture from a real netem run (fixtures/netem-h1-latency-jitter.pcap: tcpdump on the server's
 * veth end in netem/h1-latency-keep-alive, seed 1, User-Mode Linux 6.1: 100 ms ± 19 ms each way,
 * five keep-alive requests, then the runner's follow-up on a new connection). Kernel-level
 * segmentation and timing, replayed into the sim: the same answers, deterministically.
 */
const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'netem-h1-latency-jitter.pcap');

describe('replay-pcap on a capture from a real netem run', () => {
  it('replays both connections with their kernel timing, answers as the captured server did, and repeats exactly', async () => {
    const report = await replayPcapFile(FIXTURE);
    expect(report.capture).toMatchObject({ linkType: 1, connections: 2 });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const [keepAlive, followUp] = report.connections;
    expect(keepAlive!.protocol).toBe('http/1.1');
    expect(keepAlive!.replay!.requests.map((r) => `${r.method} ${r.target}`)).toEqual(['GET /hello', 'GET /bytes/16373', 'GET /bytes/17425', 'GET /bytes/37356', 'GET /bytes/2178']);
    expect(keepAlive!.comparison).toBe('same');
    // One chunk per request, each a round trip or more after the one before (100 ms each way).
    expect(keepAlive!.chunkTimesMs).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(keepAlive!.chunkTimesMs[i]! - keepAlive!.chunkTimesMs[i - 1]!).toBeGreaterThan(150);
    expect(followUp!.replay!.requests.map((r) => r.target)).toEqual(['/hello']);
    expect(followUp!.comparison).toBe('same');
    const again = await replayPcapFile(FIXTURE);
    expect(again.traceHash).toBe(report.traceHash);
  });
});
