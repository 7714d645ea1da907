import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SocketTransport } from '../transport/socket-transport.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { RawClient, delay, destroyAllClients, eventually } from '../test-support/socket-client.js';

let ts: TestServer | null = null;
let closed = false;

afterEach(async () => {
  destroyAllClients();
  if (ts !== null) {
    if (!closed) await ts.server.close({ deadlineMs: 500 });
    expect(ts.server.connectionCount).toBe(0);
    ts = null;
  }
  closed = false;
});

const get = (p: string): string => `GET ${p} HTTP/1.1\r\nHost: t\r\n\r\n`;

/** Try to open a TCP connection; resolves with how it went. */
function tryConnect(port: number): Promise<'refused' | 'closed' | 'open'> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let connected = false;
    const timer = setTimeout(() => {
      s.destroy();
      resolve('open');
    }, 500);
    s.on('connect', () => (connected = true));
    s.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.destroy();
      resolve(!connected && err.code === 'ECONNREFUSED' ? 'refused' : 'closed');
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(connected ? 'closed' : 'refused');
    });
    s.on('connect', () => s.write(get('/hello')));
  });
}

describe('graceful drain (server.close)', () => {
  it('closes an idle keep-alive connection at once', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/hello'));
    await c.responses(1);
    expect(c.closed).toBe(false);
    const started = Date.now();
    await ts.server.close({ deadlineMs: 5000 });
    closed = true;
    const elapsed = Date.now() - started;
    // at once, not at the 5 s deadline (generous: CI machines are loaded)
    expect(elapsed).toBeLessThan(2500);
    const info = await c.waitClosed(1000);
    expect(info.error).toBeNull();
    expect(ts.server.connectionCount).toBe(0);
  });

  it('closes a connection that has sent nothing yet at once', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    await eventually(() => ts!.server.connectionCount === 1, 1000, 'accepted');
    const started = Date.now();
    await ts.server.close({ deadlineMs: 5000 });
    closed = true;
    expect(Date.now() - started).toBeLessThan(2500);
    await c.waitClosed(1000);
    expect(c.receivedBytes).toBe(0);
  });

  it('lets a /slow?ms=300 in flight finish with connection: close, and resolves only after it', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/slow?ms=300'));
    await delay(50);
    let closeResolvedAt = 0;
    let responseAt = 0;
    const closing = ts.server.close({ deadlineMs: 5000 }).then(() => (closeResolvedAt = Date.now()));
    closed = true;
    const [r] = await c.responses(1, { timeoutMs: 3000 });
    responseAt = Date.now();
    expect(r!.status).toBe(200);
    expect(r!.body.toString()).toBe('slept 300 ms\n');
    expect(r!.header('connection')).toBe('close');
    await closing;
    expect(closeResolvedAt).toBeGreaterThanOrEqual(responseAt - 5);
    await c.waitClosed(1000);
    expect(ts.server.connectionCount).toBe(0);
  });

  it('lets a streaming response in flight finish (its head already went out without close)', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/stream?chunks=6&size=4&delay=60'));
    await c.waitFor((x) => x.text.includes('\r\n\r\n'), 2000, 'response head');
    const closing = ts.server.close({ deadlineMs: 5000 });
    closed = true;
    const [r] = await c.responses(1, { timeoutMs: 3000 });
    expect(r!.chunked).toBe(true);
    expect(r!.body.length).toBe(24);
    await closing;
    await c.waitClosed(1000);
  });

  it('force-closes a /slow?ms=5000 at deadlineMs 200; close() resolves within ~1 s', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/slow?ms=5000'));
    await delay(50);
    const started = Date.now();
    await ts.server.close({ deadlineMs: 200 });
    closed = true;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1000);
    await c.waitClosed(1000);
    expect(c.text).not.toContain('slept');
    expect(ts.server.connectionCount).toBe(0);
    expect(ts.logger.find('server.drain-deadline')).toHaveLength(1);
  });

  it('refuses new connections once close has started', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/slow?ms=400'));
    await delay(50);
    const closing = ts.server.close({ deadlineMs: 5000 });
    closed = true;
    const outcome = await tryConnect(ts.port);
    expect(outcome).not.toBe('open');
    // The request in flight still completes.
    const [r] = await c.responses(1, { timeoutMs: 3000 });
    expect(r!.status).toBe(200);
    await closing;
    expect(ts.server.connectionCount).toBe(0);
  });

  it('rejects Transport-level accept() after close has started', async () => {
    ts = await startTestServer();
    await ts.server.close();
    closed = true;
    // A socket accepted by another listener and handed over after close is reset.
    const other = net.createServer((sock) => {
      ts!.server.accept(new SocketTransport(sock));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const port = (other.address() as net.AddressInfo).port;
      const outcome = await new Promise<{ bytes: number; error: string | null }>((resolve) => {
        const s = net.connect({ port, host: '127.0.0.1' });
        let bytes = 0;
        let error: string | null = null;
        s.on('connect', () => s.write(get('/hello')));
        s.on('data', (d: Buffer) => (bytes += d.length));
        s.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
        s.on('close', () => resolve({ bytes, error }));
      });
      expect(outcome.bytes).toBe(0);
      expect(outcome.error).toBe('ECONNRESET');
      expect(ts.server.connectionCount).toBe(0);
      expect(ts.logger.find('server.connection-refused')).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('drains many connections at once: idle ones close, busy ones finish, count ends at 0', async () => {
    ts = await startTestServer();
    const idle = await Promise.all(Array.from({ length: 5 }, () => RawClient.connect(ts!.port)));
    for (const c of idle) c.write(get('/hello'));
    await Promise.all(idle.map((c) => c.responses(1)));
    const busy = await Promise.all(Array.from({ length: 3 }, () => RawClient.connect(ts!.port)));
    for (const c of busy) c.write(get('/slow?ms=200'));
    await eventually(() => ts!.server.connectionCount === 8, 1000, '8 connections');
    await delay(30);
    const closing = ts.server.close({ deadlineMs: 5000 });
    closed = true;
    await Promise.all(idle.map((c) => c.waitClosed(500)));
    for (const c of busy) expect(c.closed).toBe(false);
    const rs = await Promise.all(busy.map((c) => c.responses(1, { timeoutMs: 3000 })));
    for (const [r] of rs) {
      expect(r!.status).toBe(200);
      expect(r!.header('connection')).toBe('close');
    }
    await closing;
    expect(ts.server.connectionCount).toBe(0);
  });

  it('a second close() during a drain also resolves once the drain is over', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/slow?ms=300'));
    await delay(50);
    const order: string[] = [];
    const first = ts.server.close({ deadlineMs: 5000 }).then(() => order.push('first'));
    closed = true;
    const second = ts.server.close({ deadlineMs: 5000 }).then(() => order.push('second'));
    void c.responses(1, { timeoutMs: 3000 }).then(() => order.push('response'));
    await Promise.all([first, second]);
    expect(order[0]).toBe('response');
    expect(ts.server.connectionCount).toBe(0);
  });

  it('a request arriving on a kept-alive connection during the drain is not started', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/slow?ms=200') + get('/hello'));
    await delay(50);
    const closing = ts.server.close({ deadlineMs: 5000 });
    closed = true;
    await closing;
    await c.waitClosed(1000);
    const rs = await c.responses(1);
    expect(rs[0]!.body.toString()).toBe('slept 200 ms\n');
    expect(rs[0]!.header('connection')).toBe('close');
    expect(c.text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });
});
