import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { RawClient, delay, destroyAllClients, eventually } from '../test-support/socket-client.js';

let ts: TestServer | null = null;

afterEach(async () => {
  destroyAllClients();
  if (ts !== null) {
    await ts.close();
    expect(ts.server.connectionCount).toBe(0);
    ts = null;
  }
});

const SHORT = { headersMs: 300, bodyMs: 300, keepAliveMs: 300 };

describe('timeouts over real sockets', () => {
  it('answers a client trickling its header one byte every 100 ms with 408 and closes before the header completes', async () => {
    ts = await startTestServer({ timeouts: SHORT });
    const c = await RawClient.connect(ts.port);
    const header = 'GET /hello HTTP/1.1\r\nHost: example.test\r\nUser-Agent: slowloris\r\n\r\n';
    const started = Date.now();
    const trickling = c.trickle(header, 100);
    const info = await c.waitClosed(3000);
    const elapsed = Date.now() - started;
    await trickling;
    expect(c.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(c.text).toMatch(/\r\nconnection: close\r\n/);
    // The header needs ~6.6 s at this rate; the 300 ms header timeout must cut it short.
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
    expect(info.at).toBeLessThan(2000);
    expect(c.text).not.toContain('hello, world');
    expect(ts.logger.find('http1.header-timeout')).toHaveLength(1);
  });

  it('does not time out a header that arrives in pieces but completes within headersMs', async () => {
    ts = await startTestServer({ timeouts: SHORT });
    const c = await RawClient.connect(ts.port);
    await c.trickle('GET /hello HTTP/1.1\r\nHost: t\r\n\r\n', 40, 10);
    const [r] = await c.responses(1);
    expect(r!.status).toBe(200);
  });

  it('closes an idle keep-alive connection after keepAliveMs', async () => {
    ts = await startTestServer({ timeouts: SHORT });
    const c = await RawClient.connect(ts.port);
    c.write('GET /hello HTTP/1.1\r\nHost: t\r\n\r\n');
    await c.responses(1);
    const answeredAt = Date.now();
    await c.waitClosed(3000);
    const idle = Date.now() - answeredAt;
    expect(idle).toBeGreaterThanOrEqual(200);
    expect(idle).toBeLessThan(1500);
    // Nothing but the one response was sent.
    expect(c.text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    await eventually(() => ts!.server.connectionCount === 0, 1000, 'connection forgotten');
  });

  it('resets the keep-alive timer on each request: requests 200 ms apart keep the connection', async () => {
    ts = await startTestServer({ timeouts: SHORT });
    const c = await RawClient.connect(ts.port);
    for (let i = 1; i <= 4; i++) {
      c.write('GET /hello HTTP/1.1\r\nHost: t\r\n\r\n');
      await c.responses(i);
      await delay(200);
      expect(c.closed).toBe(false);
    }
  });

  it('answers a stalled request body with 408 and closes', async () => {
    ts = await startTestServer({ timeouts: SHORT });
    const c = await RawClient.connect(ts.port);
    const started = Date.now();
    c.write('POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc');
    await c.waitClosed(3000);
    const elapsed = Date.now() - started;
    const [r] = await c.responses(1);
    expect(r!.status).toBe(408);
    expect(r!.header('connection')).toBe('close');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
  });

  it('answers a stalled chunked body with 408', async () => {
    ts = await startTestServer({ timeouts: SHORT });
    const c = await RawClient.connect(ts.port);
    c.write('POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel');
    await c.waitClosed(3000);
    const [r] = await c.responses(1);
    expect(r!.status).toBe(408);
  });

  it('measures bodyMs as silence, not total time: a body trickled faster than bodyMs completes', async () => {
    ts = await startTestServer({ timeouts: SHORT });
    const c = await RawClient.connect(ts.port);
    c.write('POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n');
    await c.trickle('0123456789', 100);
    // 10 bytes × 100 ms > bodyMs, but no gap is longer than bodyMs.
    const [r] = await c.responses(1, { timeoutMs: 3000 });
    expect(r!.status).toBe(200);
    expect(r!.body.toString()).toBe('0123456789');
  });

  it('does not time out a request body that is complete on the wire while the handler is slow to read it', async () => {
    // The client sends the whole body at once; the server stops reading because the handler
    // has not consumed it (backpressure). That silence is the server's own doing, not the
    // client's, so bodyMs must not turn it into a 408.
    ts = await startTestServer({
      timeouts: SHORT,
      handler: async (req, res) => {
        let total = 0;
        let first = true;
        for await (const chunk of req.body) {
          total += chunk.length;
          if (first) {
            first = false;
            await delay(700); // slower than bodyMs, once
          }
        }
        await res.send(`read ${total}\n`);
      },
    });
    const c = await RawClient.connect(ts.port);
    const size = 512 * 1024;
    c.write(`POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: ${size}\r\n\r\n`);
    c.write(Buffer.alloc(size, 0x61));
    const [r] = await c.responses(1, { timeoutMs: 5000 });
    expect(r!.status).toBe(200);
    expect(r!.body.toString()).toBe(`read ${size}\n`);
  });

  it('closes a connection on which nothing is ever sent after keepAliveMs, silently', async () => {
    ts = await startTestServer({ timeouts: SHORT });
    const c = await RawClient.connect(ts.port);
    await eventually(() => ts!.server.connectionCount === 1, 1000, 'connection accepted');
    const info = await c.waitClosed(3000);
    expect(info.at).toBeGreaterThanOrEqual(200);
    expect(info.at).toBeLessThan(1500);
    expect(c.receivedBytes).toBe(0);
    await eventually(() => ts!.server.connectionCount === 0, 1000, 'connection forgotten');
  });

  it('does not apply a read timeout while the handler works (slow handler beyond every timeout)', async () => {
    ts = await startTestServer({ timeouts: SHORT });
    const c = await RawClient.connect(ts.port);
    c.write('GET /slow?ms=700 HTTP/1.1\r\nHost: t\r\n\r\n');
    const [r] = await c.responses(1, { timeoutMs: 3000 });
    expect(r!.status).toBe(200);
    expect(r!.body.toString()).toBe('slept 700 ms\n');
  });

  it('sendStallMs: a client that requests /bytes/50000000 and never reads is reset; connectionCount returns to 0', async () => {
    ts = await startTestServer({ timeouts: { ...SHORT, sendStallMs: 300 } });
    const c = await RawClient.connect(ts.port);
    c.socket.pause();
    c.write('GET /bytes/50000000 HTTP/1.1\r\nHost: t\r\n\r\n');
    const started = Date.now();
    await eventually(() => ts!.server.connectionCount === 1, 1000, 'connection accepted');
    await eventually(() => ts!.server.connectionCount === 0, 3000, 'stalled connection dropped');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2500);
    expect(ts.logger.find('http1.send-stall-timeout')).toHaveLength(1);
    // The client, once it reads again, finds a truncated response and a dead connection.
    c.socket.resume();
    const info = await c.waitClosed(3000);
    expect(c.receivedBytes).toBeLessThan(50_000_000);
    expect(info.error === 'ECONNRESET' || info.ended).toBe(true);
  });

  it('sendStallMs does not cut off a client that reads slowly but steadily', async () => {
    ts = await startTestServer({ timeouts: { ...SHORT, sendStallMs: 300 } });
    const c = await RawClient.connect(ts.port);
    c.write('GET /bytes/2000000 HTTP/1.1\r\nHost: t\r\n\r\n');
    // Pause for 150 ms at a time: shorter than the stall timeout.
    const pauser = setInterval(() => {
      c.socket.pause();
      setTimeout(() => c.socket.resume(), 150);
    }, 200);
    try {
      const [r] = await c.responses(1, { timeoutMs: 10_000 });
      expect(r!.status).toBe(200);
      expect(r!.body.length).toBe(2_000_000);
    } finally {
      clearInterval(pauser);
    }
  });
});
