/**
 * End to end: a real exchange with aeronet over a kernel socket on loopback, captured by tcpdump,
 * then replayed into aeronet on the simulation. The replay must see the client's bytes cut as
 * the client wrote them, at the captured times, and get the same answers the real server gave.
 *
 * tcpdump needs root (CAP_NET_RAW). Without it these tests fail, saying so: a silent skip would
 * hide that the replay of real captures is not being tested at all.
 */
import net from 'node:net';
import http2 from 'node:http2';
import { createHash } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loopbackCaptureUnavailable, startLoopbackCapture, type LoopbackCapture } from '../proxy/layer/loopback-capture.js';
import { startTestServer, type TestServer } from '../../server/test-support/test-server.js';
import { parseResponses } from '../http/response-parser.js';
import { readPcapFile, TCP_FIN } from './pcap-reader.js';
import { tcpFlows } from './tcp-flows.js';
import { replayPcapFile } from './replay-into-sim.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 12);

let server: TestServer | null = null;
let capture: LoopbackCapture | null = null;

beforeAll(() => {
  // Only root and tcpdump matter here: AERONET_TCPDUMP=0 (the proxy layer's switch) does not skip this.
  const why = loopbackCaptureUnavailable({});
  if (why !== null) throw new Error(`replay-pcap's end-to-end tests capture with tcpdump on lo, and cannot here: ${why}. Run them as root with tcpdump installed (CI does).`);
});

afterEach(async () => {
  await capture?.stop();
  capture?.discard();
  capture = null;
  await server?.close();
  server = null;
});

/** Poll the capture until it holds a FIN from the server's port and one to it (at most 5 s: a loaded machine is slow, not wrong). */
async function untilBothFins(file: string, port: number): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 25) {
    try {
      const segments = (await readPcapFile(file)).segments.filter((s) => (s.flags & TCP_FIN) !== 0);
      if (segments.some((s) => s.src.port === port) && segments.some((s) => s.dst.port === port)) return;
    } catch {
      // The file may not have its header yet.
    }
    await sleep(25);
  }
}

/** aeronet on a kernel socket (compression off, as on the sim) and tcpdump on its port, listening. */
async function serveAndCapture(): Promise<{ port: number; capture: LoopbackCapture }> {
  server = await startTestServer({ compression: false });
  capture = await startLoopbackCapture([server.port]);
  return { port: server.port, capture };
}

