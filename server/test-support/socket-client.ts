import http from 'node:http';
import net from 'node:net';
import type { AeronetServer } from '../server.js';
import { SocketTransport } from '../transport/socket-transport.js';

/**
 * Helpers for socket-level tests: a raw TCP client that records everything the server sends
 * (and when the connection closed), a strict HTTP/1.1 response parser for those bytes, and a
 * small promise wrapper around node:http.
 */

export { parseResponses, type ParsedResponse, type ParseResult, type ParseOptions } from '../../harness/http/response-parser.js';
import { parseResponses, type ParsedResponse } from '../../harness/http/response-parser.js';

export interface CloseInfo {
  /** ms since the client was created. */
  at: number;
  /** The connection ended with an error (ECONNRESET and the like) rather than a FIN. */
  error: string | null;
  /** A FIN arrived ('end'). */
  ended: boolean;
}

const openClients = new Set<RawClient>();

/** A raw TCP client that records all bytes received and when the connection closed. */
export class RawClient {
  readonly socket: net.Socket;
  readonly startedAt = Date.now();
  private chunks: Buffer[] = [];
  private total = 0;
  private waiters: Array<() => void> = [];
  closeInfo: CloseInfo | null = null;
  ended = false;
  endedAt: number | null = null;
  readonly closedPromise: Promise<CloseInfo>;
  private lastError: string | null = null;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    openClients.add(this);
    socket.on('data', (c: Buffer) => {
      this.chunks.push(c);
      this.total += c.length;
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.endedAt = Date.now() - this.startedAt;
      this.wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.lastError = err.code ?? err.message;
    });
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.closeInfo = { at: Date.now() - this.startedAt, error: this.lastError, ended: this.ended };
        openClients.delete(this);
        this.wake();
        resolve(this.closeInfo);
      });
    });
  }

  /** Connect to 127.0.0.1:port; resolves once connected. */
  static connect(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: options.allowHalfOpen ?? false });
      socket.setNoDelay(true);
      const client = new RawClient(socket);
      const onError = (err: Error) => reject(err);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(client);
      });
    });
  }

  get received(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  get receivedBytes(): number {
    return this.total;
  }

  get text(): string {
    return this.received.toString('latin1');
  }

  get closed(): boolean {
    return this.closeInfo !== null;
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Write `data` `step` bytes at a time with `delayMs` between writes (stops if the socket closes). */
  async trickle(data: string | Buffer, delayMs: number, step = 1): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    for (let i = 0; i < buf.length && !this.closed && !this.socket.destroyed; i += step) {
      this.socket.write(buf.subarray(i, i + step));
      if (i + step < buf.length) await delay(delayMs);
    }
  }

  /** Half-close our side (FIN). */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Wait until `predicate` holds for the received bytes (or the connection state). */
  async waitFor(predicate: (client: RawClient) => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${JSON.stringify(this.text.slice(0, 500))}, closed=${this.closed}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait for `count` complete final responses (1xx not counted) and return every parsed response. */
  async responses(count: number, options: { head?: readonly boolean[]; timeoutMs?: number; includeInterim?: boolean } = {}): Promise<ParsedResponse[]> {
    let result: ParsedResponse[] = [];
    await this.waitFor(
      (c) => {
        result = parseResponses(c.received, { ...(options.head ? { head: options.head } : {}), closed: c.closed }).responses;
        return result.filter((r) => r.status >= 200).length >= count || (c.closed && true);
      },
      options.timeoutMs ?? 3000,
      `${count} responses`,
    );
    const finals = result.filter((r) => r.status >= 200);
    if (finals.length < count) throw new Error(`connection closed after ${finals.length} of ${count} responses; received ${JSON.stringify(this.text.slice(0, 800))}`);
    return options.includeInterim ? result : finals;
  }

  /** Wait for the connection to close; rejects after timeoutMs. */
  async waitClosed(timeoutMs = 3000): Promise<CloseInfo> {
    await this.waitFor((c) => c.closed, timeoutMs, 'close');
    return this.closeInfo!;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** Destroy every RawClient still open (for afterEach). */
export function destroyAllClients(): void {
  for (const c of openClients) c.destroy();
  openClients.clear();
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `predicate` every 10 ms until it holds, or throw after timeoutMs. */
export async function eventually(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  trailers: NodeJS.Dict<string>;
  socket: net.Socket;
  reusedSocket: boolean;
}

/** One request with node:http; resolves with the whole response. */
export function httpRequest(
  url: string,
  options: http.RequestOptions & { body?: string | Buffer } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const { body, ...rest } = options;
    const req = http.request(url, rest, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
          trailers: res.trailers,
          socket: req.socket as net.Socket,
          reusedSocket: req.reusedSocket,
        }),
      );
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The /bytes pattern has period 52; this reference lets a chunk at any offset be checked with one compare. */
const PERIOD = 52;
let reference: Buffer | null = null;
function patternReference(patternByte: (i: number) => number): Buffer {
  if (reference === null) {
    reference = Buffer.allocUnsafe(1024 * 1024 + PERIOD);
    for (let i = 0; i < reference.length; i++) reference[i] = patternByte(i);
  }
  return reference;
}

/**
 * Checks bytes of the /bytes/:n pattern incrementally, chunk by chunk, without holding them.
 * `patternByte` is the demo's function (passed in to keep this module independent of the demo).
 */
export class PatternChecker {
  offset = 0;
  firstMismatch = -1;
  constructor(private readonly patternByte: (i: number) => number) {}

  push(chunk: Buffer): void {
    const ref = patternReference(this.patternByte);
    let k = 0;
    while (k < chunk.length) {
      const n = Math.min(chunk.length - k, ref.length - PERIOD);
      const phase = (this.offset + k) % PERIOD;
      if (this.firstMismatch < 0 && !chunk.subarray(k, k + n).equals(ref.subarray(phase, phase + n))) {
        for (let j = 0; j < n; j++) {
          if (chunk[k + j] !== this.patternByte(this.offset + k + j)) {
            this.firstMismatch = this.offset + k + j;
            break;
          }
        }
      }
      k += n;
    }
    this.offset += chunk.length;
  }
}

/**
 * An AeronetServer served through our own net.Server, exactly as `listen()` does it, but keeping
 * the server-side sockets so a test can look at what the server has queued (writableLength).
 */
export interface TappedServer {
  port: number;
  url: string;
  /** Server-side sockets, in accept order. */
  sockets: net.Socket[];
  close(): Promise<void>;
}

export async function startTappedServer(server: AeronetServer): Promise<TappedServer> {
  const sockets: net.Socket[] = [];
  const listener = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.push(socket);
    server.accept(new SocketTransport(socket));
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    sockets,
    close: async () => {
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      await server.close({ deadlineMs: 500 });
      await closed;
    },
  };
}
