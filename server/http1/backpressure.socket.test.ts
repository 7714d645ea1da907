import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { createGunzip } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoRouter, patternByte } from '../demo/demo-routes.js';
import { createServer } from '../server.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { PatternChecker, RawClient, delay, destroyAllClients, eventually, startTappedServer, type TappedServer } from '../test-support/socket-client.js';

let ts: TestServer | null = null;

afterEach(async () => {
  destroyAllClients();
  if (ts !== null) {
    await ts.close();
    expect(ts.server.connectionCount).toBe(0);
    ts = null;
  }
});

const MB = 1024 * 1024;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') g();
}

interface Mem {
  rss: number;
  arrayBuffers: number;
}
function mem(): Mem {
  const m = process.memoryUsage();
  return { rss: m.rss, arrayBuffers: m.arrayBuffers };
}

/**
 * Read a /bytes response from a raw client: the head, then exactly `length` bytes of body,
 * checking the pattern as they arrive (nothing is retained).
 */
function readBytesResponse(c: RawClient, length: number, onChunk?: (received: number) => void): Promise<{ head: string; checker: PatternChecker }> {
  return new Promise((resolve, reject) => {
    const checker = new PatternChecker(patternByte);
    let head: string | null = null;
    let pending = Buffer.alloc(0);
    const socket = c.socket;
    const onData = (chunk: Buffer): void => {
      if (head === null) {
        pending = Buffer.concat([pending, chunk]);
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = pending.subarray(0, end + 4).toString('latin1');
        chunk = pending.subarray(end + 4);
      }
      checker.push(chunk);
      onChunk?.(checker.offset);
      if (checker.offset >= length) done();
    };
    const onClose = (): void => done();
    const done = (): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      if (head === null) reject(new Error('connection closed before the response head'));
      else resolve({ head, checker });
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.resume();
  });
}

describe('response backpressure', () => {
  it('does not buffer a 200 MB response for a client that reads nothing for 1 s, then delivers it intact', async () => {
    ts = await startTestServer();
    const n = 200_000_000;
    const c = await RawClient.connect(ts.port);
    // RawClient listens for 'data'; take the socket over: no reading until we say so.
    c.socket.removeAllListeners('data');
    c.socket.pause();
    gc();
    const before = mem();
    c.write(`GET /bytes/${n} HTTP/1.1\r\nHost: t\r\n\r\n`);
    let peak = before;
    for (let i = 0; i < 10; i++) {
      await delay(100);
      const m = mem();
      peak = { rss: Math.max(peak.rss, m.rss), arrayBuffers: Math.max(peak.arrayBuffers, m.arrayBuffers) };
    }
    // The server must be blocked on the socket, holding at most a few chunks.
    expect(peak.arrayBuffers - before.arrayBuffers).toBeLessThan(32 * MB);
    expect(peak.rss - before.rss).toBeLessThan(64 * MB);
    expect(ts.server.connectionCount).toBe(1);

    const { head, checker } = await readBytesResponse(c, n);
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(head).toMatch(/\r\ncontent-length: 200000000\r\n/);
    expect(checker.offset).toBe(n);
    expect(checker.firstMismatch).toBe(-1);
  });

  it('delivers correct bytes to a slow reader that pauses and resumes', async () => {
    ts = await startTestServer();
    const n = 3 * MB + 12345;
    const c = await RawClient.connect(ts.port);
    c.socket.removeAllListeners('data');
    c.socket.pause();
    c.write(`GET /bytes/${n} HTTP/1.1\r\nHost: t\r\n\r\n`);
    let nextPauseAt = 256 * 1024;
    let pauses = 0;
    const { head, checker } = await readBytesResponse(c, n, (received) => {
      if (received >= nextPauseAt && received < n) {
        nextPauseAt += 256 * 1024;
        pauses++;
        c.socket.pause();
        setTimeout(() => c.socket.resume(), 25);
      }
    });
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(checker.offset).toBe(n);
    expect(checker.firstMismatch).toBe(-1);
    expect(pauses).toBeGreaterThanOrEqual(10);
    // The connection is still usable afterwards.
    c.socket.on('data', () => {});
  });

  it('a slow reader of a chunked /stream gets every chunk in order', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.socket.pause();
    c.write('GET /stream?chunks=200&size=10000 HTTP/1.1\r\nHost: t\r\n\r\n');
    const timer = setInterval(() => {
      if (c.socket.isPaused()) c.socket.resume();
      else c.socket.pause();
    }, 20);
    try {
      const [r] = await c.responses(1, { timeoutMs: 10_000 });
      expect(r!.chunked).toBe(true);
      expect(r!.body.length).toBe(2_000_000);
      const checker = new PatternChecker(patternByte);
      checker.push(r!.body);
      expect(checker.firstMismatch).toBe(-1);
    } finally {
      clearInterval(timer);
      c.socket.resume();
    }
  });
});

