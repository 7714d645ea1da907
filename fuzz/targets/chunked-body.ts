/**
 * Chunked bodies (RFC 9112 §7.1): arbitrary bytes after a fixed request head that says
 * `Transfer-Encoding: chunked`, so every mutation lands in chunk sizes, extensions, data, CRLFs
 * and trailers rather than in the request line.
 *
 * Properties: those of the request parser (h1-request.ts: split invariance, bounded output,
 * re-serializing as chunked parses back the same), and the trailer rules of RFC 9110 §6.5.1:
 * no framing or routing field is ever taken from a trailer section.
 */
import { parseAll } from '../../server/http1/test-support/parse-all.js';
import { check, type FuzzTarget, type SeedInput } from '../fuzz-target.js';
import { wireSeeds } from '../seeds/wire-seeds.js';
import { checkRequestParser } from './h1-request.js';

const HEAD = Buffer.from('POST /echo HTTP/1.1\r\nHost: fuzz.test\r\nTransfer-Encoding: chunked\r\n\r\n', 'latin1');
const NEVER_FROM_TRAILERS = ['content-length', 'transfer-encoding', 'host', 'trailer'];

export function checkChunkedBody(data: Buffer): void {
  const input = Buffer.concat([HEAD, data]);
  checkRequestParser(input);
  for (const message of parseAll([input]).messages) {
    for (const [name] of message.trailers) {
      check(!NEVER_FROM_TRAILERS.includes(name.toLowerCase()), () => `trailer section yielded "${name}" (RFC 9110 §6.5.1)`);
    }
  }
}

/** The body part of every seed request that is chunked. */
function chunkedBodies(seeds: readonly SeedInput[]): SeedInput[] {
  const out: SeedInput[] = [];
  for (const seed of seeds) {
    for (const message of parseAll([seed.data], {}, false).messages) {
      if (message.head.framing.kind !== 'chunked') continue;
      const at = seed.data.indexOf('\r\n\r\n', message.head.offset, 'latin1');
      if (at < 0) continue;
      out.push({ name: `${seed.name}-${message.head.offset}`, data: seed.data.subarray(at + 4) });
    }
  }
  return out;
}

export const target: FuzzTarget = {
  name: 'chunked-body',
  description: 'chunked transfer coding: chunk sizes, extensions, trailers; split invariance, re-encoding',
  run: checkChunkedBody,
  async: false,
  dictionary: 'chunked.dict',
  instrument: ['server/http1/'],
  ratio: 'parser events per input octet',
  async seeds(): Promise<SeedInput[]> {
    const hand = ['0\r\n\r\n', '5\r\nhello\r\n0\r\n\r\n', '3;ext=1\r\nabc\r\n0\r\nx-t: 1\r\n\r\n', 'a\r\n0123456789\r\n2\r\nab\r\n0\r\n\r\n'];
    return [...hand.map((h, i) => ({ name: `hand-${i}`, data: Buffer.from(h, 'latin1') })), ...chunkedBodies((await wireSeeds()).h1)];
  },
};
