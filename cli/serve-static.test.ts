import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpRequest as request } from '../server/test-support/socket-client.js';
import { killStarted, runCli, startCli } from './test-support/cli-process.js';

/** `aeronet serve --static DIR`, as a process (the CLI vitest.global-setup.ts built), in the style of cli/aeronet.test.ts. */
const CLI = inject('aeronetCli');

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aeronet-cli-static-'));
  fs.writeFileSync(path.join(dir, 'a.txt'), 'served from disk\n');
  fs.mkdirSync(path.join(dir, 'docs'));
  fs.writeFileSync(path.join(dir, 'docs', 'index.html'), '<h1>docs</h1>\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

afterEach(killStarted);
const run = (args: string[]) => runCli(CLI, args);
async function startServe(args: string[]) {
  const s = await startCli(CLI, ['serve', ...args], [/aeronet listening on (http:\/\/127\.0\.0\.1:\d+)\n/]);
  return { ...s, url: s.match[1]!, exited: s.exited.then((e) => e.code) };
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
