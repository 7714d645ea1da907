/**
 * The HTTP/1.1 request parser (server/http1/request-parser.ts) on arbitrary bytes, as one
 * connection's input parsed message after message.
 *
 * Properties:
 * - the only exception is the parser's own HttpParseError, at an offset inside the input;
 * - partial-read invariance: the input cut at three points drawn from it, and (up to 1 KiB) one
 *   byte at a time, parses to exactly the same messages and error as the whole input;
 * - bounded output: at most one message per 16 input octets (the shortest request line and
 *   blank line, "X / HTTP/1.1\r\n\r\n", is 16), and no more body octets than input octets;
 * - parse(serialize(m)) = m for every message parsed (head, body and trailers written back out
 *   in canonical form must parse to the same message).
 */
import { parseAll, type ParsedMessage, type ParseOutcome } from '../../server/http1/test-support/parse-all.js';
import { BAD, GOOD } from '../../server/http1/test-support/corpus.js';
import { check, sameData, show, WorkRatio, type FuzzTarget, type SeedInput } from '../fuzz-target.js';
import { byteByByte, cutAt, cutPoints } from '../seeds/split-points.js';
import { wireSeeds } from '../seeds/wire-seeds.js';

const SHORTEST_MESSAGE = 16;
const BYTE_BY_BYTE_LIMIT = 1024;

const ratio = new WorkRatio('parser events per input octet');

/** Without the offset, which depends on where the message sat in the input. */
function comparable(outcome: ParseOutcome): unknown {
  return {
    messages: outcome.messages.map((m) => ({ ...m, head: { ...m.head, offset: 0 } })),
    error: outcome.error,
  };
}

/** A message written back out: request line, fields, and the body in the framing it came in. */
export function serializeMessage(m: ParsedMessage): Buffer {
  const head = m.head;
  const lines = [`${head.method} ${head.target} HTTP/1.${head.versionMinor}`, ...head.headers.map(([n, v]) => `${n}: ${v}`)];
  const parts = [Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')];
  if (head.framing.kind === 'length') parts.push(Buffer.from(m.body, 'latin1'));
  if (head.framing.kind === 'chunked') {
    if (m.body.length > 0) parts.push(Buffer.from(`${m.body.length.toString(16)}\r\n${m.body}\r\n`, 'latin1'));
    parts.push(Buffer.from(`0\r\n${m.trailers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`, 'latin1'));
  }
  return Buffer.concat(parts);
}

export function checkRequestParser(data: Buffer): void {
  const whole = parseAll([data]);
  if (whole.error !== null) check(whole.error.offset >= 0 && whole.error.offset <= data.length, () => `error offset ${whole.error!.offset} outside the ${data.length}-octet input`);
  check(whole.messages.length <= data.length / SHORTEST_MESSAGE, () => `${whole.messages.length} messages from ${data.length} octets`);
  const bodyOctets = whole.messages.reduce((n, m) => n + m.body.length, 0);
  check(bodyOctets <= data.length, () => `${bodyOctets} body octets from ${data.length} input octets`);
  ratio.observe(whole.messages.length * 2 + whole.messages.filter((m) => m.trailers.length > 0).length, data.length, data);

  const expected = comparable(whole);
  const cuts = cutPoints(data);
  const split = parseAll(cutAt(data, cuts));
  check(sameData(comparable(split), expected), () => `cut at ${cuts.join(',')}: ${show(comparable(split))} but whole: ${show(expected)}`);
  if (data.length <= BYTE_BY_BYTE_LIMIT) {
    const bytes = parseAll(byteByByte(data));
    check(sameData(comparable(bytes), expected), () => `byte by byte: ${show(comparable(bytes))} but whole: ${show(expected)}`);
  }

  for (const message of whole.messages) {
    const again = parseAll([serializeMessage(message)]);
    const want = comparable({ messages: [message], error: null });
    check(sameData(comparable(again), want), () => `re-serialized ${show(serializeMessage(message).toString('latin1'))} parses to ${show(comparable(again))}, not ${show(want)}`);
  }
}

export const target: FuzzTarget = {
  name: 'h1-request',
  description: 'HTTP/1.1 request parser: split invariance, bounded output, parse(serialize(x)) = x',
  run: checkRequestParser,
  async: false,
  dictionary: 'http1.dict',
  instrument: ['server/http1/'],
  ratio: 'parser events per input octet',
  async seeds(): Promise<SeedInput[]> {
    const corpus = [...GOOD, ...BAD].map((c) => ({ name: `corpus-${c.name}`, data: Buffer.from(c.raw, 'latin1') }));
    return [...corpus, ...(await wireSeeds()).h1];
  },
};
