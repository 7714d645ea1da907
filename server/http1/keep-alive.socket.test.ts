import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { RawClient, delay, destroyAllClients, eventually, httpRequest, parseResponses } from '../test-support/socket-client.js';

let ts: TestServer | null = null;
const agents: http.Agent[] = [];

afterEach(async () => {
  destroyAllClients();
  for (const a of agents.splice(0)) a.destroy();
  if (ts !== null) {
    await ts.close();
    expect(ts.server.connectionCount).toBe(0);
    ts = null;
  }
});

const get = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;
const post = (path: string, body: string): string => `POST ${path} HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('persistent connections', () => {
  it('keeps an HTTP/1.1 connection alive by default: a keepAlive Agent reuses one socket', async () => {
    ts = await startTestServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    const a = await httpRequest(`${ts.url}/hello`, { agent });
    const b = await httpRequest(`${ts.url}/hello`, { agent });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.toString()).toBe('hello, world\n');
    expect(b.body.toString()).toBe('hello, world\n');
    expect(a.headers.connection).toBeUndefined();
    expect(b.reusedSocket).toBe(true);
    expect(b.socket).toBe(a.socket as net.Socket);
    expect(ts.server.connectionCount).toBe(1);
  });

  it('keeps a raw HTTP/1.1 connection open after a response and serves a second request on it', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/hello'));
    const [first] = await c.responses(1);
    expect(first!.status).toBe(200);
    expect(first!.header('connection')).toBeUndefined();
    await delay(100);
    expect(c.closed).toBe(false);
    c.write(get('/hello'));
    const both = await c.responses(2);
    expect(both[1]!.status).toBe(200);
    expect(both[1]!.body.toString()).toBe('hello, world\n');
    expect(c.closed).toBe(false);
  });

  it('closes an HTTP/1.0 connection after the response by default', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write('GET /hello HTTP/1.0\r\n\r\n');
    const [r] = await c.responses(1);
    expect(r!.status).toBe(200);
    expect(r!.body.toString()).toBe('hello, world\n');
    expect(r!.header('connection')).not.toBe('keep-alive');
    const info = await c.waitClosed(2000);
    expect(info.error).toBeNull();
  });

  it('keeps an HTTP/1.0 connection alive when asked with Connection: keep-alive', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write('GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const [r] = await c.responses(1);
    expect(r!.status).toBe(200);
    expect(r!.header('connection')).toBe('keep-alive');
    expect(r!.header('content-length')).toBe('13');
    await delay(100);
    expect(c.closed).toBe(false);
    // A second HTTP/1.0 request without keep-alive: answered, then closed.
    c.write('GET /hello HTTP/1.0\r\n\r\n');
    const both = await c.responses(2);
    expect(both[1]!.status).toBe(200);
    expect(both[1]!.header('connection')).not.toBe('keep-alive');
    await c.waitClosed(2000);
  });

  it('answers a streamed response to an HTTP/1.0 keep-alive client without chunking, then closes', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write('GET /stream?chunks=3&size=4 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    await c.waitClosed(2000);
    expect(c.text).not.toMatch(/transfer-encoding/i);
    const [r] = await c.responses(1);
    expect(r!.status).toBe(200);
    expect(r!.header('connection')).toBe('close');
    expect(r!.body.length).toBe(12);
  });

  it('honours Connection: close on HTTP/1.1: the response says close and the server closes', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/hello', 'Connection: close\r\n'));
    const [r] = await c.responses(1);
    expect(r!.status).toBe(200);
    expect(r!.header('connection')).toBe('close');
    const info = await c.waitClosed(2000);
    expect(info.ended).toBe(true);
    await eventually(() => ts!.server.connectionCount === 0, 2000, 'connection forgotten');
  });

  it('does not answer requests pipelined after one that said Connection: close', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/hello', 'Connection: close\r\n') + get('/hello'));
    await c.waitClosed(2000);
    const all = await c.responses(1);
    expect(all).toHaveLength(1);
    expect(c.text.match(/HTTP\/1\.1 200/g)).toHaveLength(1);
  });

  it('maxRequestsPerConnection: 3 — the third response says close and the socket closes', async () => {
    ts = await startTestServer({ maxRequestsPerConnection: 3 });
    const c = await RawClient.connect(ts.port);
    for (let i = 1; i <= 3; i++) {
      c.write(get('/hello'));
      const rs = await c.responses(i);
      const r = rs[i - 1]!;
      expect(r.status).toBe(200);
      if (i < 3) {
        expect(r.header('connection')).toBeUndefined();
        expect(c.closed).toBe(false);
      } else {
        expect(r.header('connection')).toBe('close');
      }
    }
    await c.waitClosed(2000);
    expect(c.text.match(/^HTTP\/1\.1 /gm)).toHaveLength(3);
  });

  it('maxRequestsPerConnection with node:http: a keepAlive Agent opens a new socket after the limit', async () => {
    ts = await startTestServer({ maxRequestsPerConnection: 2 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    const a = await httpRequest(`${ts.url}/hello`, { agent });
    const b = await httpRequest(`${ts.url}/hello`, { agent });
    expect(b.headers.connection).toBe('close');
    await eventually(() => b.socket.destroyed, 2000, 'socket closed');
    const c = await httpRequest(`${ts.url}/hello`, { agent });
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(b.socket).toBe(a.socket);
    expect(c.socket).not.toBe(a.socket);
  });
});

describe('half-close and connection limits', () => {
  it('answers a request whose client half-closed right after sending it (async handler)', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/slow?ms=100'));
    c.end();
    await c.waitClosed(2000);
    const [r] = await c.responses(1);
    expect(r!.status).toBe(200);
    expect(r!.body.toString()).toBe('slept 100 ms\n');
    expect(r!.header('connection')).toBe('close');
    await eventually(() => ts!.server.connectionCount === 0, 1000, 'connection forgotten');
  });

  it('closes (and forgets) a connection whose client half-closes mid-header', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write('GET /hello HTTP/1.1\r\nHo');
    c.end();
    await c.waitClosed(2000);
    expect(c.text).not.toContain('200 OK');
    await eventually(() => ts!.server.connectionCount === 0, 1000, 'connection forgotten');
  });

  it('maxConnections: 2 — a third concurrent connection is refused; a slot frees when one closes', async () => {
    ts = await startTestServer({ maxConnections: 2 });
    const a = await RawClient.connect(ts.port);
    const b = await RawClient.connect(ts.port);
    await eventually(() => ts!.server.connectionCount === 2, 1000, 'two accepted');
    const third = await RawClient.connect(ts.port).catch(() => null);
    if (third !== null) {
      third.write(get('/hello'));
      await third.waitClosed(2000);
      expect(third.receivedBytes).toBe(0);
    }
    expect(ts.server.connectionCount).toBe(2);
    a.write(get('/hello'));
    const [ra] = await a.responses(1);
    expect(ra!.status).toBe(200);
    b.destroy();
    await eventually(() => ts!.server.connectionCount === 1, 1000, 'slot freed');
    const d = await RawClient.connect(ts.port);
    d.write(get('/hello'));
    const [rd] = await d.responses(1);
    expect(rd!.status).toBe(200);
  });
});

describe('pipelining', () => {
  const pipeline = (): string =>
    get('/slow?ms=50') + post('/echo', 'one') + post('/echo', 'two-two') + get('/hello') + post('/echo', 'five!');

  const checkPipelined = (rs: Array<{ status: number; body: Buffer }>): void => {
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(rs.map((r) => r.body.toString())).toEqual(['slept 50 ms\n', 'one', 'two-two', 'hello, world\n', 'five!']);
  };

  it('answers 5 requests sent in one write, in request order', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(pipeline());
    const rs = await c.responses(5);
    checkPipelined(rs);
    expect(c.closed).toBe(false);
    expect(rs.every((r) => r.header('connection') === undefined)).toBe(true);
  });

  it('answers 5 pipelined requests delivered one byte at a time', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    await c.trickle(pipeline(), 1);
    const rs = await c.responses(5, { timeoutMs: 5000 });
    checkPipelined(rs);
  });

  it('answers every pipelined request when the client half-closes right after sending them', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(pipeline());
    c.end();
    await c.waitClosed(3000);
    const rs = await c.responses(5);
    checkPipelined(rs);
  });

  it('answers a long pipeline that exceeds maxPipelinedBytes (reading pauses, nothing is lost)', async () => {
    ts = await startTestServer({ maxPipelinedBytes: 1024 });
    const c = await RawClient.connect(ts.port);
    let data = get('/slow?ms=30');
    const n = 200;
    for (let i = 0; i < n; i++) data += post('/echo', `body-${i}`);
    expect(data.length).toBeGreaterThan(10 * 1024);
    c.write(data);
    const rs = await c.responses(n + 1, { timeoutMs: 8000 });
    expect(rs[0]!.body.toString()).toBe('slept 30 ms\n');
    for (let i = 0; i < n; i++) expect(rs[i + 1]!.body.toString()).toBe(`body-${i}`);
  });

  it('answers pipelined HEAD and GET with correct framing', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(`HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n` + get('/hello') + `HEAD /bytes/100 HTTP/1.1\r\nHost: t\r\n\r\n` + get('/bytes/10'));
    const rs = await c.responses(4, { head: [true, false, true, false] });
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(rs[0]!.body.length).toBe(0);
    expect(rs[1]!.body.toString()).toBe('hello, world\n');
    expect(rs[2]!.body.length).toBe(0);
    expect(rs[2]!.header('content-length')).toBe('100');
    expect(rs[3]!.body.toString()).toBe('ABCDEFGHIJ');
    await delay(50);
    // Nothing after the four responses: a HEAD response that leaked a body would leave bytes over.
    const { rest } = parseResponses(c.received, { head: [true, false, true, false] });
    expect(rest.length).toBe(0);
  });
});
