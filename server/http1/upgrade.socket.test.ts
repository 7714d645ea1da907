import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../core/router.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { delay, destroyAllClients, eventually, parseResponses, RawClient } from '../test-support/socket-client.js';
import type { Transport } from '../transport/transport.js';
import type { UpgradeHandler } from './http1-options.js';
import type { RequestHead } from './request-head.js';

/**
 * HTTP/1.1 Upgrade (RFC 9110 §7.8) over real sockets: the 101 with Upgrade and Connection, the
 * transport handed to the handler (with the request body and any bytes that followed the request),
 * and the cases that must be answered as ordinary requests instead.
 */

interface Upgraded {
  head: RequestHead;
  body: Buffer;
  leftover: Buffer;
  transport: Transport;
  closed: boolean;
}

let upgraded: Upgraded[] = [];
let routed: string[] = [];

/** Takes the transport over and echoes every byte back; echoes FIN as FIN. */
const echoUpgrade: UpgradeHandler = {
  responseFields: () => [['x-upgraded-by', 'test']],
  upgrade(head, body, transport, leftover) {
    const entry: Upgraded = { head, body, leftover, transport, closed: false };
    upgraded.push(entry);
    transport.reattach({
      onData: (chunk) => {
        transport.write(chunk);
      },
      onEnd: () => transport.end(),
      onDrain: () => {},
      onError: () => {},
      onClose: () => {
        entry.closed = true;
      },
    });
    if (body.length > 0) transport.write(Buffer.concat([Buffer.from('BODY:'), body, Buffer.from('|')]));
    if (leftover.length > 0) transport.write(leftover);
  },
};

/** Only switches when the request carries `x-allow-upgrade: yes`. */
const pickyUpgrade: UpgradeHandler = {
  accepts: (head) => head.headers.some(([n, v]) => n === 'x-allow-upgrade' && v === 'yes'),
  responseFields: echoUpgrade.responseFields!.bind(echoUpgrade),
  upgrade: echoUpgrade.upgrade.bind(echoUpgrade),
};

let ts: TestServer;

beforeAll(async () => {
  const router = new Router();
  router.get('/', (req, res) => {
    routed.push(req.target);
    return res.send('normal response\n');
  });
  router.post('/', async (req, res) => {
    routed.push(req.target);
    await res.send(`normal post: ${await req.body.text()}\n`);
  });
  ts = await startTestServer({ handler: router.handle, upgrades: { 'x-echo': echoUpgrade, 'X-Picky': pickyUpgrade } });
});

afterAll(async () => {
  await ts.close();
});

afterEach(() => {
  destroyAllClients();
  upgraded = [];
  routed = [];
});

const upgradeRequest = (token: string, extra = '') => `GET / HTTP/1.1\r\nHost: u.test\r\nConnection: upgrade\r\nUpgrade: ${token}\r\n${extra}\r\n`;

function split(client: RawClient): { head: string; rest: string } | null {
  const text = client.text;
  const end = text.indexOf('\r\n\r\n');
  return end < 0 ? null : { head: text.slice(0, end + 4), rest: text.slice(end + 4) };
}

