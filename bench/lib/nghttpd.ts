/**
 * nghttpd (Debian nghttp2-server), nghttp2's own C server, as the native reference point of the
 * HTTP/2 benchmarks. It serves files from a document root and prints nothing when it is ready, and
 * it cannot bind port 0, so: a free port is found first, and readiness is a TCP connect that
 * succeeds. The document root holds the benchmark routes as files (same octets as aeronet's demo).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { stopChild, track } from './children.js';
import { ServerStartError, type RunningServer } from './server-process.js';

/** Path of nghttpd, or null when it is not installed. */
export function findNghttpd(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v nghttpd'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

/** A port nothing listens on right now (there is a window before nghttpd binds it; it is short). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Writes `/hello` and `/bytes/<n>` for each size into `dir`, the files nghttpd serves. */
export function writeDocroot(dir: string, sizes: readonly number[]): void {
  mkdirSync(join(dir, 'bytes'), { recursive: true });
  writeFileSync(join(dir, 'hello'), 'hello, world\n');
  for (const n of sizes) {
    const body = Buffer.allocUnsafe(n);
    for (let off = 0; off < n; off += 16384) patternBytes(off, Math.min(16384, n - off)).copy(body, off);
    writeFileSync(join(dir, 'bytes', String(n)), body);
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface NghttpdOptions {
  docroot: string;
  host?: string;
  /** TLS with ALPN h2 when given; h2c (prior knowledge) otherwise. */
  tls?: { cert: string; key: string };
  timeoutMs?: number;
}

export async function startNghttpd(path: string, options: NghttpdOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = await freePort(host);
  const args = ['-d', options.docroot, '--address', host];
  if (options.tls === undefined) args.push('--no-tls', String(port));
  else args.push(String(port), options.tls.key, options.tls.cert);
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  track(child, { group: true });
  const tail: string[] = [];
  const keep = (d: Buffer): void => {
    tail.push(...d.toString('utf8').split('\n').filter((l) => l !== ''));
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let stopping: Promise<void> | undefined;
  const stop = (graceMs?: number): Promise<void> => (stopping ??= stopChild(child, graceMs));
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (!(await canConnect(host, port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop(500);
      throw new ServerStartError(`nghttpd did not start listening on ${host}:${port}\n  command: ${path} ${args.join(' ')}\n${tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const url = `${options.tls === undefined ? 'http' : 'https'}://${host}:${port}`;
  return { name: 'nghttpd', url, child, recentOutput: () => tail.join('\n'), stop };
}
