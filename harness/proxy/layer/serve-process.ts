import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RegistrySnapshot } from '../../../server/debug/debug-registry.js';
import { SIM_SERVER_CERT_PEM, SIM_SERVER_KEY_PEM } from '../../sim/sim-certs.js';
import { KEYLOG_FILE, keyLogRequested } from '../../artifacts/key-log-artifact.js';

/**
 * The built CLI `aeronet serve` runs from: $AERONET_CLI when set (the tests point it at their own
 * build), else this package's dist/cli/aeronet.js, as `npx aeronet` runs it.
 */
export function aeronetCli(): string {
  const fromEnv = process.env['AERONET_CLI'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : packageCli();
}

function packageCli(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // From source (vitest) or from dist: the package root is three or four levels up.
  const root = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '../../../..') : path.resolve(here, '../../..');
  return path.join(root, 'dist', 'cli', 'aeronet.js');
}

export interface ServeOptions {
  tls: boolean;
  /** More `aeronet serve` flags (e.g. ['--timeout', 'keep-alive=1000']). */
  args?: readonly string[];
  /** Run it under this command (the netem layer: ['ip', 'netns', 'exec', '<server ns>']). */
  prefix?: readonly string[];
  /** --host (default 127.0.0.1) and --port (default 0). */
  host?: string;
  port?: number;
  /** How to GET the debug registry when this process cannot reach it (another namespace). */
  fetchRegistry?: (url: string) => Promise<RegistrySnapshot>;
  /** How long it may take to announce its address (default 15 s; a User-Mode Linux guest under load is far slower to start node). */
  startMs?: number;
  /** Under TLS, run with `--tls-keylog` and keep the key log for the artifact (default: AERONET_TLS_KEYLOG=1). */
  keyLog?: boolean;
}

/** `aeronet serve` running as its own process, the documented way, with the debug registry on. */
export interface ServeProcess {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  /** The command line, for the manifest. */
  readonly commandLine: string[];
  /** Where its debug registry answers (from inside its own network namespace). */
  readonly debugUrl: string;
  /** Its stderr so far: the JSON-lines log. */
  log(): string[];
  /** The TLS key log it wrote (read when it exits), or null when it ran without one. */
  keyLog(): string | null;
  /** GET the debug registry (connections, handshakes, timers, fds). */
  registry(): Promise<RegistrySnapshot>;
  /** Exited on its own (a crash) before stop(): the exit code or signal, else null. */
  crashed(): string | null;
  /** SIGTERM and wait (SIGKILL after 5 s); returns how it ended. */
  stop(): Promise<string>;
}

/** Start `aeronet serve --port 0 --debug-port 0` (with the sim certificate under TLS). */
export async function startServeProcess(options: ServeOptions): Promise<ServeProcess> {
  const tmp = options.tls ? mkdtempSync(path.join(tmpdir(), 'aeronet-serve-')) : null;
  const args = [aeronetCli(), 'serve', '--port', String(options.port ?? 0), '--debug-port', '0', '--log-level', 'debug', ...(options.host !== undefined ? ['--host', options.host] : [])];
  if (tmp !== null) {
    writeFileSync(path.join(tmp, 'cert.pem'), SIM_SERVER_CERT_PEM);
    writeFileSync(path.join(tmp, 'key.pem'), SIM_SERVER_KEY_PEM);
    args.push('--tls-cert', path.join(tmp, 'cert.pem'), '--tls-key', path.join(tmp, 'key.pem'));
  }
  const keyLogFile = tmp !== null && (options.keyLog ?? keyLogRequested()) ? path.join(tmp, KEYLOG_FILE) : null;
  if (keyLogFile !== null) args.push('--tls-keylog', keyLogFile);
  let keyLog: string | null = null;
  args.push(...(options.args ?? []));
  const argv = [...(options.prefix ?? []), process.execPath, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const logLines: string[] = [];
  let stderrRest = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    const parts = (stderrRest + s).split('\n');
    stderrRest = parts.pop()!;
    logLines.push(...parts);
  });
  let exit: string | null = null;
  let stopping = false;
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => {
    exit = signal !== null ? `signal ${signal}` : `exit ${code}`;
    // Read before the folder goes: the artifact is written after the process has exited.
    if (keyLogFile !== null) keyLog = readKeyLog(keyLogFile);
    if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
    resolve(exit);
  }));
  const { url, debugUrl } = await readAnnouncements(child, exited, () => logLines.join('\n') + stderrRest, options.startMs ?? 15_000);
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port),
    url,
    pid: child.pid!,
    debugUrl,
    commandLine: argv,
    log: () => (stderrRest ? [...logLines, stderrRest] : [...logLines]),
    keyLog: () => (keyLog === null && keyLogFile !== null && exit === null ? readKeyLog(keyLogFile) : keyLog),
    registry: () => (options.fetchRegistry ?? getRegistry)(debugUrl),
    crashed: () => (stopping ? null : exit),
    async stop() {
      if (exit !== null) return exit;
      stopping = true;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      const how = await exited;
      clearTimeout(kill);
      return how;
    },
  };
}

function readKeyLog(file: string): string | null {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return null;
  }
}

/** Wait for "aeronet listening on URL" and "aeronet debug registry on URL" on stdout. */
function readAnnouncements(child: ChildProcess, exited: Promise<string>, stderr: () => string, startMs: number): Promise<{ url: string; debugUrl: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let url: string | null = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aeronet serve did not announce its address within ${startMs / 1000} s; stderr: ${stderr().slice(-2000)}`));
    }, startMs);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      url ??= /aeronet listening on (\S+)/.exec(out)?.[1] ?? null;
      const debugUrl = /aeronet debug registry on (\S+)/.exec(out)?.[1];
      if (url !== null && debugUrl !== undefined) {
        clearTimeout(timer);
        resolve({ url: url.replace(/\/$/, ''), debugUrl });
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`aeronet serve ended (${how}) before listening; stderr: ${stderr().slice(-2000)}`));
    });
  });
}

/** One GET on a fresh connection (agent: false), so no keep-alive socket skews the fd count. */
function getRegistry(url: string): Promise<RegistrySnapshot> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s)).on('end', () => {
        try {
          resolve(JSON.parse(text) as RegistrySnapshot);
        } catch {
          reject(new Error(`debug registry answered ${res.statusCode} with non-JSON: ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('debug registry did not answer within 5 s')));
    req.on('error', reject);
  });
}
