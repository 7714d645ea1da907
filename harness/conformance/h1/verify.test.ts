import { describe as suite, expect, it } from 'vitest';
import type { H1CaseContext } from './case.js';
import type { H1Conn } from './target.js';
import { answered, describe, followUp, rejectedAndClosed, snapshot } from './verify.js';

/** A connection whose received bytes and state the test sets. */
function conn(received: string, state: { closed?: boolean; reset?: boolean } = {}): H1Conn {
  return {
    received: Buffer.from(received, 'latin1'),
    closed: state.closed ?? state.reset ?? false,
    reset: state.reset ?? false,
    write: () => Promise.resolve(),
    end: () => {},
    until: (pred) => Promise.resolve(pred()),
    close: () => {},
  };
}

const ctx = (echoPath: string | null = '/echo'): H1CaseContext => ({
  timeoutMs: 100,
  path: '/hello',
  echoPath,
  postPath: echoPath ?? '/hello',
  missingPath: '/missing',
  authority: 'example.test',
  connect: () => Promise.reject(new Error('no')),
});

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n${extra}\r\n${body}`;
const status = (code: number, reason: string) => `HTTP/1.1 ${code} ${reason}\r\ncontent-length: 0\r\n\r\n`;

suite('observations and how they read', () => {
  it('statuses in order, then the connection state', () => {
    expect(describe(snapshot(conn(status(400, 'Bad Request'), { closed: true })))).toBe('400, closed');
    expect(describe(snapshot(conn(ok('hi') + status(404, 'Not Found'))))).toBe('200 then 404, kept open');
    expect(describe(snapshot(conn('', { reset: true })))).toBe('no response, reset');
    expect(describe(snapshot(conn('HTTP/1.1 100 Continue\r\n\r\n' + ok('x'))))).toBe('100 then 200, kept open');
  });

  it('finals leave out interim responses; responses keep them', () => {
    const o = snapshot(conn('HTTP/1.1 100 Continue\r\n\r\n' + ok('x')));
    expect(o.responses.map((r) => r.status)).toEqual([100, 200]);
    expect(o.finals.map((r) => r.status)).toEqual([200]);
  });

  it('content of 2xx responses where asked, quoted and cut; an error\'s text never; fields where present', () => {
    const o = snapshot(conn(ok('a\r\nb\x00') + `HTTP/1.1 400 Bad Request\r\ncontent-length: 3\r\nconnection: close\r\n\r\nbad`, { closed: true }));
    expect(describe(o, { bodies: [0, 1], fields: ['connection'] })).toBe('200 (body "a\\r\\nb\\x00") then 400 (connection: close), closed');
    const long = snapshot(conn(ok('x'.repeat(50))));
    expect(describe(long, { bodies: [0] })).toBe(`200 (body "${'x'.repeat(40)}…" (50 octets)), kept open`);
  });

  it('a response cut off, and bytes that are not a response, after the ones that parsed', () => {
    expect(describe(snapshot(conn(`${ok('hi')}HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc`)))).toBe('200 then an incomplete response "HTTP/1.1 200 OK", kept open');
    expect(describe(snapshot(conn('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc', { closed: true })))).toBe('an incomplete response "HTTP/1.1 200 OK (cut off by the close)", closed');
    expect(describe(snapshot(conn(`${ok('hi')}garbage\r\n\r\n`, { closed: true })))).toBe('200 then bytes that are not a response: "garbage\\r\\n\\r\\n", closed');
    expect(describe(snapshot(conn('hello')))).toBe('bytes that are not a response: "hello", kept open');
    // A partial status line is a response on its way, not garbage.
    expect(snapshot(conn('HTTP/1')).unparseable).toBeNull();
  });

  it('HEAD responses carry no content: content sent anyway shows up as bytes that are not a response', () => {
    const bytes = `${ok('hello')}${ok('hi')}`;
    expect(describe(snapshot(conn(bytes), 0, [false, false]))).toBe('200 then 200, kept open');
    expect(snapshot(conn(bytes), 0, [true, false]).unparseable).toBe('"helloHTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\n\\r\\nhi"');
  });

  it('reads from an offset', () => {
    const first = status(404, 'Not Found');
    expect(describe(snapshot(conn(first + ok('x')), first.length))).toBe('200, kept open');
  });
});

suite('judging', () => {
  it('rejected and closed: exactly one final error response and the close', () => {
    expect(rejectedAndClosed(snapshot(conn(status(400, 'Bad Request'), { closed: true })))).toBe(true);
    expect(rejectedAndClosed(snapshot(conn(status(400, 'Bad Request'))))).toBe(false);
    expect(rejectedAndClosed(snapshot(conn(status(400, 'Bad Request') + ok(''), { closed: true })))).toBe(false);
    expect(rejectedAndClosed(snapshot(conn(ok(''), { closed: true })))).toBe(false);
    expect(rejectedAndClosed(snapshot(conn(status(413, 'Content Too Large'), { reset: true })), [400])).toBe(false);
    expect(rejectedAndClosed(snapshot(conn(status(413, 'Content Too Large'), { reset: true })), [400, 413])).toBe(true);
  });

  it('answered: not a refusal; with an echo path, a 2xx carrying the content', () => {
    const r = (bytes: string) => snapshot(conn(bytes)).finals[0];
    expect(answered(r(ok('hello')), ctx(), 'hello')).toBe(true);
    expect(answered(r(ok('hell')), ctx(), 'hello')).toBe(false);
    expect(answered(r(ok('hell')), ctx(null), 'hello')).toBe(true);
    expect(answered(r(status(405, 'Method Not Allowed')), ctx(null), 'hello')).toBe(true);
    expect(answered(r(status(400, 'Bad Request')), ctx(null))).toBe(false);
    expect(answered(r(status(501, 'Not Implemented')), ctx(null))).toBe(false);
    expect(answered(undefined, ctx())).toBe(false);
  });

  it('the follow-up request is a GET of the path, with Host', () => {
    expect(followUp(ctx())).toBe('GET /hello HTTP/1.1\r\nHost: example.test\r\n\r\n');
  });
});
