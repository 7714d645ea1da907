import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { timelinesFor } from '../write-html.js';
import type { RunReport } from '../report-model.js';
import { buildTimeline } from './build-timeline.js';
import { corruptCapture, NETEM_RESPONSE, PROXY_REQUEST, PROXY_RESPONSE, SIM_REQUEST, SIM_RESPONSE, writeNetemFolder, writeProxyFolder, writeSimFolder } from './test-support/synth-folders.js';
import type { Timeline, TimelineArrow } from './timeline.js';

const root = mkdtempSync(path.join(tmpdir(), 'aeronet-timeline-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const pick = (a: TimelineArrow) => ({ from: a.from, sendMs: a.sendMs, arriveMs: a.arriveMs, length: a.length, flags: a.flags, sendTiming: a.sendTiming });
const faultsOf = (t: Timeline, kind: string) => t.faults.filter((f) => f.kind === kind);

describe('buildTimeline: sim', () => {
  const dir = writeSimFolder(path.join(root, 'sim'));

  it('draws each delivery from the capture, at its arrival, sent the base latency earlier', async () => {
    const t = await buildTimeline(dir, { layer: 'sim', scenario: '?', seed: 0 });
    expect(t).toMatchObject({ layer: 'sim', scenario: 'test/sim-synth', seed: 3, origin: expect.stringMatching(/virtual time 0/) });
    expect(t.connections.map((c) => [c.index, c.protocol])).toEqual([[1, 'http/1.1'], [2, 'http/1.1']]);
    const c1 = t.arrows.filter((a) => a.connection === 1);
    expect(c1.map(pick)).toEqual([
      { from: 'client', sendMs: 0, arriveMs: 0, length: 0, flags: ['SYN'], sendTiming: 'flat' },
      { from: 'server', sendMs: 0, arriveMs: 0, length: 0, flags: ['SYN', 'ACK'], sendTiming: 'flat' },
      { from: 'client', sendMs: 6, arriveMs: 10, length: 10, flags: [], sendTiming: 'estimated' },
      { from: 'client', sendMs: 8, arriveMs: 12, length: SIM_REQUEST.length - 10, flags: [], sendTiming: 'estimated' },
      { from: 'server', sendMs: 18, arriveMs: 20, length: SIM_RESPONSE.length, flags: [], sendTiming: 'estimated' },
    ]);
    // The request line is on the segment that completed its head; the status line on the answer.
    expect(c1[2]!.labels).toEqual([]);
    expect(c1[3]!.labels).toEqual(['GET /x HTTP/1.1']);
    expect(c1[4]!.labels).toEqual(['HTTP/1.1 200 OK (2 B body)']);
    const rst = t.arrows.find((a) => a.flags.includes('RST'))!;
    expect(pick(rst)).toEqual({ from: 'client', sendMs: 38, arriveMs: 38, length: 0, flags: ['RST'], sendTiming: 'flat' });
    expect(rst.connection).toBe(2);
    expect(t.params[0]).toMatch(/^c1 c->s: segments ≤ 10 B, latency 4 ms \+ jitter ≤ 1 ms, stall 10 % × 1.5 ms/);
  });

  it('marks the stall on the delivery it held, the split, the reset point, the reset and the EAGAIN', async () => {
    const t = await buildTimeline(dir, { layer: 'sim', scenario: '?', seed: 0 });
    const second = t.arrows.find((a) => a.connection === 1 && a.arriveMs === 12)!;
    expect(faultsOf(t, 'stall')).toEqual([expect.objectContaining({ atMs: 10.5, untilMs: 12, side: 'server', connection: 1, arrow: second.id })]);
    expect(faultsOf(t, 'split')).toEqual([expect.objectContaining({ connection: 1, arrow: second.id, text: 'GET /x HTTP/1.1: arrived in 2 segments' })]);
    expect(faultsOf(t, 'reset').map((f) => [f.connection, f.side, f.text])).toEqual([
      [2, 'client', 'reset point: 28 B sent c->s, the client resets'],
      [2, 'client', 'c2 reset by the client'],
    ]);
    expect(faultsOf(t, 'syscall')).toEqual([expect.objectContaining({ atMs: 20, side: 'client', text: 'EAGAIN on read (s->c)' })]);
  });

  it('falls back to events.log when the capture is corrupt, and says so', async () => {
    const broken = writeSimFolder(path.join(root, 'sim-broken'));
    corruptCapture(broken);
    const t = await buildTimeline(broken, { layer: 'sim', scenario: '?', seed: 0 });
    expect(t.notes.some((n) => /capture\.pcap could not be read: .*not a pcap file/.test(n))).toBe(true);
    expect(t.source).toMatch(/^events\.log/);
    expect(t.arrows.map((a) => [a.connection, a.from, a.length, a.flags.join(), a.arriveMs])).toEqual([
      [1, 'client', 0, 'SYN', 0], [1, 'client', 10, '', 10], [1, 'client', 18, '', 12], [1, 'server', 40, '', 20],
      [2, 'client', 0, 'SYN', 30], [2, 'client', 28, '', 35], [2, 'client', 0, 'RST', 38],
    ]);
    expect(t.arrows[1]!.sendMs).toBe(6);
    expect(faultsOf(t, 'stall')).toHaveLength(1);
  });

  it('never throws: a folder with no manifest gives a timeline that says why', async () => {
    const t = await buildTimeline(path.join(root, 'nothing-here'), { layer: 'proxy', scenario: 'a/b', seed: 9 });
    expect(t).toMatchObject({ layer: 'proxy', scenario: 'a/b', seed: 9, arrows: [] });
    expect(t.notes[0]).toMatch(/^no timeline: cannot read .*manifest\.json/);
  });
});

describe('buildTimeline: proxy', () => {
  const dir = writeProxyFolder(path.join(root, 'proxy'));

  it('turns both legs into client/server arrows: sent when the proxy read, arrived when it wrote', async () => {
    const t = await buildTimeline(dir, { layer: 'proxy', scenario: '?', seed: 0 });
    expect(t.connections).toEqual([expect.objectContaining({ index: 1, protocol: 'http/1.1' })]);
    const up = t.arrows.filter((a) => a.from === 'client');
    expect(up.map(pick)).toEqual([
      // The client's SYN reaches the server when the proxy dials it.
      { from: 'client', sendMs: 0, arriveMs: 1, length: 0, flags: ['SYN'], sendTiming: 'captured' },
      // One read of the request, written as two slices.
      { from: 'client', sendMs: 2, arriveMs: 5, length: 12, flags: [], sendTiming: 'captured' },
      { from: 'client', sendMs: 2, arriveMs: 6, length: PROXY_REQUEST.length - 12, flags: [], sendTiming: 'captured' },
      // The proxy closes the server's leg itself.
      { from: 'client', sendMs: 27, arriveMs: 27, length: 0, flags: ['FIN'], sendTiming: 'flat' },
    ]);
    expect(up[2]!.labels).toEqual(['GET /big HTTP/1.1']);
    expect(up[3]!.origin).toBe('proxy');
    const down = t.arrows.filter((a) => a.from === 'server');
    const delivered = down.find((a) => a.length === 45)!;
    expect(pick(delivered)).toEqual({ from: 'server', sendMs: 10, arriveMs: 25, length: 45, flags: [], sendTiming: 'captured' });
    expect(delivered.labels).toEqual(['HTTP/1.1 200 OK (50 B body)']);
    // What limit_data kept back never arrives.
    const lost = down.find((a) => a.arriveMs === null)!;
    expect(pick(lost)).toEqual({ from: 'server', sendMs: 10, arriveMs: null, length: PROXY_RESPONSE.length - 45, flags: [], sendTiming: 'captured' });
    expect(down.find((a) => a.flags.includes('SYN'))).toMatchObject({ origin: 'proxy', sendTiming: 'flat', arriveMs: 0 });
  });

  it('marks every decision: slices on the segments they cut, the jitter on the read it delayed, the draws, the toxics', async () => {
    const t = await buildTimeline(dir, { layer: 'proxy', scenario: '?', seed: 0 });
    const slices = faultsOf(t, 'split').filter((f) => /slice of/.test(f.text));
    expect(slices.map((f) => [t.arrows[f.arrow!]!.length, f.text])).toEqual([[12, 'slicer_upstream: slice of 12 B'], [18, 'slicer_upstream: slice of 18 B']]);
    expect(faultsOf(t, 'split').some((f) => f.text === 'GET /big HTTP/1.1: arrived in 2 segments')).toBe(true);
    const delay = faultsOf(t, 'delay');
    expect(delay).toEqual([expect.objectContaining({ atMs: 10, side: 'server', text: 'latency_downstream: held 15 ms (latency 20, jitter -5)' })]);
    expect(t.arrows[delay[0]!.arrow!]!.sendMs).toBe(10);
    expect(faultsOf(t, 'drop')).toEqual([expect.objectContaining({ side: 'server', text: `${PROXY_RESPONSE.length - 45} B the server sent never reached the client: held or discarded by the proxy` })]);
    // The clocks: decisions are 100 ms behind the capture's, the API log 50 ms behind those.
    const toxics = faultsOf(t, 'toxic');
    expect(toxics.map((f) => [f.atMs, f.text.split(' (')[0]])).toEqual([
      [0, 'slicer_upstream acts on c1 upstream'],
      [0, 'latency_downstream acts on c1 downstream'],
      [-10, 'toxic-added limit_data_downstream {"type":"limit_data"}'],
    ].sort((a, b) => (a[0] as number) - (b[0] as number)));
    expect(t.params).toContain('toxic limit_data downstream: bytes 45 (added 12.0 ms into the run)');
  });
});

describe('buildTimeline: netem', () => {
  const dir = writeNetemFolder(path.join(root, 'netem'));

  it('reads the drop, the repeated ACKs and the retransmissions off the capture, as inferred', async () => {
    const t = await buildTimeline(dir, { layer: 'netem', scenario: '?', seed: 0 });
    const data = t.arrows.filter((a) => a.from === 'server' && a.length > 0);
    expect(data.map((a) => [a.offset, a.length, a.arriveMs, a.sendMs])).toEqual([[0, 100, 40, 35], [200, 90, 41, 36], [100, 100, 60, 55], [200, 90, 70, 65], [200, 90, 70.5, 65.5]]);
    expect(data[0]!.labels).toEqual([`HTTP/1.1 200 OK (250 B body)`]);
    expect(NETEM_RESPONSE.length).toBe(290);
    const inferred = t.faults.filter((f) => f.inferred);
    expect(inferred.map((f) => [f.kind, f.arrow === undefined ? null : t.arrows.find((a) => a.id === f.arrow)!.arriveMs, f.side])).toEqual([
      ['drop', 41, 'server'],
      ['dup-ack', null, 'client'],
      ['retransmit', 60, 'server'],
      ['retransmit', 70, 'server'],
      ['duplicate', 70.5, 'server'],
    ]);
    expect(inferred[0]!.text).toBe('100 B missing before this segment (offset 100): lost before the capture point');
    expect(inferred[1]).toMatchObject({ atMs: 51, text: '2 duplicate ACKs from the client for offset 100: it is missing the bytes from there' });
    expect(inferred[2]!.text).toMatch(/^fills the gap at offset 100/);
    expect(t.params).toEqual(expect.arrayContaining(['c->s: delayMs 5', 's->c: delayMs 5, lossPct 30', 'tc -n s qdisc add dev as root handle 1: netem delay 5ms loss 30%']));
    // Pure ACKs are counted, not drawn.
    expect(t.pureAcks).toBe(4);
  });

  it('says so when the capture is empty (a netem guest that failed) and draws nothing', async () => {
    const empty = writeNetemFolder(path.join(root, 'netem-empty'));
    writeFileSync(path.join(empty, 'capture.pcap'), Buffer.alloc(0));
    const t = await buildTimeline(empty, { layer: 'netem', scenario: '?', seed: 0 });
    expect(t.arrows).toEqual([]);
    expect(t.notes).toEqual(expect.arrayContaining(['capture.pcap is empty (nothing was captured)', 'nothing to draw: no segments or deliveries were found']));
  });
});

describe('timelinesFor', () => {
  it('builds one per failed run with a folder, relative to the report folder, and tolerates a missing one', async () => {
    writeSimFolder(path.join(root, 'report', 'art', 'sim'));
    const run = (scenario: string, verdict: 'passed' | 'failed', artifactDir: string | null) => ({ layer: 'sim' as const, scenario, seed: 3, verdict, durationMs: 1, failure: null, artifactDir, replay: 'x' });
    const report: RunReport = {
      tool: 'aeronet', version: '0', gitCommit: null, startedAt: '', command: '', shard: null, layers: [], matrices: [],
      runs: [run('a', 'failed', 'art/sim'), run('b', 'passed', null), run('c', 'failed', 'art/missing'), run('d', 'failed', null)],
    };
    const map = await timelinesFor(report, path.join(root, 'report'));
    expect([...map.keys()]).toEqual(['sim|a|3', 'sim|c|3']);
    expect(map.get('sim|a|3')!.arrows.length).toBeGreaterThan(5);
    expect(map.get('sim|c|3')!.notes[0]).toMatch(/^no timeline: cannot read/);
  });
});
