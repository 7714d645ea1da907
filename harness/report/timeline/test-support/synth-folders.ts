/**
 * Small artifact folders for the timeline's tests, one per layer, written with each layer's own
 * writers where they exist (captureToPcap for the sim, wireToPcap for the proxy, the replay's
 * pcap builder for a kernel-style capture), so the tests read what the layers really write.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { manifestBase, writeArtifactFolder } from '../../../artifacts/artifact-folder.js';
import { captureToPcap } from '../../../artifacts/capture-to-pcap.js';
import { wireToPcap } from '../../../artifacts/wire-to-pcap.js';
import type { WireEvent } from '../../../proxy/model.js';
import { ipv4Tcp, pcapFile } from '../../../replay/test-support/build-pcap.js';
import type { CaptureEvent } from '../../../sim/test-socket.js';

const NOW = new Date(Date.UTC(2026, 11, 3, 12, 0, 0));
const b = (s: string) => Buffer.from(s, 'latin1');

export const SIM_REQUEST = 'GET /x HTTP/1.1\r\nHost: s\r\n\r\n';
export const SIM_RESPONSE = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';

/**
 * A sim run with two connections. c1: the request in two deliveries (a split) with a stall before
 * the second, the answer, an EAGAIN; c2: a request, then the client's reset point. Latency 4 ms
 * client to server, 2 ms back (c2: 3 ms).
 */
export function writeSimFolder(dir: string): string {
  const capture: CaptureEvent[] = [
    { time: 0, connection: 1, kind: 'open', from: 'client' },
    { time: 10, connection: 1, kind: 'data', from: 'client', bytes: b(SIM_REQUEST.slice(0, 10)) },
    { time: 12, connection: 1, kind: 'data', from: 'client', bytes: b(SIM_REQUEST.slice(10)) },
    { time: 20, connection: 1, kind: 'data', from: 'server', bytes: b(SIM_RESPONSE) },
    { time: 30, connection: 2, kind: 'open', from: 'client' },
    { time: 35, connection: 2, kind: 'data', from: 'client', bytes: b(SIM_REQUEST) },
    { time: 38, connection: 2, kind: 'rst', from: 'client' },
  ];
  const events = [
    '     0.000 c1 open',
    '    10.000 c1 c->s data 10 000000000000',
    '    10.500 c1 c->s fault stall 1.5ms',
    '    12.000 c1 c->s data 18 000000000000',
    '    20.000 c1 s->c fault EAGAIN read',
    '    20.000 c1 s->c data 40 000000000000',
    '    30.000 c2 open',
    '    35.000 c2 c->s data 28 000000000000',
    '    38.000 c2 c->s fault reset-after-bytes 28',
    '    38.000 c2 rst from client',
  ];
  const link = (latencyMs: number) => ({ maxSegment: 10, coalesce: 0, latencyMs, jitterMs: 1, stallChance: 0.1, stallMs: 1.5, windowBytes: 65536, resetAfterBytes: null, eagainChance: 0.01, eintrChance: 0, hostile: null });
  const manifest = {
    ...manifestBase('sim', 'test/sim-synth', 3, false, { kind: 'expectation', message: 'synthesized' }, dir, 'npx aeronet run --layer sim --scenario test/sim-synth --seed 3', [], NOW),
    layer: 'sim' as const,
    traceHash: '0',
    virtualMs: 40,
    faults: [
      { connection: 1, clientToServer: link(4), serverToClient: link(2) },
      { connection: 2, clientToServer: { ...link(3), resetAfterBytes: 28 }, serverToClient: link(3) },
    ],
    overrides: {},
  };
  return writeArtifactFolder(dir, manifest, { events, serverLog: [], pcap: captureToPcap(capture).pcap });
}

export const PROXY_REQUEST = 'GET /big HTTP/1.1\r\nHost: p\r\n\r\n';
export const PROXY_RESPONSE = `HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n${'x'.repeat(50)}`;
const EPOCH = 1_764_763_200_000;