function fields(head: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of head.split('\r\n').slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    out.set(name, [...(out.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return out;
}

async function expectSwitched(client: RawClient, token: string): Promise<void> {
  await client.waitFor((c) => split(c) !== null, 3000, 'the 101 head');
  const { head } = split(client)!;
  expect(head.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols');
  const f = fields(head);
  expect(f.get('upgrade')).toEqual([token]);
  expect(f.get('connection')?.map((v) => v.toLowerCase())).toEqual(['upgrade']);
  expect(f.get('x-upgraded-by')).toEqual(['test']);
  expect(f.has('content-length')).toBe(false);
  expect(f.has('transfer-encoding')).toBe(false);
}

async function expectNormal(client: RawClient, body = 'normal response\n'): Promise<void> {
  const [res] = await client.responses(1);
  expect(res!.status).toBe(200);
  expect(res!.body.toString()).toBe(body);
  expect(upgraded).toHaveLength(0);
}

describe('Upgrade accepted', () => {
  it('answers 101 with upgrade: x-echo and connection: upgrade, then the handler owns the bytes', async () => {
    const client = await RawClient.connect(ts.port, { allowHalfOpen: true });
    client.write(upgradeRequest('x-echo'));
    await expectSwitched(client, 'x-echo');
    await eventually(() => upgraded.length === 1, 2000, 'the upgrade handler');
    client.write('ping through the upgraded connection');
    await client.waitFor((c) => split(c)!.rest === 'ping through the upgraded connection', 2000, 'the echo');
    // Bytes that look like HTTP are not parsed as HTTP any more.
    client.write('GET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.waitFor((c) => split(c)!.rest.endsWith('GET /hello HTTP/1.1\r\nHost: x\r\n\r\n'), 2000, 'the echoed request bytes');
    expect(routed).toEqual([]);
    expect(upgraded[0]!.head.upgrade).toBe('x-echo');
    expect(upgraded[0]!.leftover.length).toBe(0);
    expect(ts.logger.find('http1.upgrade')).toEqual(expect.arrayContaining([expect.objectContaining({ protocol: 'x-echo' })]));
  });

  it('bytes sent in the same write as the request are handed over as leftover', async () => {
    const client = await RawClient.connect(ts.port, { allowHalfOpen: true });
    client.write(upgradeRequest('x-echo') + 'EARLY\x00BYTES');
    await expectSwitched(client, 'x-echo');
    await client.waitFor((c) => split(c)!.rest === 'EARLY\x00BYTES', 2000, 'the leftover echoed');
    expect(upgraded[0]!.leftover.toString('latin1')).toBe('EARLY\x00BYTES');
    client.write('+more');
    await client.waitFor((c) => split(c)!.rest === 'EARLY\x00BYTES+more', 2000, 'later bytes echoed');
  });

  it('the token is matched case-insensitively and echoed as the client spelled it', async () => {
    const client = await RawClient.connect(ts.port, { allowHalfOpen: true });
    client.write(upgradeRequest('X-Echo'));
    await expectSwitched(client, 'X-Echo');
  });

  it('the first acceptable token of a list is chosen', async () => {
    const client = await RawClient.connect(ts.port, { allowHalfOpen: true });
    client.write(upgradeRequest('websocket, x-echo'));
    await expectSwitched(client, 'x-echo');
  });

  it('a request body is read and handed to the handler, not echoed as leftover', async () => {
    const client = await RawClient.connect(ts.port, { allowHalfOpen: true });
    client.write('POST / HTTP/1.1\r\nHost: u.test\r\nConnection: upgrade\r\nUpgrade: x-echo\r\nContent-Length: 5\r\n\r\nhelloAFTER');
    await expectSwitched(client, 'x-echo');
    await client.waitFor((c) => split(c)!.rest === 'BODY:hello|AFTER', 2000, 'body then leftover');
    expect(upgraded[0]!.body.toString()).toBe('hello');
    expect(upgraded[0]!.leftover.toString()).toBe('AFTER');
  });

  it('a half-close from the client reaches the handler (it echoes the FIN)', async () => {
    const client = await RawClient.connect(ts.port, { allowHalfOpen: true });
    client.write(upgradeRequest('x-echo') + 'last words');
    await expectSwitched(client, 'x-echo');
    await client.waitFor((c) => split(c)!.rest === 'last words', 2000, 'the echo');
    client.end();
    await client.waitFor((c) => c.ended, 2000, 'the FIN echoed by the handler');
    await client.waitClosed();
    await eventually(() => upgraded[0]!.closed, 2000, 'the transport to close');
  });

  it('the upgraded connection no longer counts as an HTTP connection once it closes', async () => {
    const client = await RawClient.connect(ts.port, { allowHalfOpen: true });
    client.write(upgradeRequest('x-echo'));
    await expectSwitched(client, 'x-echo');
    client.destroy();
    await eventually(() => upgraded.length === 1 && upgraded[0]!.closed, 2000, 'the upgraded transport to close');
    await eventually(() => ts.server.connectionCount === 0, 2000, 'connectionCount 0');
  });
});

describe('Upgrade not taken: answered as a normal request', () => {
  it('accepts() returning false -> 200 from the router', async () => {
    const client = await RawClient.connect(ts.port);
    client.write(upgradeRequest('x-picky'));
    await expectNormal(client);
    expect(client.text).not.toContain('101');
    expect(routed).toEqual(['/']);
    // Still HTTP: a second request on the same connection is answered.
    client.write('GET / HTTP/1.1\r\nHost: u.test\r\n\r\n');
    const responses = await client.responses(2);
    expect(responses[1]!.status).toBe(200);
  });

  it('accepts() returning true -> 101', async () => {
    const client = await RawClient.connect(ts.port, { allowHalfOpen: true });
    client.write(upgradeRequest('x-picky', 'X-Allow-Upgrade: yes\r\n'));
    await expectSwitched(client, 'x-picky');
  });

  it('an Upgrade token with no handler -> normal response', async () => {
    const client = await RawClient.connect(ts.port);
    client.write(upgradeRequest('websocket'));
    await expectNormal(client);
    expect(routed).toEqual(['/']);
  });

  it('Upgrade without "Connection: upgrade" -> normal response', async () => {
    const client = await RawClient.connect(ts.port);
    client.write('GET / HTTP/1.1\r\nHost: u.test\r\nUpgrade: x-echo\r\n\r\n');
    await expectNormal(client);
    expect(routed).toEqual(['/']);
  });

  it('an HTTP/1.0 request offering an upgrade -> normal response (RFC 9110 §7.8: MUST ignore Upgrade in HTTP/1.0)', async () => {
    const client = await RawClient.connect(ts.port);
    client.write('GET / HTTP/1.0\r\nHost: u.test\r\nConnection: upgrade\r\nUpgrade: x-echo\r\n\r\n');
    await expectNormal(client);
    expect(routed).toEqual(['/']);
  });

  it('Connection: upgrade without an Upgrade field -> normal response', async () => {
    const client = await RawClient.connect(ts.port);
    client.write('GET / HTTP/1.1\r\nHost: u.test\r\nConnection: upgrade\r\n\r\n');
    await expectNormal(client);
  });

  it('a POST with a body and an unhandled Upgrade is answered normally with its body', async () => {
    const client = await RawClient.connect(ts.port);
    client.write('POST / HTTP/1.1\r\nHost: u.test\r\nConnection: upgrade\r\nUpgrade: websocket\r\nContent-Length: 3\r\n\r\nabc');
    await expectNormal(client, 'normal post: abc\n');
  });

  it('a server without upgrades configured answers an x-echo request normally', async () => {
    const plain = await startTestServer({ handler: (_req, res) => res.send('plain\n') });
    try {
      const client = await RawClient.connect(plain.port);
      client.write(upgradeRequest('x-echo'));
      const [res] = await client.responses(1);
      expect(res!.status).toBe(200);
      expect(res!.body.toString()).toBe('plain\n');
      await delay(50);
      expect(parseResponses(client.received).responses).toHaveLength(1);
    } finally {
      await plain.close();
    }
  });
});

describe('Upgrade and server shutdown', () => {
  it('server.close() does not wait past its deadline for an upgraded connection, and closes it', async () => {
    const own = await startTestServer({ upgrades: { 'x-echo': echoUpgrade } });
    const client = await RawClient.connect(own.port, { allowHalfOpen: true });
    try {
      client.write(upgradeRequest('x-echo'));
      await expectSwitched(client, 'x-echo');
      const started = Date.now();
      const done = await Promise.race([own.server.close({ deadlineMs: 200 }).then(() => true), delay(3000).then(() => false)]);
      expect(done, 'server.close({ deadlineMs: 200 }) was still pending after 3 s with an upgraded connection open').toBe(true);
      expect(Date.now() - started).toBeLessThan(1500);
      await client.waitFor((c) => c.ended || c.closed, 2000, 'the server to close the upgraded connection');
    } finally {
      client.destroy();
      await own.close();
    }
  });
});
