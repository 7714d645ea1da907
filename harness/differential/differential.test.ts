import { describe, expect, it } from 'vitest';
import { ALL_SCENARIOS, isSelftest } from '../../scenarios/index.js';
import { compareResponses, runDifferential, type DifferentialVerdict } from './differential.js';
import { parseResponses } from '../http/response-parser.js';

const SEEDS = Number(process.env['AERONET_DIFF_SEEDS'] ?? 10);

/**
 * What node:http really does on each HTTP/1.1 scenario that it can run, found by running it and
 * reading node's source (lib/_http_server.js). 'agrees': on every seed, node:http meets the
 * scenario's expectations and answers exactly as aeronet does. 'deviates': on some seed it does
 * not meet them, for the reason given; it must never be both right and different.
 */
const NODE_HTTP: Record<string, { node: 'agrees' } | { node: 'deviates'; why: string }> = {
  'h1/hello-keep-alive': { node: 'agrees' },
  'h1/pipelined-echo-order': { node: 'agrees' },
  'h1/chunked-split-boundaries': { node: 'agrees' },
  'h1/stream-chunked-choppy': { node: 'agrees' },
  'h1/pipelining-byte-by-byte': { node: 'agrees' },
  'h1/pipelining-head-get-mix': { node: 'agrees' },
  'h1/expect-continue-wait': { node: 'agrees' },
  'h1/timeout-slow-body-within-limit': { node: 'agrees' },
  'h1/half-close-mid-request': { node: 'agrees' },
  'h1/reset-client-mid-body': { node: 'agrees' },
  'h1/reset-client-mid-response': { node: 'agrees' },
  'h1/reset-after-bytes-request': { node: 'agrees' },
  'h1/backpressure-paused-reader': { node: 'agrees' },
  'h1/chunked-extensions': {
    node: 'deviates',
    why: 'llhttp rejects chunk extensions with whitespace (BWS) or escaped quoted strings, which RFC 9112 §7.1.1 allows; its 400 is then lost to the reset below',
  },
  'h1/chunked-invalid-size-midstream': {
    node: 'deviates',
    why: 'node destroys the socket right after its 400 while request bytes are still arriving, so the kernel resets the connection and the 400 is often lost (RFC 9112 §9.6 asks for a staged close)',
  },
  'h1/error-close-pending-input': {
    node: 'deviates',
    why: 'the same immediate close after an error response: with input pending, the client gets a reset instead of the 501',
  },
  'h1/chunked-over-limit': { node: 'deviates', why: 'node:http has no request body size limit, so no 413' },
  'h1/expect-continue-too-large': { node: 'deviates', why: 'node:http has no body size limit: it sends 100 Continue where a 413 is due' },
  'h1/pipelining-half-close': {
    node: 'deviates',
    why: 'with httpAllowHalfOpen false, a client FIN aborts every pipelined request not yet answered',
  },
  'h1/half-close-after-request': {
    node: 'deviates',
    why: 'the same: a FIN right after a complete request aborts it unless the response is already out',
  },
  'h1/timeout-keep-alive-idle': {
    node: 'deviates',
    why: 'node:http closes an idle keep-alive connection keepAliveTimeout + 1 s (its HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER) after the response',
  },
};

const H1 = ALL_SCENARIOS.filter((s) => !isSelftest(s) && s.name.startsWith('h1/'));

describe(`differential check against node:http over TestSocket (${SEEDS} seeds)`, () => {
  it('has a stated expectation or a skip reason for every HTTP/1.1 scenario', () => {
    const unstated = H1.filter((s) => (s.differential === undefined) === (NODE_HTTP[s.name] === undefined)).map((s) => s.name);
    expect(unstated, 'each h1 scenario needs exactly one of: an entry in NODE_HTTP, or differential.skip').toEqual([]);
    expect(Object.keys(NODE_HTTP).filter((name) => !H1.some((s) => s.name === name))).toEqual([]);
  });

  for (const scenario of H1) {
    const expected = NODE_HTTP[scenario.name];
    const label = expected === undefined ? `skipped: ${scenario.differential?.skip}` : expected.node === 'agrees' ? 'node:http agrees' : `node:http deviates: ${expected.why}`;
    it(`${scenario.name}: ${label}`, async () => {
      const verdicts = new Map<DifferentialVerdict, string[]>();
      for (let seed = 1; seed <= SEEDS; seed++) {
        const r = await runDifferential(scenario, seed);
        verdicts.set(r.verdict, [...(verdicts.get(r.verdict) ?? []), `seed ${seed}: ${r.detail}`]);
      }
      const report = [...verdicts].map(([v, d]) => `${v} ×${d.length}: ${d[0]}`).join('\n');
      if (expected === undefined) {
        expect([...verdicts.keys()], report).toEqual(['skipped']);
        return;
      }
      // Never both right and different; aeronet itself must pass (the sim gate says so too).
      expect(verdicts.get('differ') ?? [], report).toEqual([]);
      expect(verdicts.get('aeronet-failed') ?? [], report).toEqual([]);
      if (expected.node === 'agrees') expect(verdicts.get('agree')?.length, report).toBe(SEEDS);
      else expect(verdicts.get('node-deviates')?.length ?? 0, report).toBeGreaterThan(0);
    }, 120_000);
  }
});

describe('compareResponses', () => {
  const parse = (text: string) => parseResponses(Buffer.from(text, 'latin1'), { closed: true }).responses;
  const ok = (body: string) => `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
  const bad = (body: string) => `HTTP/1.1 400 Bad Request\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`;

  it('agrees on the same statuses and bodies, and on error responses whose text differs', () => {
    expect(compareResponses([parse(ok('a') + ok('bb'))], [parse(ok('a') + ok('bb'))])).toBeNull();
    expect(compareResponses([parse(bad('bad framing'))], [parse(bad('Bad Request'))])).toBeNull();
    expect(compareResponses([null, parse(ok('x'))], [[], parse(ok('x'))])).toBeNull();
  });

  it('names the first difference: count, status, or a success body', () => {
    expect(compareResponses([parse(ok('a') + ok('b'))], [parse(ok('a'))])).toMatch(/c1: aeronet gave 2 response\(s\), node:http 1/);
    expect(compareResponses([parse(ok('a'))], [parse(bad('a'))])).toMatch(/c1 response 1: aeronet 200, node:http 400/);
    expect(compareResponses([parse(ok('abc'))], [parse(ok('abd'))])).toMatch(/bodies differ/);
    expect(compareResponses([parse(ok('a'))], [parse(ok('a')), parse(ok('a'))])).toMatch(/opened 1 connection\(s\), node:http's 2/);
  });
});
