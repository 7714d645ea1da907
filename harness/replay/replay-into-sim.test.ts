import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findScenario } from '../../scenarios/index.js';
import { runScenario, type ScenarioResult } from '../runner/run-scenario.js';
import { captureToPcap } from '../artifacts/capture-to-pcap.js';
import { exitCode, renderReport } from '../../cli/replay-pcap-command.js';
import { readPcap, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './pcap-reader.js';
import { replayCapture, replayPcapFile, ReplaySelectionError } from './replay-into-sim.js';
import { ipv4Tcp, pcapFile, type Record as PcapRecord } from './test-support/build-pcap.js';

const dir = mkdtempSync(path.join(tmpdir(), 'aeronet-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sim run's synthesized RAW capture (harness/artifacts/capture-to-pcap.ts, as in every sim artifact), as a file. */
async function simCapture(scenario: string, seed: number): Promise<{ result: ScenarioResult; file: string }> {
  const result = await runScenario(findScenario(scenario)!, seed);
  const { pcap, warnings } = captureToPcap(result.capture);
  expect(warnings).toEqual([]);
  const file = path.join(dir, `${scenario.replace('/', '_')}-${seed}.pcap`);
  writeFileSync(file, pcap);
  return { result, file };
}

describe('replay of aeronet\'s own synthesized RAW captures', () => {
  it('HTTP/1.1 pipelining with HEAD: the same chunks reach the server, which answers as in the recorded run; two replays, one hash', async () => {
    const { result, file } = await simCapture('h1/pipelining-head-get-mix', 3);
    expect(result.ok).toBe(true);
    const report = await replayPcapFile(file);
    expect(report.capture).toMatchObject({ linkType: 101, connections: 1, skipped: {} });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(exitCode(report)).toBe(0);
    const c = report.connections[0]!;
    const delivered = result.capture.filter((e) => e.connection === 1 && e.from === 'client' && e.kind === 'data');
    expect(c).toMatchObject({ sim: 1, protocol: 'http/1.1', handshake: true, chunks: delivered.length, deliveredAsCaptured: true, comparison: 'same', notes: [] });
    // The chunks are the recorded run's deliveries, at their virtual times.
    expect(c.chunkTimesMs).toEqual(delivered.map((e) => e.time).map((t) => Math.round(t * 1000) / 1000));
    expect(c.replay!.requests.some((r) => r.method === 'HEAD')).toBe(true);
    expect(c.replay!.responses.map((r) => r.status)).toEqual(result.responses[0]!.map((r) => r.status));
    expect(c.serverClose!.how).toBe('fin');
    const again = await replayPcapFile(file);
    expect(again.traceHash).toBe(report.traceHash);
    expect(again.trace).toEqual(report.trace);
    expect(renderReport(report)).toMatch(/invariants: hold/);
  });

  it('another capture gives another hash', async () => {
    const a = await replayPcapFile((await simCapture('h1/hello-keep-alive', 1)).file);
    const b = await replayPcapFile((await simCapture('h1/hello-keep-alive', 2)).file);
    expect(a.ok && b.ok).toBe(true);
    expect(a.traceHash).not.toBe(b.traceHash);
  });

  it('HTTP/2 prior knowledge and the h2c Upgrade: requests and answers read from the frames', async () => {
    const h2 = await replayPcapFile((await simCapture('h2/node-client-choppy', 1)).file);
    expect(h2.problems).toEqual([]);
    expect(h2.connections[0]).toMatchObject({ protocol: 'h2c', comparison: 'same' });
    expect(h2.connections[0]!.replay!.responses.length).toBeGreaterThan(0);
    expect(h2.connections[0]!.replay!.requests.every((r) => r.stream !== undefined && r.stream % 2 === 1)).toBe(true);

    const upgrade = await replayPcapFile((await simCapture('h2/h2c-upgrade-choppy', 1)).file);
    expect(upgrade.problems).toEqual([]);
    const u = upgrade.connections[0]!;
    expect(u.replay!.protocol).toBe('h2c-upgrade');
    expect(u.replay!.responses[0]).toMatchObject({ status: 101, interim: true });
    expect(u.replay!.responses.some((r) => r.stream === 1 && r.status === 200)).toBe(true);
    expect(u.comparison).toBe('same');
  });

  it('several connections open in the capture\'s order and at its times; --connection K replays one from time 0', async () => {
    const { result, file } = await simCapture('h1/reset-client-mid-response', 1);
    const opens = result.capture.filter((e) => e.kind === 'open').map((e) => e.time);
    expect(opens.length).toBe(2);
    const all = await replayPcapFile(file);
    expect(all.ok).toBe(true);
    expect(all.connections.map((c) => [c.index, c.sim, c.openAtMs])).toEqual([[1, 1, 0], [2, 2, Math.round((opens[1]! - opens[0]!) * 1000) / 1000]]);
    // The first one's client reset mid-response: replayed, and the server's end closed by it.
    expect(all.connections[0]!.clientEnd!.kind).toBe('rst');
    expect(all.connections[0]!.serverClose!.how).toBe('client-rst');

    const second = await replayPcapFile(file, { connection: 2 });
    expect(second.connections.map((c) => [c.index, c.sim, c.openAtMs])).toEqual([[2, 1, 0]]);
    expect(second.ok).toBe(true);
    await expect(replayPcapFile(file, { connection: 3 })).rejects.toThrow(ReplaySelectionError);
    await expect(replayPcapFile(file, { connection: 3 })).rejects.toThrow(/--connection 3: the capture has 2 TCP connection\(s\) \(1 to 2\)/);
  });

  it('a TLS connection is listed and not replayed, saying why; with nothing else, there is nothing to replay (exit 2)', async () => {
    const report = await replayPcapFile((await simCapture('tls/choppy-pipelined', 2)).file);
    expect(report.replayed).toBe(0);
    expect(report.connections[0]).toMatchObject({ protocol: 'tls', sim: null, replay: null });
    expect(report.connections[0]!.skipped).toMatch(/^TLS \(its first byte is 0x16.*cannot be replayed/);
    expect(report.ok).toBe(true);
    expect(exitCode(report)).toBe(2);
    expect(renderReport(report)).toMatch(/not replayed: TLS[\s\S]*nothing replayed/);
  });

  it('--server-port keeps only the connections on that port', async () => {
    const { file } = await simCapture('h1/hello-keep-alive', 1);
    const report = await replayPcapFile(file, { serverPort: 8080 });
    expect(report.replayed).toBe(0);
    expect(report.connections[0]!.skipped).toBe('not on --server-port 8080');
    expect((await replayPcapFile(file, { serverPort: 80 })).replayed).toBe(1);
  });
});

describe('a misbehaving server fails the replay, naming the broken rule', () => {
  it('a handler that never answers: the connection never closes, and the invariants say so (exit 1)', async () => {
    const { file } = await simCapture('h1/hello-keep-alive', 1);
    const report = await replayPcapFile(file, { server: { handler: () => new Promise(() => {}) } });
    expect(report.ok).toBe(false);
    expect(report.failure?.kind).toBe('hang');
    expect(report.invariants.some((p) => /c1: the server's end is still open after teardown/.test(p))).toBe(true);
    expect(exitCode(report)).toBe(1);
    expect(renderReport(report)).toMatch(/SERVER MISBEHAVED:\n {2}- the replay hung/);
  });
});

describe('what reassembly met is reported per connection', () => {
  const C = '10.9.0.2';
  const S = '10.9.0.1';
  const at = (ms: number) => ({ seconds: 100 + Math.floor(ms / 1000), fraction: Math.round((ms % 1000) * 1000) });
  const rec = (ms: number, data: Buffer): PcapRecord => ({ ...at(ms), data });
  const c = (seq: number, flags: number, payload = '') => ipv4Tcp(C, S, { srcPort: 50000, dstPort: 8080, seq, flags, payload });
  const s = (seq: number, flags: number, payload = '') => ipv4Tcp(S, C, { srcPort: 8080, dstPort: 50000, seq, flags, payload });
  const REQ = 'GET /hello HTTP/1.1\r\nHost: h\r\n\r\n';

  it('retransmission, reordering and a capture that ends before the client closed: notes, and a teardown at the capture\'s end', async () => {
    const capture = await readPcap(pcapFile(101, [
      rec(0, c(1000, TCP_SYN)),
      rec(0.1, s(5000, TCP_SYN | TCP_ACK)),
      rec(0.2, c(1001, TCP_ACK)),
      rec(1, c(1001 + 10, TCP_ACK | 0x08, REQ.slice(10))), // ahead of a hole
      rec(3, c(1001, TCP_ACK | 0x08, REQ.slice(0, 10))), // fills it
      rec(250, c(1001, TCP_ACK | 0x08, REQ.slice(0, 10))), // a spurious retransmission
      rec(900, s(5001, TCP_ACK)), // the capture's last packet
    ]));
    const report = await replayCapture(capture);
    expect(report.problems).toEqual([]);
    const r = report.connections[0]!;
    expect(r.chunkTimesMs).toEqual([3]);
    expect(r.notes.join('\n')).toMatch(/1 retransmitted segment\(s\): 10 byte\(s\)/);
    expect(r.notes.join('\n')).toMatch(/1 segment\(s\) arrived out of order/);
    expect(r.notes.join('\n')).toMatch(/the capture ends without the client's FIN or RST: the replay half-closes it at 900 ms/);
    expect(r.clientEnd).toEqual({ kind: 'teardown', atMs: 900 });
    expect(r.replay!.responses.map((x) => x.status)).toEqual([200]);
    expect(r.comparison).toBeNull();
  });

  it('no SYN: the lower port is the server, and the note says how to override it; a SYN answered by RST is not replayed', async () => {
    const capture = await readPcap(pcapFile(101, [
      rec(0, c(77, TCP_ACK | 0x08, REQ)),
      rec(5, c(77 + REQ.length, TCP_ACK | TCP_FIN)),
      rec(10, ipv4Tcp(C, S, { srcPort: 50001, dstPort: 9, seq: 1, flags: TCP_SYN })),
      rec(10.1, ipv4Tcp(S, C, { srcPort: 9, dstPort: 50001, seq: 0, ack: 2, flags: TCP_RST | TCP_ACK })),
    ]));
    const report = await replayCapture(capture);
    expect(report.connections).toHaveLength(2);
    const [mid, refused] = report.connections;
    expect(mid).toMatchObject({ roles: 'lower-port', handshake: false, server: '10.9.0.1:8080', clientEnd: { kind: 'fin', atMs: 5 } });
    expect(mid!.notes[0]).toMatch(/no SYN from the client.*the lower port: give --server-port if that is wrong/);
    expect(mid!.replay!.responses.map((x) => x.status)).toEqual([200]);
    expect(refused!.skipped).toMatch(/never established: the server answered the SYN with a RST/);
    expect(report.ok).toBe(true);
  });

  it('a hole that never fills: what is stuck behind it is not replayed, and the note says so', async () => {
    const capture = await readPcap(pcapFile(101, [
      rec(0, c(1, TCP_SYN)),
      rec(0.1, s(1, TCP_SYN | TCP_ACK)),
      rec(1, c(2, TCP_ACK | 0x08, REQ)),
      rec(2, c(2 + REQ.length + 50, TCP_ACK | TCP_FIN, 'lost-before-this')),
    ]));
    const report = await replayCapture(capture);
    const r = report.connections[0]!;
    expect(r.notes.join('\n')).toContain(`a hole of 50 byte(s) at stream offset ${REQ.length} never filled (packets missing from the capture): the 16 byte(s) received past it are not replayed`);
    expect(r.bytes).toBe(REQ.length);
    expect(r.clientEnd!.kind).toBe('teardown');
    expect(report.ok).toBe(true);
  });

  it('a client RST is replayed at its time', async () => {
    const capture = await readPcap(pcapFile(101, [
      rec(0, c(1, TCP_SYN)),
      rec(0.1, s(1, TCP_SYN | TCP_ACK)),
      rec(1, c(2, TCP_ACK | 0x08, 'GET /slow?ms=500 HTTP/1.1\r\nHost: h\r\n\r\n')),
      rec(20, c(2 + 38, TCP_RST | TCP_ACK)),
    ]));
    const report = await replayCapture(capture);
    expect(report.problems).toEqual([]);
    const r = report.connections[0]!;
    expect(r.clientEnd).toEqual({ kind: 'rst', atMs: 20 });
    expect(r.serverClose).toMatchObject({ how: 'client-rst', atMs: 20 });
    expect(r.replay!.responses).toEqual([]);
  });
});
