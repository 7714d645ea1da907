/**
 * The servers the HTTP/2 benchmarks compare, each started the same way (fresh process, free
 * port, URL known once it listens), over h2c with prior knowledge or TLS with ALPN h2:
 *   aeronet             `aeronet serve` with metrics on, logging at error
 *   node:http2          node:http2's stream API (node-http2-stream.ts): the peer at its best
 *   node:http2 compat   node:http2's compatibility API (node-http2-hello.ts): what bench:h2 used to
 *                       compare against; /hello over h2c only
 *   nghttpd             nghttp2's C server: the native reference point
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_SERVER_CERT_PEM, SIM_SERVER_KEY_PEM } from '../../harness/sim/sim-certs.js';
import { BenchError } from './bench-support.js';
import { findNghttpd, startNghttpd, writeDocroot } from './nghttpd.js';
import { startServer, type RunningServer, type ServerCommand } from './server-process.js';
import type { H2Scenario } from './h2-scenarios.js';

export interface H2Peer {
  name: string;
  /** The command line, for the report. */
  describe(tls: boolean): string;
  /** Why this peer cannot run a scenario, or null when it can. */
  unsupported(s: H2Scenario): string | null;
  start(tls: boolean): Promise<RunningServer>;
}

export const PEER_NAMES = ['aeronet', 'node:http2', 'node:http2 compat', 'nghttpd'] as const;
export type PeerName = (typeof PEER_NAMES)[number];

/** Files every peer shares: the TLS key pair, nghttpd's document root, the POST bodies. */
export interface BenchFiles {
  dir: string;
  cert: string;
  key: string;
  docroot: string;
}

export function benchFiles(sizes: readonly number[]): BenchFiles {
  const dir = mkdtempSync(join(tmpdir(), 'aeronet-bench-h2-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  writeFileSync(cert, SIM_SERVER_CERT_PEM);
  writeFileSync(key, SIM_SERVER_KEY_PEM, { mode: 0o600 });
  const docroot = join(dir, 'htdocs');
  writeDocroot(docroot, sizes);
  return { dir, cert, key, docroot };
}

function nodePeer(name: string, cmd: (tls: boolean) => ServerCommand, unsupported: (s: H2Scenario) => string | null): H2Peer {
  return {
    name,
    describe: (tls) => { const c = cmd(tls); return [c.command, ...c.args].join(' '); },
    unsupported,
    start: (tls) => startServer(cmd(tls)),
  };
}

export function makePeers(root: string, files: BenchFiles, names: readonly PeerName[]): H2Peer[] {
  const node = process.execPath;
  const script = (rel: string): string => {
    const p = join(root, rel);
    if (!existsSync(p)) throw new BenchError(`${p} does not exist. Build first: npm run build`);
    return p;
  };
  const tlsArgs = (tls: boolean): string[] => (tls ? ['--tls-cert', files.cert, '--tls-key', files.key] : []);
  const peers: H2Peer[] = [];
  for (const name of names) {
    if (name === 'aeronet') {
      const cli = script('dist/cli/aeronet.js');
      // Metrics on (their own listener on a free port): every figure is with every frame counted.
      peers.push(nodePeer(name, (tls) => ({ name, command: node, args: [cli, 'serve', '--host', '127.0.0.1', '--port', '0', '--log-level', 'error', '--metrics-port', '0', ...tlsArgs(tls)], cwd: root }), () => null));
    } else if (name === 'node:http2') {
      const s = script('dist/bench/node-http2-stream.js');
      peers.push(nodePeer(name, (tls) => ({ name, command: node, args: [s, '--host', '127.0.0.1', '--port', '0', ...tlsArgs(tls)], cwd: root }), () => null));
    } else if (name === 'node:http2 compat') {
      const s = script('dist/bench/node-http2-hello.js');
      peers.push(nodePeer(name, () => ({ name, command: node, args: [s, '--host', '127.0.0.1', '--port', '0'], cwd: root }),
        (sc) => (sc.path === '/hello' && sc.method === 'GET' && sc.tls !== true ? null : 'serves GET /hello over h2c only')));
    } else {
      const path = findNghttpd();
      if (path === null) throw new BenchError('nghttpd is not installed. Install it: apt-get install nghttp2-server (or leave it out with --peers)');
      peers.push({
        name,
        describe: (tls) => `${path} -d ${files.docroot} ${tls ? `PORT ${files.key} ${files.cert}` : '--no-tls PORT'}`,
        unsupported: (sc) => sc.notFor?.[name] ?? null,
        start: (tls) => startNghttpd(path, { docroot: files.docroot, ...(tls ? { tls: { cert: files.cert, key: files.key } } : {}) }),
      });
    }
  }
  return peers;
}

/** `--peers a,b` checked against the known names. */
export function parsePeerList(v: string): PeerName[] {
  const names = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
  for (const n of names) if (!(PEER_NAMES as readonly string[]).includes(n)) throw new BenchError(`--peers: unknown peer ${JSON.stringify(n)} (known: ${PEER_NAMES.join(', ')})`);
  if (!names.includes('aeronet') || !names.includes('node:http2')) throw new BenchError('--peers must include aeronet and node:http2 (the ratio is between them)');
  return [...new Set(names)] as PeerName[];
}
