import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Handler } from '../core/types.js';
import { statusText } from '../core/status-text.js';
import { rawExchange, startTestServer, type TestServer } from '../test-support/test-server.js';
import { destroyAllClients, parseResponses, RawClient, type ParsedResponse } from '../test-support/socket-client.js';
import { BAD, GOOD, type BadCase } from './test-support/corpus.js';
import { parseAll } from './test-support/parse-all.js';

/**
 * The parser corpus, sent over real sockets: every malformed request is answered with the status
 * the parser chose, a `connection: close` text/plain body naming the problem, and a close; the
 * log records the parser's code and byte offset; every good request reaches the handler intact.
 * Plus classic request-smuggling probes, asserting the hidden request never runs.
 */

interface Seen {
  method: string;
  target: string;
  authority: string;
  body: string;
  trailers: Array<[string, string]>;
}

/** Every request the handler saw, in order (reset before each test). */
let seen: Seen[] = [];

/** Reads the whole body and answers 200 with what it saw. */
const echoHandler: Handler = async (req, res) => {
  const body = (await req.body.buffer()).toString('latin1');
  if (req.target.startsWith('/slow')) await new Promise((r) => setTimeout(r, 150));
  const trailers = req.body.trailers.map(([n, v]) => [n, v] as [string, string]);
  const entry = { method: req.method, target: req.target, authority: req.authority, body, trailers };
  seen.push(entry);
  await res.json(entry);
};

let ts: TestServer;

beforeAll(async () => {
  // HTTP/1.1 only: the GOOD corpus includes a valid h2c Upgrade, which must be answered as HTTP/1.1 here.
  ts = await startTestServer({ handler: echoHandler, http2: false });
});

afterAll(async () => {
  await ts.close();
});

beforeEach(() => {
  seen = [];
});

afterEach(() => {
  destroyAllClients();
});

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const isTruncation = (c: BadCase) => c.name.startsWith('connection ends inside');

function parseErrorsSince(mark: number) {
  return ts.logger.records.slice(mark).filter((r) => r.event === 'http1.parse-error');
}

/** Send `raw` on a fresh socket, read until the server closes, and parse what came back. */
async function exchange(raw: string, options: { end?: boolean } = {}): Promise<{ responses: ParsedResponse[]; rest: Buffer; closed: boolean }> {
  const { text, closed } = await rawExchange(ts.port, latin1(raw), { end: options.end ?? false, timeoutMs: 3000 });
  const { responses, rest } = parseResponses(latin1(text), { closed });
  // Left-over bytes after the connection closed mean a response whose framing does not match its
  // content (e.g. a Content-Length larger than the body sent): say so rather than "no response".
  expect(rest.toString('latin1'), 'bytes after the last complete response: its Content-Length does not match the body sent').toBe('');
  return { responses: responses.filter((r) => r.status >= 200), rest, closed };
}

