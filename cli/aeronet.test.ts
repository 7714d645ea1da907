import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpRequest } from '../server/test-support/socket-client.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Built once for the whole run by vitest.global-setup.ts (never dist/, which another run may be writing).
const CLI = inject('aeronetCli');

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], timeoutMs = 10_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, timeout: timeoutMs }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
      resolve({
        code: e === null ? 0 : typeof e.code === 'number' ? e.code : null,
        signal: e?.signal ?? null,
        stdout,
        stderr,
      });
    });
  });
}

const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Start `serve` and wait for its listening line. */
async function startServe(args: string[]): Promise<{ child: ChildProcess; url: string; port: number; stdout: () => string; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 8000;
  let m: RegExpExecArray | null = null;
  while ((m = /aeronet listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(out)) === null) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${err}`);
    if (Date.now() > deadline) throw new Error(`serve did not print its URL; stdout=${out} stderr=${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, url: m[1]!, port: Number(m[2]), stdout: () => out, stderr: () => err, exited };
}

beforeAll(() => {
  expect(existsSync(CLI), `the CLI vitest.global-setup.ts built is missing: ${CLI}`).toBe(true);
});

describe('aeronet CLI', () => {
  it('--help exits 0 and lists serve', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: aeronet <command>');
    expect(r.stdout).toMatch(/^\s+serve\s/m);
    expect(r.stderr).toBe('');
  });

  it('help and -h also exit 0', async () => {
    expect((await run(['help'])).code).toBe(0);
    expect((await run(['-h'])).code).toBe(0);
  });

  it('no command exits 2 with the usage', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('Usage: aeronet');
  });

  it('an unknown command exits 2 naming it', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect(r.stderr).toContain('Usage: aeronet');
  });

  it('serve --help exits 0 with the usage', async () => {
    const r = await run(['serve', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--port');
  });

  it.each([
    [['serve', '--port', 'abc'], /--port must be an integer/],
    [['serve', '--port', '70000'], /--port must be an integer/],
    [['serve', '--port', '-1'], /port/],
    [['serve', '--bogus'], /bogus/],
    [['serve', 'positional'], /positional|argument/i],
    [['serve', '--log-level', 'loud'], /--log-level must be one of/],
    [['serve', '--tls-cert', 'x'], /--tls-cert and --tls-key must be given together/],
    [['serve', '--tls-key', 'x'], /--tls-cert and --tls-key must be given together/],
    [['serve', '--connect-allow', 'not a target'], /connect\.allow/],
    [['serve', '--timeout', 'headers'], /--timeout must be <name>=<ms> with name one of headers, body, keep-alive/],
    [['serve', '--timeout', 'nap=100'], /--timeout must be <name>=<ms>.*got "nap=100"/],
    [['serve', '--timeout', 'headers=-5'], /--timeout must be <name>=<ms>/],
    [['serve', '--debug-port', 'x'], /--debug-port must be an integer from 0 to 65535, got "x"/],
    [['run', '--layer', 'radio'], /--layer must be sim, proxy, netem, a comma-separated list of them, or all; got "radio"/],
    [['run', '--layer', 'sim,sim'], /--layer names a layer twice: "sim,sim"/],
    [['run', '--layer', 'all', '--shard', '3/2'], /--shard i\/n needs 1 <= i <= n, got "3\/2"/],
    [['run', '--shard', 'half'], /--shard must be i\/n/],
    [['run', '--progress', 'loud'], /--progress must be auto, live, lines or off, got "loud"/],
    [['run', '--layer', 'sim,proxy', '--differential'], /--trace-hash and --differential apply to the sim layer only/],
    [['run', '--layer', 'all', '--scenario', 'nowhere/nope'], /unknown scenario "nowhere\/nope" \(see --list\)/],
    [['run', '--layer', 'netem', '--backend', 'vm'], /--backend must be host, uml or auto, got "vm"/],
    [['run', '--layer', 'netem', '--scenario', 'netem/nope'], /unknown netem scenario "netem\/nope"/],
    [['run', '--layer', 'sim', '--smoke'], /--smoke applies to the netem layer only/],
    [['run', '--layer', 'proxy', '--backend', 'uml'], /--backend applies to the netem layer only/],
    [['run', '--layer', 'proxy', '--scenario', 'proxy/nope'], /unknown proxy scenario "proxy\/nope"/],
    [['run', '--layer', 'proxy', '--seed', '1', '--seeds', '2'], /give --seed or --seeds, not both/],
    [['run', '--layer', 'proxy', '--trace-hash'], /--trace-hash and --differential apply to the sim layer only/],
    [['conformance', 'h1', '--matrix'], /--matrix needs --faults PROFILES/],
    [['conformance', 'h2', '--matrix', '--layers', 'sim'], /--matrix needs --faults PROFILES/],
    [['conformance', 'h2', '--faults', 'choppy', '--matrix', '--layers', 'sim,radio'], /--layers takes a comma list of sim, proxy, netem; got "radio"/],
    [['conformance', 'h1', '--faults', 'choppy', '--matrix', '--layers', ','], /--layers takes a comma list .*; got nothing/],
    [['conformance', 'h1', '--faults', 'choppy', '--matrix', '--seeds', '0'], /--seeds must be an integer from 1 to 1000, got "0"/],
    [['conformance', 'h2', '--faults', 'choppy', '--matrix', '--seed', '0'], /--seed must be an integer from 1 to 1000000, got "0"/],
    [['conformance', 'h2', '--faults', 'choppy', '--seed', '2', '--seeds', '3'], /give --seed or --seeds, not both/],
    [['conformance', 'h1', '--faults', 'choppy', '--matrix', '--json', 'x.json'], /--json writes the suite report; a matrix run writes --matrix-json <file>/],
    [['conformance', 'h2', '--faults', 'choppy', '--matrix', '--host', '127.0.0.1', '--port', '80'], /--faults runs the suite in-process/],
    [['conformance', 'h2', '--faults', 'choppy', '--layers', 'sim'], /--layers applies to --matrix only/],
    [['conformance', 'h1', '--host', '127.0.0.1', '--port', '80', '--matrix-json', 'm.json'], /--matrix-json applies to --matrix only/],
    [['conformance', 'h1', '--host', '127.0.0.1', '--port', '80', '--seed', '3'], /--seed applies to --faults and --via-proxy only/],
    [['conformance', 'h2', '--via-proxy', 'reset_peer'], /unknown proxy toxic "reset_peer" \(available: none, latency, slicer, bandwidth, slow_close, all\)/],
    [['conformance', 'h2', '--via-proxy', 'slicer', '--faults', 'choppy'], /--via-proxy runs one layer's columns \(a repro\); for the whole matrix use --faults P --matrix/],
    [['conformance', 'h1', '--via-proxy', 'slicer', '--via-netem', 'lossy'], /give --via-proxy or --via-netem, not both/],
    [['conformance', 'h1', '--via-proxy', 'slicer', '--port', '80'], /--via-proxy starts its own `aeronet serve`/],
    [['conformance', 'h1', '--via-proxy', 'slicer', '--seeds', '2'], /--seeds does not apply to --via-proxy/],
    [['conformance', 'h2', '--via-netem', 'lossy', '--seed', '2'], /--seed does not apply to --via-netem/],
    [['conformance', 'h2', '--via-netem', 'stormy'], /unknown netem profile "stormy" \(available: lossy, narrow, all\)/],
    [['conformance', 'h1', 'h1/nope', '--faults', 'choppy', '--matrix'], /no case matches "h1\/nope"/],
  ])('%j exits 2 with a usage error', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^aeronet: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('serve --tls-cert missing.pem --tls-key missing.pem exits 2 naming the file', async () => {
    const r = await run(['serve', '--port', '0', '--tls-cert', 'missing-cert.pem', '--tls-key', 'missing-key.pem']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing-cert.pem');
    expect(r.stderr).toMatch(/does not exist/);
  });

  it('serve --port <busy> exits 1 with the error', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      const r = await run(['serve', '--port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('EADDRINUSE');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('serve --port 0 prints its URL, serves /hello, and exits 0 on SIGTERM', async () => {
    const s = await startServe(['--port', '0']);
    expect(s.port).toBeGreaterThan(0);
    const r = await httpRequest(`${s.url}/hello`);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('hello, world\n');
    // Compression is on by default (the control for the --no-compression test).
    const text = 'compress me please '.repeat(300);
    const z = await httpRequest(`${s.url}/echo`, { method: 'POST', headers: { 'accept-encoding': 'gzip', 'content-type': 'text/plain' }, body: text });
    expect(z.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(z.body).toString()).toBe(text);
    s.child.kill('SIGTERM');
    const exit = await s.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(s.stdout()).toContain('aeronet: SIGTERM, draining');
    // Logs are JSON lines on stderr.
    for (const line of s.stderr().split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('SIGINT drains too: a request in flight completes before the process exits 0', async () => {
    const s = await startServe(['--port', '0', '--log-level', 'warn']);
    const pending = httpRequest(`${s.url}/slow?ms=400`, { agent: false });
    await new Promise((r) => setTimeout(r, 100));
    s.child.kill('SIGINT');
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('slept 400 ms\n');
    expect(r.headers.connection).toBe('close');
    const exit = await s.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(s.stderr()).toBe(''); // nothing at warn or above
  });

  it('run --layer all --list lists every layer in run order; the shards of --shard i/n together are the whole set', async () => {
    const all = (await run(['run', '--layer', 'all', '--list'])).stdout.trim().split('\n');
    const firstProxy = all.findIndex((n) => n.startsWith('proxy/'));
    const firstNetem = all.findIndex((n) => n.startsWith('netem/'));
    expect(firstProxy).toBeGreaterThan(50);
    expect(firstNetem).toBeGreaterThan(firstProxy);
    expect(all).toContain('netem/h1-loss-download (smoke)');
    const plain = all.filter((n) => !n.includes('selftest'));
    const shards = await Promise.all([1, 2, 3].map((i) => run(['run', '--layer', 'all', '--list', '--shard', `${i}/3`])));
    const parts = shards.map((r) => r.stdout.trim().split('\n'));
    for (const p of parts) expect(p.length).toBeGreaterThan(plain.length / 3 - 2);
    expect(parts.flat().sort()).toEqual([...plain].sort());
  });

  it('run --layer proxy --list prints the proxy scenarios, selftests included', async () => {
    const r = await run(['run', '--layer', 'proxy', '--list']);
    expect(r.code).toBe(0);
    const names = r.stdout.trim().split('\n');
    expect(names.length).toBeGreaterThanOrEqual(25);
    expect(names.every((n) => n.startsWith('proxy/'))).toBe(true);
    expect(names).toContain('proxy/selftest-always-fails');
  });

  it('serve --debug-port 0 --timeout keep-alive=300 reports its registry and applies the timeout', async () => {
    const s = await startServe(['--port', '0', '--debug-port', '0', '--timeout', 'keep-alive=300']);
    const debugUrl = /aeronet debug registry on (\S+)/.exec(s.stdout())?.[1] ?? (await new Promise<string>((resolve) => {
      const poll = setInterval(() => {
        const m = /aeronet debug registry on (\S+)/.exec(s.stdout());
        if (m) { clearInterval(poll); resolve(m[1]!); }
      }, 20);
    }));
    const socket = net.connect(s.port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((r) => socket.once('connect', r));
    const busy = await httpRequest(debugUrl, {});
    expect(JSON.parse(busy.body.toString())).toMatchObject({ connections: 1 });
    // The idle connection is closed by the 300 ms keep-alive timeout, and the registry says so.
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const idle = JSON.parse((await httpRequest(debugUrl, {})).body.toString()) as { connections: number; timers: number };
    expect(idle.connections).toBe(0);
    expect(idle.timers).toBe(0);
    s.child.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);
  });

  it('serve --no-compression answers without content-encoding', async () => {
    const s = await startServe(['--port', '0', '--no-compression']);
    const text = 'compress me please '.repeat(300);
    const r = await httpRequest(`${s.url}/echo`, { method: 'POST', headers: { 'accept-encoding': 'gzip', 'content-type': 'text/plain' }, body: text });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.body.toString()).toBe(text);
    s.child.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);
  });
});
