import { ErrorCode } from '../../../../server/http2/frames/constants.js';
import type { CaseContext, H2Case } from '../case.js';
import { response, type Expectation } from '../verify.js';
import { postFields, sendAndWatch } from './support.js';

/*
 * What RFC 9113 changed since RFC 7540, which h2spec 2.6.0 does not test: field validity
 * (§8.2.1), the full list of connection-specific fields (§8.2.2), Host against :authority
 * (§8.3.1), and the deprecation of priority signals (§5.3.2): they must still parse and do no harm.
 */

const { PROTOCOL_ERROR } = ErrorCode;

/**
 * A malformed request (§8.1.1): "MUST be treated as a stream error of type PROTOCOL_ERROR", and
 * for invalid field characters (§8.2.1) "an implementation SHOULD generate a 400 (Bad Request)
 * status code". So an RST_STREAM or GOAWAY with PROTOCOL_ERROR passes, and so does a 4xx answer
 * (the request was refused, not served); any other answer means the request was processed.
 */
export function rejected(streamId: number): Expectation {
  return {
    expected: `RST_STREAM frame on stream ${streamId} or GOAWAY frame (error code: PROTOCOL_ERROR), a 4xx response, or the connection closed`,
    judge: (f) => {
      if (f.type === 'GOAWAY') return f.errorCode === PROTOCOL_ERROR;
      if (f.type === 'RST_STREAM' && f.streamId === streamId && f.errorCode === PROTOCOL_ERROR) return true;
      if (f.type === 'HEADERS' && f.streamId === streamId) {
        const status = f.fields?.find(([n]) => n === ':status')?.[1];
        if (status !== undefined && !status.startsWith('1')) return status.startsWith('4');
      }
      return undefined;
    },
    onClose: true,
  };
}

function malformed(id: string, title: string, extra: (ctx: CaseContext) => Array<[string, string]>): H2Case {
  return { id, title, run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, [...ctx.get(), ...extra(ctx)], { endStream: true }), rejected(1)) };
}

export const RFC9113_CASES: H2Case[] = [
  // §8.3.1: "A server SHOULD treat a request as malformed if it contains a Host header field that
  // identifies an entity that differs from the entity in the ':authority' pseudo-header field."
  malformed('rfc9113/8.3.1/1', 'Sends a HEADERS frame whose Host header field differs from ":authority"', () => [['host', 'other.invalid']]),
  {
    id: 'rfc9113/8.3.1/2',
    title: 'Sends a HEADERS frame whose Host header field equals ":authority"',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, [...ctx.get(), ['host', ctx.authority]], { endStream: true }), response(1)),
  },
  // §8.2.1: field values: no NUL, CR or LF anywhere; no leading or trailing SP or HTAB.
  malformed('rfc9113/8.2.1/1', 'Sends a HEADERS frame with a field value that starts with whitespace', () => [['x-conformance', ' value']]),
  malformed('rfc9113/8.2.1/2', 'Sends a HEADERS frame with a field value that ends with whitespace', () => [['x-conformance', 'value\t']]),
  malformed('rfc9113/8.2.1/3', 'Sends a HEADERS frame with a field value that contains NUL', () => [['x-conformance', 'val\0ue']]),
  malformed('rfc9113/8.2.1/4', 'Sends a HEADERS frame with a field value that contains CR', () => [['x-conformance', 'val\rue']]),
  malformed('rfc9113/8.2.1/5', 'Sends a HEADERS frame with a field value that contains LF', () => [['x-conformance', 'val\nue']]),
  // §8.2.1: field names: no 0x00-0x20, no upper case, no 0x7f-0xff, no colon outside pseudo-header fields.
  malformed('rfc9113/8.2.1/6', 'Sends a HEADERS frame with a field name that contains a space', () => [['x conformance', 'value']]),
  malformed('rfc9113/8.2.1/7', 'Sends a HEADERS frame with a field name that contains a colon', () => [['x:conformance', 'value']]),
  // §8.2.2: "Connection, Proxy-Connection, Keep-Alive, Transfer-Encoding, and Upgrade" are malformed in HTTP/2.
  malformed('rfc9113/8.2.2/1', 'Sends a HEADERS frame that contains the "transfer-encoding" header field', () => [['transfer-encoding', 'chunked']]),
  malformed('rfc9113/8.2.2/2', 'Sends a HEADERS frame that contains the "upgrade" header field', () => [['upgrade', 'h2c']]),
  malformed('rfc9113/8.2.2/3', 'Sends a HEADERS frame that contains the "keep-alive" header field', () => [['keep-alive', 'timeout=5']]),
  malformed('rfc9113/8.2.2/4', 'Sends a HEADERS frame that contains the "proxy-connection" header field', () => [['proxy-connection', 'keep-alive']]),
  // §5.3.2: priority signals are deprecated; the frames still parse and must break nothing.
  {
    id: 'rfc9113/5.3.2/1',
    title: 'Sends PRIORITY frames that build and rearrange a dependency tree, then a request',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () =>
        conn.client
          .priority(3, { exclusive: false, dependency: 0, weight: 200 })
          .priority(5, { exclusive: true, dependency: 3, weight: 1 })
          .priority(7, { exclusive: false, dependency: 5, weight: 256 })
          .priority(3, { exclusive: true, dependency: 7, weight: 32 }) // 3 now depends on its own descendant (RFC 7540 §5.3.3)
          .headers(9, ctx.get(), { endStream: true }), response(9)),
  },
  {
    id: 'rfc9113/5.3.2/2',
    title: 'Sends a HEADERS frame whose priority depends on an idle stream',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true, priority: { exclusive: true, dependency: 101, weight: 64 } }), response(1)),
  },
  {
    id: 'rfc9113/5.3.2/3',
    title: 'Sends a PRIORITY frame for an open stream in the middle of its request',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, 4)).priority(1, { exclusive: false, dependency: 0, weight: 200 }).data(1, 'test', true), response(1)),
  },
];
