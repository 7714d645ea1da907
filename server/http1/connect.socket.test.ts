import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { delay, destroyAllClients, eventually, parseResponses, RawClient } from '../test-support/socket-client.js';
import type { Transport } from '../transport/transport.js';

/**
 * CONNECT tunnels (RFC 9110 §9.3.6) over real sockets: a local TCP target, the allowlist, the
 * 2xx without framing fields, bytes both ways (including bytes pipelined after the request),
 * half-close and teardown from either side, and the 403 / 501 / 502 / 504 answers.
 */

interface TargetConn {
  socket: net.Socket;
  received: Buffer[];
  ended: boolean;
  closed: boolean;
}

interface Target {
  server: net.Server;
  port: number;
  conns: TargetConn[];
  close(): Promise<void>;
}

/**
 * A TCP target: echoes what it receives, except the control words `TARGET-END` (half-close its
 * side), `TARGET-KILL` (destroy its socket) and `TARGET-RESET` (abort with RST). With
 * `greeting`, it speaks first.
 */
async function startTarget(options: { greeting?: string; echoEnd?: boolean } = {}): Promise<Target> {
  const conns: TargetConn[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const conn: TargetConn = { socket, received: [], ended: false, closed: false };
    conns.push(conn);
    if (options.greeting !== undefined) socket.write(options.greeting);
    socket.on('data', (chunk: Buffer) => {
      conn.received.push(chunk);
      const text = chunk.toString('latin1');
      if (text.includes('TARGET-RESET')) {
        socket.resetAndDestroy();
        return;
      }
      if (text.includes('TARGET-KILL')) {
        socket.destroy();
        return;
      }
      if (text.includes('TARGET-END')) {
        socket.end();
        return;
      }
      if (socket.writable) socket.write(chunk);
    });
    socket.on('end', () => {
      conn.ended = true;
      // Echo the half-close back, so a client FIN comes back as a FIN.
      if (options.echoEnd !== false && socket.writable) socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => (conn.closed = true));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    server,
    port,
    conns,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of conns) c.socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A port with nothing listening on it: port 1 (tcpmux), which no test binds and the kernel never
 * hands out as an ephemeral port. A port freed after a listen(0) is not safe: with the test files
 * running in parallel, another server (the proxy layer starts many) can be given it meanwhile.
 */
async function closedPort(): Promise<number> {
  return 1;
}

const connectRequest = (authority: string) => `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`;

/** The tunnel's answer head, and whatever followed it. */
function splitHead(client: RawClient): { head: string; rest: string } | null {
  const text = client.text;
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  return { head: text.slice(0, end + 4), rest: text.slice(end + 4) };
}

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  destroyAllClients();
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(options: { greeting?: string; echoEnd?: boolean } = {}): Promise<{ target: Target; ts: TestServer; authority: string; client: RawClient }> {
  const target = await startTarget(options);
  cleanups.push(() => target.close());
  const authority = `127.0.0.1:${target.port}`;
  const ts = await startTestServer({ connect: { allow: [authority] } });
  cleanups.push(() => ts.close());
  // Half-open: a FIN from the tunnel must not end our sending side.
  const client = await RawClient.connect(ts.port, { allowHalfOpen: true });
  return { target, ts, authority, client };
}

/** Open a tunnel and check its 200 answer. */
async function openTunnel(client: RawClient, authority: string, extra = ''): Promise<void> {
  client.write(connectRequest(authority) + extra);
  await client.waitFor((c) => splitHead(c) !== null, 3000, 'the CONNECT answer');
  const { head } = splitHead(client)!;
  expect(head).toMatch(/^HTTP\/1\.1 200 [^\r\n]*\r\n/);
  expect(head.toLowerCase()).not.toContain('content-length');
  expect(head.toLowerCase()).not.toContain('transfer-encoding');
}

describe('CONNECT tunnel', () => {
  it('answers 200 without content-length/transfer-encoding, then relays bytes both ways', async () => {
    const { target, ts, authority, client } = await setup();
    await openTunnel(client, authority);
    await eventually(() => target.conns.length === 1, 2000, 'the target to be dialled');
    client.write('ping\x00\xff binary-safe');
    await client.waitFor((c) => splitHead(c)!.rest === 'ping\x00\xff binary-safe', 2000, 'the echo');
    expect(Buffer.concat(target.conns[0]!.received).toString('latin1')).toBe('ping\x00\xff binary-safe');
    // A second exchange on the same tunnel.
    client.write('pong');
    await client.waitFor((c) => splitHead(c)!.rest.endsWith('pong'), 2000, 'the second echo');
    expect(ts.logger.find('http1.tunnel-open')).toHaveLength(1);
  });

  it('the target can speak first (server-to-client direction on its own)', async () => {
    const { authority, client } = await setup({ greeting: 'HELLO FROM TARGET\n' });
    await openTunnel(client, authority);
    await client.waitFor((c) => splitHead(c)!.rest === 'HELLO FROM TARGET\n', 2000, 'the greeting');
  });

  it('bytes sent in the same write as the CONNECT request go through the tunnel', async () => {
    const { target, authority, client } = await setup();
    await openTunnel(client, authority, 'EARLY BYTES');
    await client.waitFor((c) => splitHead(c)!.rest === 'EARLY BYTES', 2000, 'the early bytes echoed');
    expect(Buffer.concat(target.conns[0]!.received).toString('latin1')).toBe('EARLY BYTES');
  });

  it('a large transfer round-trips intact (backpressure both ways)', async () => {
    const { authority, client } = await setup();
    await openTunnel(client, authority);
    const payload = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (i >> 11)) & 0xff;
    const headLength = client.receivedBytes;
    client.write(payload);
    await client.waitFor((c) => c.receivedBytes >= headLength + payload.length, 10_000, 'the payload echoed');
    expect(client.received.subarray(headLength).equals(payload)).toBe(true);
  });

  it('a client half-close reaches the target (its socket gets end), and the target FIN comes back', async () => {
    const { target, authority, client } = await setup();
    await openTunnel(client, authority);
    client.write('before-fin');
    await client.waitFor((c) => splitHead(c)!.rest === 'before-fin', 2000, 'the echo');
    client.end();
    await eventually(() => target.conns[0]!.ended, 2000, "the target's end event");
    await client.waitFor((c) => c.ended, 2000, 'the FIN back from the target');
    await client.waitClosed();
  });

  it('a target half-close reaches the client, and the client can still send to the target', async () => {
    const { target, authority, client } = await setup({ echoEnd: false });
    await openTunnel(client, authority);
    client.write('TARGET-END');
    await client.waitFor((c) => c.ended, 2000, 'the FIN from the target');
    expect(client.closed).toBe(false);
    client.write('still-going');
    await eventually(() => Buffer.concat(target.conns[0]!.received).toString('latin1').endsWith('still-going'), 2000, 'the target to receive data after its FIN');
    expect(target.conns[0]!.ended).toBe(false);
    client.end();
    await eventually(() => target.conns[0]!.ended, 2000, "the target's end event");
    await client.waitClosed();
  });

  it('the target tearing down (destroy: a FIN on the wire) ends the client, and the tunnel closes once the client is done', async () => {
    const { ts, authority, client } = await setup();
    await openTunnel(client, authority);
    client.write('TARGET-KILL');
    await client.waitFor((c) => c.ended, 3000, 'the FIN passed on from the target');
    client.end();
    await client.waitClosed(3000);
    await eventually(() => ts.logger.find('http1.tunnel-closed').length === 1, 2000, 'http1.tunnel-closed');
    expect(ts.server.connectionCount).toBe(0);
  });

  it('the target resetting its connection (RST) resets the client', async () => {
    const { ts, authority, client } = await setup();
    await openTunnel(client, authority);
    client.write('TARGET-RESET');
    const info = await client.waitClosed(3000);
    // The client never sent FIN, yet its connection is gone: the reset was passed on.
    expect(info.error === 'ECONNRESET' || info.ended).toBe(true);
    await eventually(() => ts.logger.find('http1.tunnel-closed').length === 1, 2000, 'http1.tunnel-closed');
    expect(ts.server.connectionCount).toBe(0);
  });

  it('the client tearing down (destroy) closes the upstream', async () => {
    const { target, ts, authority, client } = await setup();
    await openTunnel(client, authority);
    await eventually(() => target.conns.length === 1, 2000, 'the target to be dialled');
    client.destroy();
    await eventually(() => target.conns[0]!.closed, 2000, 'the upstream socket to close');
    await eventually(() => ts.logger.find('http1.tunnel-closed').length === 1, 2000, 'http1.tunnel-closed');
    expect(ts.server.connectionCount).toBe(0);
  });

  it('connectionCount is 0 once a tunnel has ended', async () => {
    const { ts, authority, client } = await setup();
    await openTunnel(client, authority);
    client.write('x');
    await client.waitFor((c) => splitHead(c)!.rest === 'x', 2000, 'the echo');
    client.end();
    await client.waitClosed();
    await eventually(() => ts.logger.find('http1.tunnel-closed').length === 1, 2000, 'http1.tunnel-closed');
    expect(ts.logger.find('http1.tunnel-closed')[0]).toMatchObject({ bytesUp: 1, bytesDown: 1 });
    await eventually(() => ts.server.connectionCount === 0, 2000, 'connectionCount 0');
  });

  it('server.close() does not wait past its deadline for an open tunnel, and closes it', async () => {
    const { target, ts, authority, client } = await setup();
    await openTunnel(client, authority);
    await eventually(() => target.conns.length === 1, 2000, 'the target to be dialled');
    const started = Date.now();
    const done = await Promise.race([ts.server.close({ deadlineMs: 200 }).then(() => true), delay(3000).then(() => false)]);
    // Clean up whatever is left before asserting.
    client.destroy();
    expect(done, 'server.close({ deadlineMs: 200 }) was still pending after 3 s with a tunnel open').toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
    await eventually(() => target.conns[0]!.closed, 2000, 'the upstream to be closed by the server');
  });
});

describe('CONNECT refused', () => {
  it('a target not in the allowlist -> 403 and close; nothing is dialled', async () => {
    const { target, ts, client } = await setup();
    const other = `127.0.0.1:${await closedPort()}`;
    client.write(connectRequest(other) + 'ignored');
    const [res] = await client.responses(1);
    expect(res!.status).toBe(403);
    expect(res!.header('connection')).toBe('close');
    await client.waitFor((c) => c.ended, 3000, 'the server to close');
    expect(target.conns).toHaveLength(0);
    expect(ts.logger.find('http1.connect-refused')).toMatchObject([{ target: other }]);
  });

  it('the allowlist compares host names case-insensitively but ports exactly', async () => {
    const target = await startTarget();
    cleanups.push(() => target.close());
    const ts = await startTestServer({ connect: { allow: [`LocalHost:${target.port}`] } });
    cleanups.push(() => ts.close());
    const ok = await RawClient.connect(ts.port);
    await openTunnel(ok, `localhost:${target.port}`);
    const bad = await RawClient.connect(ts.port);
    bad.write(connectRequest(`localhost:${target.port + 1 > 65535 ? 1 : target.port + 1}`));
    const [res] = await bad.responses(1);
    expect(res!.status).toBe(403);
  });

  it('CONNECT disabled (default server) -> 501 and close', async () => {
    const ts = await startTestServer();
    cleanups.push(() => ts.close());
    const client = await RawClient.connect(ts.port);
    client.write(connectRequest('127.0.0.1:9'));
    const [res] = await client.responses(1);
    expect(res!.status).toBe(501);
    expect(res!.header('connection')).toBe('close');
    await client.waitClosed();
  });

  it('an allowed target with nothing listening -> 502 and close', async () => {
    const port = await closedPort();
    const authority = `127.0.0.1:${port}`;
    const ts = await startTestServer({ connect: { allow: [authority] } });
    cleanups.push(() => ts.close());
    const client = await RawClient.connect(ts.port);
    client.write(connectRequest(authority));
    const [res] = await client.responses(1);
    expect(res!.status).toBe(502);
    expect(res!.header('connection')).toBe('close');
    await client.waitClosed();
    expect(ts.logger.find('http1.connect-failed')).toHaveLength(1);
    // The server closes in stages (RFC 9112 §9.6): it finishes once the client's FIN is in.
    await eventually(() => ts.server.connectionCount === 0, 2000, 'connection closed');
  });

  it('a dial that never answers -> 504 after dialTimeoutMs', async () => {
    const authority = 'never.test:443';
    let dialled = 0;
    const ts = await startTestServer({
      connect: {
        allow: [authority],
        dial: () => {
          dialled++;
          return new Promise<Transport>(() => {});
        },
        dialTimeoutMs: 200,
      },
    });
    cleanups.push(() => ts.close());
    const client = await RawClient.connect(ts.port);
    const started = Date.now();
    client.write(connectRequest(authority));
    const [res] = await client.responses(1, { timeoutMs: 3000 });
    const elapsed = Date.now() - started;
    expect(res!.status).toBe(504);
    expect(res!.header('connection')).toBe('close');
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2000);
    expect(dialled).toBe(1);
    await client.waitClosed();
  });

  it('a dial that rejects -> 502', async () => {
    const ts = await startTestServer({ connect: { allow: () => true, dial: () => Promise.reject(new Error('boom')) } });
    cleanups.push(() => ts.close());
    const client = await RawClient.connect(ts.port);
    client.write(connectRequest('anything.test:443'));
    const [res] = await client.responses(1);
    expect(res!.status).toBe(502);
    await client.waitClosed();
  });

  it('an allow predicate sees the authority and can refuse', async () => {
    const asked: string[] = [];
    const ts = await startTestServer({
      connect: {
        allow: (a) => {
          asked.push(a);
          return false;
        },
      },
    });
    cleanups.push(() => ts.close());
    const client = await RawClient.connect(ts.port);
    client.write(connectRequest('Example.test:8443'));
    const [res] = await client.responses(1);
    expect(res!.status).toBe(403);
    expect(asked).toEqual(['Example.test:8443']);
  });

  it('a CONNECT answered with an error does not let pipelined bytes be parsed as a request', async () => {
    const ts = await startTestServer({ connect: { allow: [] } });
    cleanups.push(() => ts.close());
    const client = await RawClient.connect(ts.port);
    client.write(connectRequest('127.0.0.1:1') + 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n');
    await client.waitClosed();
    const { responses } = parseResponses(client.received, { closed: true });
    expect(responses.map((r) => r.status)).toEqual([403]);
  });
});
