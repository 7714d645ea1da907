import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AeronetServer } from '../../../../server/server.js';
import { aeronetInSim } from '../aeronet-target.js';
import type { SimTarget } from '../sim-target.js';
import type { FaultProfile } from '../../../sim/faults.js';
import type { RunningServer } from '../../listen-loopback.js';

export { AERONET_PATHS } from '../aeronet-target.js';

/** aeronet with the demo routes in a Sim, as a conformance target. */
export function aeronetSimTarget(seed = 1, faults?: { clientToServer?: FaultProfile; serverToClient?: FaultProfile }): SimTarget<AeronetServer> {
  return aeronetInSim({ seed, ...(faults !== undefined ? { faults } : {}) });
}

export type { RunningServer };

/**
 * node:http2 on a loopback port, h2c with prior knowledge (or TLS with `secure`), answering
 * every request once its body has ended: 13 octets, or 100,000 for /large.
 */
export async function startNodeHttp2(secure?: { cert: string; key: string }): Promise<RunningServer> {
  const server = secure !== undefined ? http2.createSecureServer({ ...secure, allowHTTP1: false }) : http2.createServer();
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    stream.resume();
    stream.on('end', () => {
      if (stream.destroyed || stream.closed) return;
      stream.respond({ ':status': 200, 'content-type': 'text/plain' });
      stream.end(headers[':path'] === '/large' ? Buffer.alloc(100_000, 0x61) : Buffer.from('hello, world\n'));
    });
  });
  server.on('sessionError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export const NGHTTPD = '/usr/sbin/nghttpd';

export const haveNghttpd = existsSync(NGHTTPD);

/** nghttpd (nghttp2's server) serving a temporary folder: index.html, and /large of 100,000 octets. */
export async function startNghttpd(): Promise<RunningServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aeronet-nghttpd-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>conformance</title><p>hello, world</p>\n');
  writeFileSync(path.join(dir, 'large'), Buffer.alloc(100_000, 0x61));
  const port = await freePort();
  const child: ChildProcess = spawn(NGHTTPD, ['--no-tls', '-d', dir, String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let attempt = 0; ; attempt++) {
    if (await canConnect(port)) break;
    if (attempt > 100 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`nghttpd did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
