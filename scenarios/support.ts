/**
 * Small helpers shared by the scenario files: building request bytes, reading responses with
 * HEAD framing, and waiting on a connection with a bound in virtual time. Not a scenario itself.
 */
import type { ScenarioContext } from '../harness/runner/scenario.js';
import type { TestConnection } from '../harness/sim/test-socket.js';
import { parseResponses, type ParsedResponse } from '../harness/http/response-parser.js';
import { recordResponses } from '../harness/runner/observed-responses.js';
import type { Sim } from '../harness/sim/sim.js';
import { SimUpstream, type SimUpstreamOptions } from '../harness/sim/sim-upstream.js';
import type { Dialer } from '../server/http1/http1-options.js';
import { SIM_SERVER_CERT_PEM, SIM_SERVER_KEY_PEM } from '../harness/sim/sim-certs.js';

/** A GET (or other bodiless) request with Host. */
export function get(path: string, extra = '', method = 'GET'): string {
  return `${method} ${path} HTTP/1.1\r\nHost: sim\r\n${extra}\r\n`;
}

/** A POST with a Content-Length body. */
export function post(path: string, body: string, extra = ''): string {
  return `POST ${path} HTTP/1.1\r\nHost: sim\r\n${extra}Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`;
}

/** The head of a chunked POST. */
export function chunkedHead(path: string, extra = ''): string {
  return `POST ${path} HTTP/1.1\r\nHost: sim\r\n${extra}Transfer-Encoding: chunked\r\n\r\n`;
}

/** One chunk: size line (with optional extension text, starting with ';'), data, CRLF. */
export function chunk(data: string, ext = ''): string {
  return `${data.length.toString(16)}${ext}\r\n${data}\r\n`;
}

/** `body` cut into chunks of random sizes in [1, maxChunk]. */
export function splitRandom(body: string, maxChunk: number, rng: ScenarioContext['rng']): string[] {
  const parts: string[] = [];
  for (let i = 0; i < body.length; ) {
    const n = Math.min(body.length - i, rng.int(1, maxChunk));
    parts.push(body.slice(i, i + n));
    i += n;
  }
  return parts;
}

/** Random printable text of `length` characters (distinct per request, so mix-ups show). */
export function randomText(length: number, rng: ScenarioContext['rng']): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

/**
 * Wait for `count` complete responses (interim ones included), or the connection's end, with
 * `head[i]` saying whether final response i answers a HEAD request.
 */
export async function responsesWithHead(conn: TestConnection, count: number, head: readonly boolean[]): Promise<ParsedResponse[]> {
  const client = conn.client;
  await client.until(() => client.closed || client.ended || parseResponses(client.received, { head }).responses.length >= count);
  return recordResponses(conn, parseResponses(client.received, { head, closed: client.ended || client.closed }).responses);
}


/** The first byte offset where `a` and `b` differ, or -1 when equal. */
export function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * Write `data` to the client, swallowing the error a write raises once the connection has been
 * reset (scenarios about resets keep writing into a dead connection on purpose).
 */
export async function writeIgnoringReset(conn: TestConnection, data: string | Uint8Array): Promise<boolean> {
  if (conn.client.closed) return false;
  try {
    await conn.client.write(data);
    return true;
  } catch (err) {
    if (conn.client.closed) return false;
    throw err;
  }
}


/**
 * A CONNECT dialer for a scenario's static `server` options, bound to the running Sim at the
 * start of each run(): the runner builds the server from `scenario.server` before run() sees the
 * Sim, so the dialer forwards to the SimUpstream that run() creates. Seeds run one after another,
 * so one binding per scenario module is enough.
 */
export function lateBoundUpstream(options: SimUpstreamOptions = {}): { dial: Dialer; bind(sim: Sim): SimUpstream } {
  let current: SimUpstream | null = null;
  return {
    dial: (host, port) => {
      if (current === null) return Promise.reject(new Error('lateBoundUpstream: run() did not bind a Sim'));
      return current.dial(host, port);
    },
    bind(sim) {
      current = new SimUpstream(sim, options);
      return current;
    },
  };
}

/** The tunnel's answer head and what followed it, or null while the head is incomplete. */
export function tunnelHead(received: Buffer): { head: string; rest: Buffer } | null {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return null;
  return { head: received.subarray(0, end + 4).toString('latin1'), rest: received.subarray(end + 4) };
}

/** Server options for TLS scenarios: the sim's throwaway certificate for sim.test. */
export const SIM_TLS = { cert: SIM_SERVER_CERT_PEM, key: SIM_SERVER_KEY_PEM };

/** An HTTP/1.1 GET for the TLS scenarios (Host matches the certificate). */
export function tlsGet(path: string, extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: sim.test\r\n${extra}\r\n`;
}

/**
 * HTTP/2 helpers (in h2/h2-support.ts): connectH2() puts a frame-level client (RawH2Client) with
 * per-stream responses and a flow-control audit on a simulated connection; connectH2Tls() does
 * the same inside TLS with ALPN h2; nodeH2OverSim() runs node:http2's client over the sim.
 */
export { connectH2, connectH2Tls, nodeH2OverSim, nodeH2Session, H2Peer, type H2Conn, type H2TlsConn } from './h2/h2-support.js';