describe('replay-pcap on a tcpdump capture of a real exchange', () => {
  it('HTTP/1.1: pipelined requests split into several writes with pauses replay with the same cuts, times and answers', async () => {
    const { port, capture: cap } = await serveAndCapture();
    const writes = [
      'GET /hello HTTP/1.1\r\nHost: replay\r\n\r\nPOST /ec',
      'ho HTTP/1.1\r\nHost: replay\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello',
      ' world',
      'GET /headers HTTP/1.1\r\nHost: replay\r\nX-Replay: 1\r\n\r\nHEAD /bytes/300 HTTP/1.1\r\nHost: replay\r\n\r\nGET /bytes/70000 HTTP/1.1\r\nHost: replay\r\nConnection: close\r\n\r\n',
    ];
    const pauseMs = 40;
    const received = await new Promise<Buffer>((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      // Each write its own segment, as a client that flushes each piece.
      socket.setNoDelay(true);
      const chunks: Buffer[] = [];
      socket.on('data', (d) => chunks.push(d));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks)));
      socket.once('connect', async () => {
        for (const w of writes) {
          socket.write(w);
          await sleep(pauseMs);
        }
      });
    });
    // The last FIN may still be on its way into the capture.
    await untilBothFins(cap.file, port);
    await cap.stop();
    const real = parseResponses(received, { head: [false, false, false, true, false], closed: true });
    expect(real.responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);

    const flows = tcpFlows((await readPcapFile(cap.file)).segments);
    expect(flows).toHaveLength(1);
    const fromClient = flows[0]!.fromClient;
    expect(flows[0]!.handshake).toBe(true);
    // The capture's delivery chunks are the client's writes, at least the pause apart.
    expect(fromClient.chunks.map((c) => c.bytes.toString('latin1'))).toEqual(writes);
    for (let i = 1; i < fromClient.chunks.length; i++) expect(fromClient.chunks[i]!.atMs - fromClient.chunks[i - 1]!.atMs).toBeGreaterThanOrEqual(pauseMs * 0.75);

    const report = await replayPcapFile(cap.file);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const c = report.connections[0]!;
    expect(c).toMatchObject({ protocol: 'http/1.1', skipped: null, chunks: writes.length, deliveredAsCaptured: true, comparison: 'same' });
    expect(c.replay!.requests.map((r) => `${r.method} ${r.target}`)).toEqual(['GET /hello', 'POST /echo', 'GET /headers', 'HEAD /bytes/300', 'GET /bytes/70000']);
    // The replayed server answers as the real one did: statuses and bodies.
    expect(c.replay!.responses.map((r) => [r.status, r.bodyBytes, r.body])).toEqual(real.responses.map((r) => [r.status, r.body.length, sha(r.body)]));
    expect(c.serverClose!.how).toBe('fin');
    // Deterministic: the same capture, the same trace.
    expect((await replayPcapFile(cap.file)).traceHash).toBe(report.traceHash);
  });

  it('HTTP/2 (node:http2, h2c prior knowledge): the streams replay with the same statuses and bodies', async () => {
    // A capture the kernel dropped packets from is not the exchange (its last segments are simply
    // missing, and the replay rightly says "same as far as captured"); tcpdump counts those drops,
    // so such a capture is taken again, at most twice, and the test says how many it needed.
    const exchange = async () => {
      const { port, capture: cap } = await serveAndCapture();
      const session = http2.connect(`http://127.0.0.1:${port}`);
      const request = (headers: http2.OutgoingHttpHeaders, body?: string) => new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
        const stream = session.request(headers);
        const chunks: Buffer[] = [];
        let status = 0;
        stream.on('response', (h) => (status = Number(h[':status'])));
        stream.on('data', (d: Buffer) => chunks.push(d));
        stream.on('end', () => resolve({ status, body: Buffer.concat(chunks) }));
        stream.on('error', reject);
        stream.end(body);
      });
      const answers = [];
      answers.push(await request({ ':path': '/hello' }));
      await sleep(20);
      // Larger than the initial 65,535-octet window: the client's WINDOW_UPDATEs are replayed too.
      answers.push(...(await Promise.all([request({ ':path': '/bytes/100000' }), request({ ':path': '/echo', ':method': 'POST', 'content-type': 'text/plain' }, 'echo me')])));
      await new Promise<void>((resolve) => session.close(() => resolve()));
      // The server's own close (its FIN after GOAWAY or the last response) may still be on its way:
      // wait until the capture (tcpdump -U writes each packet at once) holds a FIN from each side.
      await untilBothFins(cap.file, port);
      const stats = await cap.stop();
      return { cap, answers, dropped: stats?.droppedByKernel ?? 0 };
    };
    let attempt = await exchange();
    const drops: number[] = [attempt.dropped];
    while (attempt.dropped > 0 && drops.length < 3) {
      attempt.cap.discard();
      await server?.close();
      server = null;
      attempt = await exchange();
      drops.push(attempt.dropped);
    }
    expect(attempt.dropped, `tcpdump dropped packets in every capture (${drops.join(', ')}): the machine is too loaded to capture loopback`).toBe(0);
    const { cap, answers } = attempt;

    const report = await replayPcapFile(cap.file);
    expect(report.problems).toEqual([]);
    const c = report.connections[0]!;
    const why = JSON.stringify({ close: c.captured?.close, capturedResets: c.captured?.resets, replayResets: c.replay?.resets, captured: c.captured?.responses.map((r) => [r.stream, r.status, r.complete, r.bodyBytes]), replay: c.replay?.responses.map((r) => [r.stream, r.status, r.complete, r.bodyBytes]), serverClose: c.serverClose });
    expect(c, why).toMatchObject({ protocol: 'h2c', skipped: null, deliveredAsCaptured: true, comparison: 'same' });
    expect(c.replay!.requests.map((r) => `${r.stream} ${r.method} ${r.target}`)).toEqual(['1 GET /hello', '3 GET /bytes/100000', '5 POST /echo']);
    const byStream = new Map(c.replay!.responses.map((r) => [r.stream, r]));
    expect([1, 3, 5].map((s) => [byStream.get(s)!.status, byStream.get(s)!.bodyBytes, byStream.get(s)!.body, byStream.get(s)!.complete]))
      .toEqual(answers.map((a) => [a.status, a.body.length, sha(a.body), true]));
    expect(c.replay!.resets).toEqual([]);
    expect(c.replay!.goaways.map((g) => g.code)).toEqual(['NO_ERROR']);
    expect((await replayPcapFile(cap.file)).traceHash).toBe(report.traceHash);
  });
});