/**
 * A proxy run of one connection through a slicer (upstream: the request read once, written in two
 * slices of 12 and 18 B), a latency toxic (20 ms, jitter -5 drawn) and limit_data 45 B downstream,
 * after which the proxy closes both legs.
 */
export function writeProxyFolder(dir: string): string {
  const at = (ms: number) => EPOCH + ms;
  const ends = (clientPort: number) => ({ clientAddress: '127.0.0.1', clientPort, serverAddress: '127.0.0.1', serverPort: 9000 });
  const response = b(PROXY_RESPONSE);
  const wire: WireEvent[] = [
    { at: at(0), proxy: 'p', connection: 1, leg: 'client', kind: 'open', from: 'client', endpoints: ends(50000) },
    { at: at(1), proxy: 'p', connection: 1, leg: 'server', kind: 'open', from: 'client', endpoints: ends(50001) },
    { at: at(2), proxy: 'p', connection: 1, leg: 'client', kind: 'data', from: 'client', bytes: b(PROXY_REQUEST) },
    { at: at(5), proxy: 'p', connection: 1, leg: 'server', kind: 'data', from: 'client', bytes: b(PROXY_REQUEST.slice(0, 12)) },
    { at: at(6), proxy: 'p', connection: 1, leg: 'server', kind: 'data', from: 'client', bytes: b(PROXY_REQUEST.slice(12)) },
    { at: at(10), proxy: 'p', connection: 1, leg: 'server', kind: 'data', from: 'server', bytes: response },
    { at: at(25), proxy: 'p', connection: 1, leg: 'client', kind: 'data', from: 'server', bytes: response.subarray(0, 45) },
    { at: at(26), proxy: 'p', connection: 1, leg: 'client', kind: 'fin', from: 'server' },
    { at: at(27), proxy: 'p', connection: 1, leg: 'server', kind: 'fin', from: 'client' },
  ];
  // Decisions on the proxy's own clock (100 ms behind the capture's first packet here).
  const decisions = [
    { at: 100, proxy: 'p', connection: 1, direction: 'upstream', toxic: 'slicer_upstream', kind: 'toxicity', value: 0.3, active: true },
    { at: 100, proxy: 'p', connection: 1, direction: 'downstream', toxic: 'latency_downstream', kind: 'toxicity', value: 0.2, active: true },
    { at: 105, proxy: 'p', connection: 1, direction: 'upstream', toxic: 'slicer_upstream', kind: 'slice', value: 12 },
    { at: 106, proxy: 'p', connection: 1, direction: 'upstream', toxic: 'slicer_upstream', kind: 'slice', value: 18 },
    { at: 110, proxy: 'p', connection: 1, direction: 'downstream', toxic: 'latency_downstream', kind: 'jitter', value: -5 },
  ];
  const manifest = {
    ...manifestBase('proxy', 'proxy/synth', 2, false, { kind: 'expectation', message: 'cut short' }, dir, 'npx aeronet run --layer proxy --scenario proxy/synth --seed 2', [], NOW),
    layer: 'proxy' as const,
    proxy: { kind: 'aeronet', url: 'http://127.0.0.1:1', seeded: true },
    tls: false,
    toxics: [
      { type: 'latency', stream: 'downstream', attributes: { latency: 20, jitter: 10 }, at: 10 },
      { type: 'slicer', stream: 'upstream', attributes: { average_size: 15, size_variation: 5, delay: 0 }, at: 11 },
      { type: 'limit_data', stream: 'downstream', attributes: { bytes: 45 }, at: 12 },
    ],
    toxicsOverride: null,
    decisions,
    legs: [
      { connection: 1, leg: 'client', ...ends(50000) },
      { connection: 1, leg: 'server', ...ends(50001) },
    ],
  };
  const proxyEvents = [
    { at: 50, kind: 'proxy-created', proxy: 'p', log: 'event' },
    { at: 140, kind: 'toxic-added', proxy: 'p', toxic: 'limit_data_downstream', detail: { type: 'limit_data' }, log: 'event' },
  ];
  return writeArtifactFolder(dir, manifest, {
    events: ['     0.0 ms  proxy up', '    30.0 ms  GET /big: incomplete'],
    serverLog: [],
    pcap: wireToPcap(wire, { serverPort: 80 }).pcap,
    extra: { 'proxy-events.log': proxyEvents.map((e) => JSON.stringify(e)).join('\n') + '\n' },
  });
}

