import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpRequest as request } from '../server/test-support/socket-client.js';

/** `aeronet serve --static DIR`, as a process (the CLI vitest.global-setup.ts built), in the style of cli/aeronet.test.ts. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = inject('aeronetCli');

let dir: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aeronet-cli-static-'));
  fs.writeFileSync(path.join(dir, 'a.txt'), 'served from disk\n');
  fs.mkdirSync(path.join(dir, 'docs'));
  fs.writeFileSync(path.join(dir, 'docs', 'index.html'), '<h1>docs</h1>\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, timeout: 10_000 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : null, stdout, stderr });
    });
  });
}

async function startServe(args: string[]): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Generous: on a loaded 2-core machine a cold start of the CLI can take seconds.
  const deadline = Date.now() + 15_000;
  let m: RegExpExecArray | null = null;
  while ((m = /aeronet listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out)) === null) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${err}`);
    if (Date.now() > deadline) throw new Error(`serve did not print its URL; stdout=${out} stderr=${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, url: m[1]!, exited };
}

describe('aeronet serve --static', () => {
  it('a directory that does not exist exits 2 naming it', async () => {
    const missing = path.join(dir, 'no-such-dir');
    const r = await run(['serve', '--port', '0', '--static', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^aeronet: /);
    expect(r.stderr).toContain(`--static must name a directory, and "${missing}" does not exist`);
    expect(r.stdout).toBe('');
  });

  it('a file is not a directory: exit 2 naming it', async () => {
    const file = path.join(dir, 'a.txt');
    const r = await run(['serve', '--port', '0', '--static', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`"${file}" is not one`);
  });

  it('serves the directory under /static/ next to the demo routes', { timeout: 40_000 }, async () => {
    const s = await startServe(['--port', '0', '--log-level', 'warn', '--static', dir]);
    // One connection per request (agent: false), so the drain at the end waits on nobody idle.
    const httpRequest = (url: string, options: Parameters<typeof request>[1] = {}) => request(url, { agent: false, ...options });
    const file = await httpRequest(`${s.url}/static/a.txt`);
    expect(file.status).toBe(200);
    expect(file.body.toString()).toBe('served from disk\n');
    expect(file.headers['accept-ranges']).toBe('bytes');
    const part = await httpRequest(`${s.url}/static/a.txt`, { headers: { range: 'bytes=7-10' } });
    expect(part.status).toBe(206);
    expect(part.body.toString()).toBe('from');
    expect((await httpRequest(`${s.url}/static/docs/`)).body.toString()).toBe('<h1>docs</h1>\n');
    expect((await httpRequest(`${s.url}/static/%2e%2e/etc/passwd`)).status).toBe(404);
    expect((await httpRequest(`${s.url}/hello`)).body.toString()).toBe('hello, world\n');
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });
});
