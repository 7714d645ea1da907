import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SIM_CA_PEM } from '../sim/sim-certs.js';

/** The name on the sim certificate `aeronet serve` gets under TLS (harness/sim/sim-certs.ts). */
export const TLS_SERVERNAME = 'sim.test';

export interface ClientEndpoint {
  host: string;
  port: number;
  tls: boolean;
}

export interface RequestSpec {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Give up (and report 'timeout') after this long; default 10 s. */
  timeoutMs?: number;
}

/**
 * What a client saw: a complete response, or the error that ended it and whatever had arrived.
 * A scenario's core check is "complete and correct, or a clean error", never a silent truncation.
 */
export interface Outcome {
  /** The response ended normally (all of Content-Length / the last chunk / END_STREAM). */
  complete: boolean;
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Error code or message ('ECONNRESET', 'timeout', 'ERR_HTTP2_STREAM_ERROR'...), null when complete. */
  error: string | null;
  ms: number;
}

export interface H1Client {
  request(spec: RequestSpec): Promise<Outcome>;
  close(): void;
}

export interface H2Client {
  request(spec: RequestSpec): Promise<Outcome>;
  /** Resolves once the session is connected (TLS handshake and SETTINGS), or rejects with why not. */
  connected(timeoutMs?: number): Promise<void>;
  close(): void;
}

export interface CurlResult {
  /** curl's exit code (0 ok, 18 partial file, 28 timeout, 52 empty reply, 56 recv failure...). */
  exitCode: number;
  status: number | null;
  /** curl's %{http_version}: '1.1', '2'... */
  httpVersion: string | null;
  body: Buffer;
  stderr: string;
  ms: number;
}

function errorCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? e?.message ?? String(err);
}

/** Collects one response into an Outcome; the first finish() wins, and a timer gives up on a hang. */
class OutcomeRecorder {
  readonly chunks: Buffer[] = [];
  status: number | null = null;
  headers: Outcome['headers'] = {};
  private readonly started = performance.now();
  private settled = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly resolve: (o: Outcome) => void) {}

  /** After `ms`, finish with 'timeout' and run `abandon` (destroy the request). */
  giveUpAfter(ms: number, abandon: () => void): void {
    this.timer = setTimeout(() => {
      this.finish(false, 'timeout');
      abandon();
    }, ms);
  }

  finish(complete: boolean, error: string | null): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.resolve({ complete, status: this.status, headers: this.headers, body: Buffer.concat(this.chunks), error, ms: performance.now() - this.started });
  }
}