/** The error response the server must send for a parse error: exact status line, close, text/plain reason. */
function expectErrorResponse(res: ParsedResponse, status: number, reason: string): void {
  expect(res.rawHead.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${statusText(status)}`);
  expect(res.header('connection')).toBe('close');
  expect(res.header('content-type')).toMatch(/^text\/plain\b/);
  const body = res.body.toString('utf8');
  expect(body.trim().length).toBeGreaterThan(0);
  expect(body).toBe(`${reason}\n`);
}

describe('BAD corpus over a socket', () => {
  for (const c of BAD) {
    it(`${c.name} -> ${c.status} ${c.code}`, async () => {
      const expected = parseAll([latin1(c.raw)]);
      // The corpus and the parser agree (the parser tests check this too; here it anchors the log check).
      expect(expected.error).not.toBeNull();
      expect(expected.error!.code).toBe(c.code);
      expect(expected.error!.status).toBe(c.status);

      const mark = ts.logger.records.length;
      const { responses, rest, closed } = await exchange(c.raw, { end: isTruncation(c) });

      const before = c.before ?? 0;
      expect(responses.map((r) => r.status)).toEqual([...Array<number>(before).fill(200), c.status]);
      expect(rest.length).toBe(0);
      expect(closed).toBe(true);

      const logged = parseErrorsSince(mark);
      expect(logged).toHaveLength(1);
      const record = logged[0]!;
      expect(record).toMatchObject({ level: 'warn', status: c.status, code: expected.error!.code, offset: expected.error!.offset });
      expect(typeof record['reason']).toBe('string');
      expectErrorResponse(responses[before]!, c.status, record['reason'] as string);

      // Only the requests ahead of the bad one reached the application.
      expect(expected.messages).toHaveLength(before);
      expect(seen).toHaveLength(before);
    });
  }

  // RFC 9110 §9.3.2: no content in a response to HEAD, error responses included, once the
  // request line has said HEAD (found by the model-based test, server/http1/model/).
  for (const [name, raw] of [
    ['a malformed header section', 'HEAD / HTTP/1.1\r\n\r\n'],
    ['faulty framing (HTTP/1.0 with Transfer-Encoding)', 'HEAD / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ] as const) {
    it(`a HEAD request with ${name} gets its 400 without content`, async () => {
      const { text, closed } = await rawExchange(ts.port, latin1(raw), { end: false, timeoutMs: 3000 });
      const { responses, rest } = parseResponses(latin1(text), { head: [true], closed });
      expect(responses.map((r) => r.status)).toEqual([400]);
      expect(rest.length).toBe(0);
      expect(text.endsWith('\r\n\r\n')).toBe(true);
      expect(closed).toBe(true);
    });
  }
});

describe('GOOD corpus over a socket', () => {
  // Handled explicitly: CONNECT is answered 501 by this server (CONNECT not enabled; the tunnel
  // itself is connect.socket.test.ts). The h2c Upgrade case goes through the loop on purpose: with
  // no upgrade handler configured it must be served as a normal GET (upgrade.socket.test.ts
  // covers switching), and absolute-form targets reach the handler as sent.
  const special = (name: string) => name === 'authority-form CONNECT';
  for (const c of GOOD.filter((g) => !special(g.name))) {
    it(`${c.name}`, async () => {
      const client = await RawClient.connect(ts.port);
      client.write(c.raw);
      const responses = await client.responses(c.expect.length);
      expect(responses).toHaveLength(c.expect.length);
      c.expect.forEach((want, k) => {
        const res = responses[k]!;
        expect(res.status).toBe(200);
        const got = JSON.parse(res.body.toString('utf8')) as Seen;
        expect(got.method).toBe(want.method);
        expect(got.target).toBe(want.target);
        expect(got.body).toBe(want.body ?? '');
        if (want.authority !== undefined) expect(got.authority).toBe(want.authority);
        if (want.trailers !== undefined) expect(got.trailers).toEqual(want.trailers);
      });
      expect(seen.map((s) => `${s.method} ${s.target}`)).toEqual(c.expect.map((e) => `${e.method} ${e.target}`));
      const last = c.expect[c.expect.length - 1]!;
      if (last.keepAlive === false) {
        // The connection was not persistent: the response says so and the server closes.
        expect(responses[responses.length - 1]!.header('connection')).toBe('close');
        await client.waitClosed();
      } else {
        expect(responses[responses.length - 1]!.header('connection')).not.toBe('close');
      }
      client.destroy();
    });
  }

  it('authority-form CONNECT is answered 501 (CONNECT not enabled) without reaching the handler', async () => {
    const c = GOOD.find((g) => special(g.name))!;
    expect(c).toBeDefined();
    const { responses, closed } = await exchange(c.raw);
    expect(responses).toHaveLength(1);
    expect(responses[0]!.rawHead.split('\r\n')[0]).toBe('HTTP/1.1 501 Not Implemented');
    expect(responses[0]!.header('connection')).toBe('close');
    expect(closed).toBe(true);
    expect(seen).toEqual([]);
  });

  it('HTTP/1.0 keep-alive opt-in gets connection: keep-alive and a second request on the same connection', async () => {
    const client = await RawClient.connect(ts.port);
    client.write('GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const [first] = await client.responses(1);
    expect(first!.header('connection')).toBe('keep-alive');
    client.write('GET /two HTTP/1.0\r\n\r\n');
    const both = await client.responses(2);
    expect(JSON.parse(both[1]!.body.toString('utf8'))).toMatchObject({ target: '/two' });
    expect(both[1]!.header('connection')).toBe('close');
    await client.waitClosed();
  });
});

describe('request smuggling probes', () => {
  const hidden = 'GET /hidden HTTP/1.1\r\nHost: a\r\n\r\n';

  /** Send a probe expected to be rejected; returns the single error response after checking it. */
  async function expectRejected(raw: string, status: number, code: string, options: { end?: boolean } = {}): Promise<void> {
    const parsed = parseAll([latin1(raw)]);
    expect(parsed.error).toMatchObject({ status, code });
    const mark = ts.logger.records.length;
    const { responses, closed } = await exchange(raw, options);
    expect(responses.map((r) => r.status)).toEqual([status]);
    expect(closed).toBe(true);
    const logged = parseErrorsSince(mark);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ code, offset: parsed.error!.offset });
    expectErrorResponse(responses[0]!, status, logged[0]!['reason'] as string);
    expect(seen.map((s) => s.target)).not.toContain('/hidden');
  }

  it('CL.TE: Content-Length covering a chunked body that hides a request -> 400, hidden request never runs', async () => {
    const body = `0\r\n\r\n${hidden}`;
    const raw = `POST /front HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n${body}`;
    await expectRejected(raw, 400, 'content-length-with-transfer-encoding');
    expect(seen).toEqual([]);
  });

  it('TE.CL: chunked body whose Content-Length would end early -> 400, hidden request never runs', async () => {
    const chunk = `${hidden}x`;
    const raw = `POST /front HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`;
    await expectRejected(raw, 400, 'content-length-with-transfer-encoding');
    expect(seen).toEqual([]);
  });

  it('a request hidden in a well-framed Content-Length body is body, not a request', async () => {
    const raw = `POST /front HTTP/1.1\r\nHost: a\r\nContent-Length: ${hidden.length}\r\n\r\n${hidden}`;
    const client = await RawClient.connect(ts.port);
    client.write(raw);
    const [res] = await client.responses(1);
    expect(res!.status).toBe(200);
    expect(JSON.parse(res!.body.toString('utf8'))).toMatchObject({ target: '/front', body: hidden });
    // Nothing else arrives: give a (wrongly) parsed hidden request time to be answered.
    await new Promise((r) => setTimeout(r, 100));
    expect(parseResponses(client.received).responses).toHaveLength(1);
    expect(seen.map((s) => s.target)).toEqual(['/front']);
    client.destroy();
  });

  it('a request hidden in a well-framed chunked body is body, not a request', async () => {
    const raw = `POST /front HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${hidden.length.toString(16)}\r\n${hidden}\r\n0\r\n\r\n`;
    const client = await RawClient.connect(ts.port);
    client.write(raw);
    const [res] = await client.responses(1);
    expect(JSON.parse(res!.body.toString('utf8'))).toMatchObject({ target: '/front', body: hidden });
    await new Promise((r) => setTimeout(r, 100));
    expect(parseResponses(client.received).responses).toHaveLength(1);
    expect(seen.map((s) => s.target)).toEqual(['/front']);
    client.destroy();
  });

  it('"Transfer-Encoding : chunked" (space before the colon) -> 400 whitespace-before-colon', async () => {
    const raw = `POST /front HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\nContent-Length: ${`0\r\n\r\n${hidden}`.length}\r\n\r\n0\r\n\r\n${hidden}`;
    await expectRejected(raw, 400, 'whitespace-before-colon');
    expect(seen).toEqual([]);
  });

  it('"Transfer-Encoding:\\tchunked" (HTAB is valid OWS) is accepted as chunked', async () => {
    const raw = `POST /tab HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`;
    expect(parseAll([latin1(raw)]).error).toBeNull();
    const client = await RawClient.connect(ts.port);
    client.write(raw);
    const [res] = await client.responses(1);
    expect(res!.status).toBe(200);
    expect(JSON.parse(res!.body.toString('utf8'))).toMatchObject({ method: 'POST', target: '/tab', body: 'hello' });
    client.destroy();
  });

  it('"Transfer-Encoding: chunked" then "Transfer-Encoding: x" -> 400 chunked-not-final (not 501)', async () => {
    const raw = `POST /front HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n${hidden}`;
    await expectRejected(raw, 400, 'chunked-not-final');
    expect(seen).toEqual([]);
  });

  it('"Transfer-Encoding: x" then "Transfer-Encoding: chunked" -> 501 unsupported-transfer-coding', async () => {
    const raw = `POST /front HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${hidden}`;
    await expectRejected(raw, 501, 'unsupported-transfer-coding');
    expect(seen).toEqual([]);
  });

  it('a chunk-size line whose extension ends in a bare LF -> 400 bare-lf; the handler never gets the body', async () => {
    const raw = `POST /front HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\nabc\r\n0\r\n\r\n${hidden}`;
    await expectRejected(raw, 400, 'bare-lf');
    // The head was fine, so the handler may have started, but it never completed a body read.
    expect(seen).toEqual([]);
  });

  it('a request line ending in a bare LF -> 400 bare-lf', async () => {
    await expectRejected(`GET / HTTP/1.1\nHost: a\r\n\r\n`, 400, 'bare-lf');
  });

  it('a request entirely in bare LFs -> 400 bare-lf', async () => {
    await expectRejected(`GET / HTTP/1.1\nHost: a\n\n${hidden}`, 400, 'bare-lf');
  });

  it('Content-Length: 5 followed by fewer bytes and a half-close -> 400 incomplete-message', async () => {
    await expectRejected(`GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab`, 400, 'incomplete-message', { end: true });
    expect(seen).toEqual([]);
  });

  it('Content-Length: 5 with no body at all and a half-close -> 400 incomplete-message', async () => {
    await expectRejected(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n`, 400, 'incomplete-message', { end: true });
    expect(seen).toEqual([]);
  });

  it('a chunked body cut off by a half-close -> 400 incomplete-message', async () => {
    await expectRejected(`POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel`, 400, 'incomplete-message', { end: true });
    expect(seen).toEqual([]);
  });

  it('pipelined complete requests followed by a half-close are all answered', async () => {
    // The half-close arrives while /slow is still being handled and /b, /c are held.
    const raw = `GET /slow HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\nGET /c HTTP/1.1\r\nHost: a\r\n\r\n`;
    const { responses, closed } = await exchange(raw, { end: true });
    expect(closed).toBe(true);
    expect(responses.map((r) => (JSON.parse(r.body.toString('utf8')) as Seen).target)).toEqual(['/slow', '/b', '/c']);
    expect(seen.map((s) => s.target)).toEqual(['/slow', '/b', '/c']);
  });

  it('pipelined requests answered before the half-close arrives: all answered, then the server closes', async () => {
    const raw = `GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n`;
    const client = await RawClient.connect(ts.port);
    client.write(raw);
    const responses = await client.responses(2);
    expect(responses.map((r) => (JSON.parse(r.body.toString('utf8')) as Seen).target)).toEqual(['/a', '/b']);
    client.end();
    const info = await client.waitClosed();
    expect(info.ended).toBe(true);
  });

  it('the server is still healthy after all of the above', async () => {
    const client = await RawClient.connect(ts.port);
    client.write('GET /alive HTTP/1.1\r\nHost: a\r\n\r\n');
    const [res] = await client.responses(1);
    expect(res!.status).toBe(200);
    client.destroy();
  });
});