export const NETEM_RESPONSE = `HTTP/1.1 200 OK\r\ncontent-length: 250\r\n\r\n${'y'.repeat(250)}`;

/**
 * A kernel-style capture at the server's end of a lossy link: the response in three segments of
 * which the second was lost before the capture point (a gap), the client's repeated ACKs, the
 * retransmission that fills the gap, a retransmission of bytes already seen, and a copy of it at
 * once (netem duplicate). Times in ms; delay 5 ms each way.
 */
export function writeNetemFolder(dir: string): string {
  const C = '10.201.0.2';
  const S = '10.201.0.1';
  const res = b(NETEM_RESPONSE);
  const c = (seq: number, ack: number, flags: number, payload = '') => ipv4Tcp(C, S, { srcPort: 50000, dstPort: 8080, seq, ack, flags, payload });
  const s = (seq: number, ack: number, flags: number, payload: Buffer | string = '') => ipv4Tcp(S, C, { srcPort: 8080, dstPort: 50000, seq, ack, flags, payload });
  const req = 'GET / HTTP/1.1\r\nHost: n\r\n\r\n';
  const A = 0x10;
  const packets: Array<[number, Buffer]> = [
    [0, c(1000, 0, 0x02)],
    [10, s(5000, 1001, 0x12)],
    [20, c(1001, 5001, A)],
    [30, c(1001, 5001, A | 0x08, req)],
    [40, s(5001, 1001 + req.length, A, res.subarray(0, 100))],
    // res[100, 200) was lost on the way: never captured.
    [41, s(5201, 1001 + req.length, A, res.subarray(200))],
    [50, c(1001 + req.length, 5101, A)],
    [51, c(1001 + req.length, 5101, A)],
    [52, c(1001 + req.length, 5101, A)],
    [60, s(5101, 1001 + req.length, A, res.subarray(100, 200))],
    [70, s(5201, 1001 + req.length, A, res.subarray(200))],
    [70.5, s(5201, 1001 + req.length, A, res.subarray(200))],
    [80, c(1001 + req.length, 5001 + res.length, A | 0x01)],
  ];
  const records = packets.map(([ms, data]) => ({ seconds: 1_764_763_200 + Math.floor(ms / 1000), fraction: Math.round((ms % 1000) * 1000), data }));
  const manifest = {
    ...manifestBase('netem', 'netem/synth', 1, false, { kind: 'expectation', message: 'lossy' }, dir, 'npx aeronet run --layer netem --backend uml --scenario netem/synth --seed 1', [], NOW),
    layer: 'netem' as const,
    backend: 'uml',
    kernel: '6.1',
    tls: false,
    link: { clientToServer: { delayMs: 5 }, serverToClient: { delayMs: 5, lossPct: 30 } },
    commands: [{ line: 'tc -n s qdisc add dev as root handle 1: netem delay 5ms loss 30%', ok: true }],
  };
  mkdirSync(dir, { recursive: true });
  writeArtifactFolder(dir, manifest, { events: ['   100.0 ms  link up'], serverLog: [], pcap: pcapFile(101, records) });
  return dir;
}

/** Overwrite a folder's capture with bytes that are not a pcap. */
export function corruptCapture(dir: string): void {
  writeFileSync(path.join(dir, 'capture.pcap'), Buffer.from('this is not a pcap file at all'));
}