/** node:http (or https) with a keep-alive agent of its own. */
export function h1Client(endpoint: ClientEndpoint): H1Client {
  const agent = endpoint.tls ? new https.Agent({ keepAlive: true, ca: SIM_CA_PEM, servername: TLS_SERVERNAME }) : new http.Agent({ keepAlive: true });
  const lib = endpoint.tls ? https : http;
  return {
    request(spec) {
      return new Promise<Outcome>((resolve) => {
        const out = new OutcomeRecorder(resolve);
        const req = lib.request({
          host: endpoint.host,
          port: endpoint.port,
          method: spec.method ?? 'GET',
          path: spec.path,
          headers: { ...(spec.headers ?? {}), ...(spec.body ? { 'content-length': String(spec.body.length) } : {}) },
          agent,
          ...(endpoint.tls ? { servername: TLS_SERVERNAME, ca: SIM_CA_PEM } : {}),
        });
        out.giveUpAfter(spec.timeoutMs ?? 10_000, () => req.destroy());
        req.on('error', (err) => out.finish(false, errorCode(err)));
        req.on('response', (res) => {
          out.status = res.statusCode ?? null;
          out.headers = res.headers;
          res.on('data', (c: Buffer) => out.chunks.push(c));
          res.on('end', () => out.finish(res.complete, res.complete ? null : 'incomplete'));
          res.on('aborted', () => out.finish(false, 'aborted'));
          res.on('error', (err) => out.finish(false, errorCode(err)));
          res.on('close', () => out.finish(res.complete, res.complete ? null : 'closed-before-end'));
        });
        req.end(spec.body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** One node:http2 session: h2c with prior knowledge, or TLS with ALPN h2. */
export function h2Client(endpoint: ClientEndpoint): H2Client {
  // The address as authority; under TLS the certificate is checked against the SNI name instead.
  // Windows the size browsers grant (1 MiB per stream, 16 MiB per connection): with node's
  // 64 KiB defaults a 240 ms round trip caps a session near 270 KB/s, which measures the
  // bandwidth-delay product, not the server.
  const session = http2.connect(`${endpoint.tls ? 'https' : 'http'}://${endpoint.host}:${endpoint.port}`, {
    settings: { initialWindowSize: 1 << 20 },
    ...(endpoint.tls ? { ca: SIM_CA_PEM, servername: TLS_SERVERNAME } : {}),
  });
  session.once('connect', () => session.setLocalWindowSize(16 << 20));
  let sessionError: string | null = null;
  session.on('error', (err) => (sessionError = errorCode(err)));
  return {
    connected(timeoutMs = 10_000) {
      if (session.connecting === false && !session.destroyed) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        session.once('connect', () => { clearTimeout(timer); resolve(); });
        session.once('close', () => { clearTimeout(timer); reject(new Error(sessionError ?? 'closed')); });
      });
    },
    request(spec) {
      return new Promise<Outcome>((resolve) => {
        const out = new OutcomeRecorder(resolve);
        let ended = false;
        if (session.destroyed || session.closed) {
          out.finish(false, sessionError ?? 'session-closed');
          return;
        }
        let stream: http2.ClientHttp2Stream;
        try {
          stream = session.request({ ':method': spec.method ?? 'GET', ':path': spec.path, ...(spec.headers ?? {}) }, { endStream: spec.body === undefined });
        } catch (err) {
          out.finish(false, errorCode(err));
          return;
        }
        out.giveUpAfter(spec.timeoutMs ?? 10_000, () => stream.close(http2.constants.NGHTTP2_CANCEL));
        stream.on('response', (h) => {
          out.status = Number(h[':status']);
          out.headers = h as Outcome['headers'];
        });
        stream.on('data', (c: Buffer) => out.chunks.push(c));
        stream.on('end', () => (ended = true));
        stream.on('error', (err) => out.finish(false, errorCode(err)));
        stream.on('close', () => {
          const clean = ended && stream.rstCode === http2.constants.NGHTTP2_NO_ERROR;
          out.finish(clean, clean ? null : `rst ${stream.rstCode}${sessionError ? ` (${sessionError})` : ''}`);
        });
        if (spec.body !== undefined) stream.end(spec.body);
      });
    },
    close: () => session.destroy(),
  };
}

/** Run curl against the endpoint with the protocol's flags; the body comes back on stdout. */
export function curl(endpoint: ClientEndpoint, protocol: 'h1' | 'h2', urlPath: string, args: readonly string[] = [], timeoutMs = 20_000): Promise<CurlResult> {
  const started = performance.now();
  const tmp = endpoint.tls ? mkdtempSync(path.join(tmpdir(), 'aeronet-curl-')) : null;
  const argv = ['-sS', '--no-progress-meter', '-o', '-', '-w', '\n%{http_version} %{http_code}', '--max-time', String(Math.ceil(timeoutMs / 1000))];
  let url: string;
  if (tmp !== null) {
    writeFileSync(path.join(tmp, 'ca.pem'), SIM_CA_PEM);
    argv.push('--cacert', path.join(tmp, 'ca.pem'), '--resolve', `${TLS_SERVERNAME}:${endpoint.port}:${endpoint.host}`);
    argv.push(protocol === 'h2' ? '--http2' : '--http1.1');
    url = `https://${TLS_SERVERNAME}:${endpoint.port}${urlPath}`;
  } else {
    argv.push(protocol === 'h2' ? '--http2-prior-knowledge' : '--http1.1');
    url = `http://${endpoint.host}:${endpoint.port}${urlPath}`;
  }
  argv.push(...args, url);
  return new Promise((resolve) => {
    execFile('curl', argv, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs + 5000 }, (err, stdout, stderr) => {
      if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      const exitCode = e === null ? 0 : typeof e.code === 'number' ? e.code : -1;
      // -w appends "\n<version> <status>" after the body.
      const nl = stdout.lastIndexOf(0x0a);
      const tail = /^([0-9.]+) ([0-9]{3})$/.exec(nl >= 0 ? stdout.subarray(nl + 1).toString() : '');
      const status = tail && tail[2] !== '000' ? Number(tail[2]) : null;
      const httpVersion = tail && tail[1] !== '0' ? tail[1]! : null;
      resolve({ exitCode, status, httpVersion, body: nl >= 0 ? stdout.subarray(0, nl) : stdout, stderr: stderr.toString(), ms: performance.now() - started });
    });
  });
}