describe('request backpressure', () => {
  it('stops reading a large upload the handler does not consume, then accepts it all once it does', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let bodyBytes = 0;
    ts = await startTestServer({
      limits: { maxBodyBytes: 200 * MB },
      timeouts: { bodyMs: 0 },
      handler: async (req, res) => {
        await released;
        for await (const chunk of req.body) bodyBytes += chunk.length;
        await res.send(`got ${bodyBytes}\n`);
      },
    });
    const size = 100 * MB;
    const c = await RawClient.connect(ts.port);
    c.write(`POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: ${size}\r\n\r\n`);
    gc();
    const before = mem();
    // Offer the whole body to the socket in 1 MB pieces as fast as it will take them.
    const piece = Buffer.alloc(MB, 0x62);
    let offered = 0;
    const pump = (): void => {
      while (offered < size) {
        offered += piece.length;
        if (!c.socket.write(piece)) {
          c.socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
    await delay(1000);
    const during = mem();
    // The server holds at most its high-water mark; the rest waits in kernel buffers and the client.
    expect(during.arrayBuffers - before.arrayBuffers).toBeLessThan(32 * MB);
    expect(offered).toBeLessThan(size);
    release();
    const [r] = await c.responses(1, { timeoutMs: 15_000 });
    expect(r!.status).toBe(200);
    expect(r!.body.toString()).toBe(`got ${size}\n`);
  });
});

describe('pipelined input bound', () => {
  it('stops reading pipelined input past maxPipelinedBytes while a response is pending', async () => {
    ts = await startTestServer({ maxPipelinedBytes: 4096 });
    const c = await RawClient.connect(ts.port);
    c.write('GET /slow?ms=800 HTTP/1.1\r\nHost: t\r\n\r\n');
    await eventually(() => ts!.server.connectionCount === 1, 1000, 'accepted');
    // 32 MB of pipelined requests: more than kernel buffers hold, so if the server stops
    // reading (as it must while /slow is pending) most of it stays queued in the client.
    const one = Buffer.from('GET /hello HTTP/1.1\r\nHost: t\r\n\r\n', 'latin1');
    const many = Buffer.concat(Array.from({ length: Math.ceil(MB / one.length) }, () => one));
    gc();
    const before = mem();
    for (let i = 0; i < 32; i++) c.socket.write(many);
    await delay(400);
    expect(c.text).toBe(''); // /slow has not answered yet
    expect(c.socket.writableLength).toBeGreaterThan(8 * MB);
    expect(mem().arrayBuffers - before.arrayBuffers).toBeLessThan(32 * MB + 16 * MB);
    const [first] = await c.responses(1, { timeoutMs: 3000 });
    expect(first!.body.toString()).toBe('slept 800 ms\n');
    c.destroy();
  });
});

describe('output backpressure across whole (send) responses', () => {
  let tapped: TappedServer | null = null;
  afterEach(async () => {
    destroyAllClients();
    if (tapped !== null) {
      await tapped.close();
      tapped = null;
    }
  });

  it('stops taking pipelined requests while earlier responses sit unread in its socket buffer', async () => {
    const server = createServer({ handler: createDemoRouter().handle, compression: false });
    tapped = await startTappedServer(server);
    const c = await RawClient.connect(tapped.port);
    c.socket.removeAllListeners('data');
    c.socket.pause(); // never read the responses
    // 100 pipelined POST /echo of 512 KiB each: 50 MiB of responses if all were answered.
    const body = Buffer.alloc(512 * 1024, 0x65);
    const request = Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
    let sent = 0;
    const pump = (): void => {
      while (sent < 100) {
        sent++;
        if (!c.socket.write(request)) {
          c.socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
    await delay(1500);
    const serverSocket = tapped.sockets[0]!;
    // A server with output backpressure holds a bounded amount; one without it queues the lot.
    expect(serverSocket.writableLength).toBeLessThan(8 * MB);
    expect(sent).toBeLessThan(100);
  });

  it('applies sendStallMs to a large send() response the peer never reads', async () => {
    const big = Buffer.alloc(32 * MB, 0x7a);
    const server = createServer({
      handler: (_req, res) => res.send(big),
      compression: false,
      timeouts: { sendStallMs: 300, keepAliveMs: 10_000 },
    });
    tapped = await startTappedServer(server);
    const c = await RawClient.connect(tapped.port);
    c.socket.removeAllListeners('data');
    c.socket.pause();
    c.write('GET /big HTTP/1.1\r\nHost: t\r\n\r\n');
    const started = Date.now();
    await eventually(() => server.connectionCount === 1, 1000, 'accepted');
    // The response cannot leave (32 MiB > kernel buffers): after ~300 ms the peer must be dropped.
    await eventually(() => server.connectionCount === 0, 2000, 'stalled connection dropped').catch(() => undefined);
    expect(server.connectionCount).toBe(0);
    expect(Date.now() - started).toBeLessThan(2500);
  });
});

describe('compressed streaming backpressure', () => {
  let tapped: TappedServer | null = null;
  afterEach(async () => {
    if (tapped !== null) {
      await tapped.close();
      tapped = null;
    }
  });

  it('a gzip-streamed 40 MB text response to a paused node:http client stays bounded, then decodes intact', async () => {
    const piece = Buffer.from(randomBytes(48 * 1024).toString('base64'), 'latin1'); // 64 KiB of poorly compressible text
    const total = 40 * MB;
    const server = createServer({
      handler: async (_req, res) => {
        res.setHeader('content-type', 'text/plain');
        for (let sent = 0; sent < total; sent += piece.length) await res.write(piece.subarray(0, Math.min(piece.length, total - sent)));
        await res.end();
      },
    });
    tapped = await startTappedServer(server);
    const result = await new Promise<{ encoding: string | undefined; decoded: number; match: boolean; stalledQueue: number }>((resolve, reject) => {
      http
        .get(`${tapped!.url}/`, { headers: { 'accept-encoding': 'gzip' }, agent: false }, (res) => {
          res.pause();
          setTimeout(() => {
            const stalledQueue = tapped!.sockets[0]!.writableLength;
            const gunzip = createGunzip();
            let decoded = 0;
            let match = true;
            gunzip.on('data', (d: Buffer) => {
              // Every byte is from `piece`, in order.
              for (let k = 0; k < d.length; k += 4096) {
                const off = (decoded + k) % piece.length;
                const n = Math.min(4096, d.length - k, piece.length - off);
                if (!d.subarray(k, k + n).equals(piece.subarray(off, off + n))) match = false;
              }
              decoded += d.length;
            });
            gunzip.on('end', () => resolve({ encoding: res.headers['content-encoding'], decoded, match, stalledQueue }));
            gunzip.on('error', reject);
            res.pipe(gunzip);
          }, 1000);
        })
        .on('error', reject);
    });
    expect(result.encoding).toBe('gzip');
    expect(result.stalledQueue).toBeLessThan(4 * MB);
    expect(result.decoded).toBe(total);
    expect(result.match).toBe(true);
  });
});
