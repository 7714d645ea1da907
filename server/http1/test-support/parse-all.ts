import { RequestParser } from '../request-parser.js';
import { DEFAULT_HTTP1_LIMITS, type Http1Limits } from '../limits.js';
import { HttpParseError } from '../parse-error.js';
import type { RequestHead } from '../request-head.js';

/** One parsed message, normalised so that differently split inputs compare equal. */
export interface ParsedMessage {
  head: Omit<RequestHead, 'headers'> & { headers: Array<[string, string]> };
  body: string;
  trailers: Array<[string, string]>;
}

export interface ParseOutcome {
  messages: ParsedMessage[];
  error: { status: number; code: string; offset: number } | null;
}

/** Feed `chunks` to a fresh parser, parsing every message back to back, then signal end of input. */
export function parseAll(chunks: Buffer[], limits: Partial<Http1Limits> = {}, endOfInput = true): ParseOutcome {
  const messages: ParsedMessage[] = [];
  let current: ParsedMessage | null = null;
  let body: Buffer[] = [];
  const parser = new RequestParser(
    {
      onHead(head) {
        current = { head: { ...head, headers: head.headers.map(([n, v]) => [n, v]) }, body: '', trailers: [] };
        body = [];
      },
      onBody(chunk) {
        body.push(Buffer.from(chunk));
      },
      onTrailers(trailers) {
        current!.trailers = trailers.map(([n, v]) => [n, v]);
      },
      onMessageEnd() {
        current!.body = Buffer.concat(body).toString('latin1');
        messages.push(current!);
        current = null;
      },
    },
    { ...DEFAULT_HTTP1_LIMITS, ...limits },
  );
  try {
    for (const chunk of chunks) {
      let i = 0;
      while (i < chunk.length) i = parser.execute(chunk, i);
    }
    if (endOfInput) parser.finish();
    return { messages, error: null };
  } catch (err) {
    if (err instanceof HttpParseError) return { messages, error: { status: err.status, code: err.code, offset: err.offset } };
    throw err;
  }
}

/** Every way of cutting `input` in two, plus one byte at a time. */
export function splits(input: Buffer): Buffer[][] {
  const out: Buffer[][] = [[input]];
  for (let k = 1; k < input.length; k++) out.push([input.subarray(0, k), input.subarray(k)]);
  out.push([...input].map((b) => Buffer.from([b])));
  return out;
}
