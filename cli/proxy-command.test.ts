/**
 * `aeronet proxy` as a process, run from the CLI vitest.global-setup.ts builds for the test run.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, echo, startUpstream, waitFor } from '../harness/proxy/runtime/test-support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'aeronet-proxy-cli-test');
// Built once for the whole run by vitest.global-setup.ts.
const cli = inject('aeronetCli');
let tmp = '';

beforeAll(() => {
  mkdirSync(CACHE, { recursive: true });
  tmp = mkdtempSync(path.join(CACHE, 'files-'));
});

afterAll(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  while (cleanups.length) await cleanups.pop()!();
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'proxy', ...args], { cwd: ROOT, timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null;
      resolve({ code, stdout, stderr });
    });
  });
}

interface Running {
  child: ChildProcess;
  url: string;
  stdout(): string;
  exited: Promise<number | null>;
}

async function start(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [cli, 'proxy', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let m: RegExpExecArray | null = null;
  await waitFor(() => (m = /^aeronet proxy listening on (http:\/\/127\.0\.0\.1:\d+) \(seed (.+)\)\n/.exec(out)) !== null || child.exitCode !== null, 8000, 'the listening line');
  if (m === null) throw new Error(`aeronet proxy exited ${child.exitCode}: ${err}`);
  return { child, url: (m as RegExpExecArray)[1]!, stdout: () => out, exited };
}

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
}

async function echoUpstream(): Promise<string> {
  const up = await startUpstream(echo);
  cleanups.push(up.close);
  return `127.0.0.1:${up.port}`;
}

describe('aeronet proxy', () => {
  it('bad flags exit 2 with the message and the usage', async () => {
    const cases: [string[], string][] = [
      [['--port', '70000'], '--port must be an integer from 0 to 65535, got "70000"'],
      [['--port=-1'], '--port must be an integer from 0 to 65535, got "-1"'],
      [['--seed', 'two words'], '--seed must be 1 to 64 characters from A-Z a-z 0-9 . _ -, got "two words"'],
      [['--seed', 'x'.repeat(65)], '--seed must be 1 to 64 characters'],
      [['--host', ''], '--host must not be empty'],
      [['--bogus'], "Unknown option '--bogus'"],
    ];
    await Promise.all(
      cases.map(async ([args, message]) => {
        const r = await run(args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toContain(`aeronet: ${message}`);
        expect(r.stderr).toContain('Options for proxy:');
        expect(r.stdout).toBe('');
      }),
    );
  });

  it('a config that cannot be used exits 2 with `aeronet: --config <file>: <reason>`, leaving nothing listening', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const busyPort = (busy.address() as net.AddressInfo).port;
    const missing = path.join(tmp, 'missing.json');
    const cases: [string, string][] = [
      [missing, `aeronet: --config ${missing}: cannot read it (ENOENT: no such file or directory, open '${missing}')`],
      [file('empty.json', '  \n'), 'the file is empty; expected a JSON array of proxies (the /populate format)'],
      [file('bad.json', '[{"name": }]'), "invalid JSON: invalid character '}' looking for beginning of value"],
      [file('object.json', '{"name":"a"}'), 'expected a JSON array of proxies (the /populate format), got an object'],
      [file('types.json', '[{"name":1}]'), 'json: cannot unmarshal number into Go struct field .name of type string'],
      [file('noupstream.json', '[{"name":"a"}]'), 'missing required field: upstream at proxy 1'],
      [file('bind.json', JSON.stringify([{ name: 'ok', listen: '127.0.0.1:0', upstream: 'x:1' }, { name: 'b', listen: `127.0.0.1:${busyPort}`, upstream: 'x:1' }])), `listen tcp 127.0.0.1:${busyPort}: bind: address already in use`],
    ];
    await Promise.all(
      cases.map(async ([config, reason]) => {
        const r = await run(['--port', '0', '--config', config]);
        expect(r.code, config).toBe(2);
        expect(r.stderr).toBe(`aeronet: --config ${config}: ${reason.replace(`aeronet: --config ${config}: `, '')}\n`);
        expect(r.stdout).toBe('');
      }),
    );
  });

  it('a busy API port exits 1 with a clear message', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const port = (busy.address() as net.AddressInfo).port;
    const r = await run(['--port', String(port)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^aeronet proxy: cannot listen on 127\\.0\\.0\\.1:${port}: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${port}\\n$`));
  });

  it('a valid config\'s proxies exist once listening; --seed and --no-metrics apply', async () => {
    const upstream = await echoUpstream();
    const config = file('ok.json', JSON.stringify([{ name: 'db', listen: '127.0.0.1:0', upstream }, { name: 'off', listen: 'localhost:0', upstream, enabled: false }]));
    const p = await start(['--config', config, '--seed', 'run-7.a_b', '--no-metrics']);
    expect(p.stdout()).toContain('(seed run-7.a_b)');
    const proxies = (await (await fetch(`${p.url}/proxies`)).json()) as Record<string, { listen: string; enabled: boolean }>;
    expect(Object.keys(proxies)).toEqual(['db', 'off']);
    expect(proxies['off']).toMatchObject({ listen: 'localhost:0', enabled: false });
    expect(proxies['db']!.enabled).toBe(true);
    const c = await connect(Number(proxies['db']!.listen.split(':')[1]));
    c.socket.write('through');
    await waitFor(() => c.received().toString() === 'through');
    c.socket.destroy();
    expect((await fetch(`${p.url}/metrics`)).status).toBe(404);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toContain('aeronet proxy: SIGINT, closing\n');
  });

  it('SIGTERM closes the API, the listeners and the proxied connections, and exits 0', async () => {
    const upstream = await echoUpstream();
    const p = await start([]);
    expect(p.stdout()).toContain('(seed 1)');
    const created = (await (await fetch(`${p.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'e', listen: '127.0.0.1:0', upstream }) })).json()) as { listen: string };
    const port = Number(created.listen.split(':')[1]);
    const c = await connect(port);
    c.socket.write('x');
    await waitFor(() => c.received().length === 1);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    await c.closed;
    expect(p.stdout()).toContain('aeronet proxy: SIGTERM, closing\n');
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
