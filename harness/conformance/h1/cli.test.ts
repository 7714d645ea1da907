import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { conformanceH1Command } from '../../../cli/conformance-h1-command.js';
import { UsageError } from '../../../cli/usage-error.js';
import { createServer, type AeronetServer } from '../../../server/server.js';
import { createDemoRouter } from '../../../server/demo/demo-routes.js';
import { startNodeHttp, type RunningServer } from './test-support/servers.js';

/** Run the command, capturing what it prints. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await conformanceH1Command(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

async function usageError(args: string[]): Promise<string> {
  const e = await conformanceH1Command(args).then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UsageError);
  return (e as UsageError).detail ?? '';
}

describe('aeronet conformance h1', () => {
  let aeronet: AeronetServer;
  let port = 0;
  let node: RunningServer;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'aeronet-conformance-h1-cli-'));
  beforeAll(async () => {
    aeronet = createServer({ handler: createDemoRouter().handle, compression: false });
    port = (await aeronet.listen({ port: 0, host: '127.0.0.1' })).port;
    node = await startNodeHttp();
  });
  afterAll(async () => {
    await aeronet.close({ deadlineMs: 100 });
    await node.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(() => vi.restoreAllMocks());

  it('runs the chosen cases against aeronet, prints the tree, writes JSON and JUnit, exits 0', async () => {
    const json = path.join(tmp, 'report.json');
    const junit = path.join(tmp, 'report.xml');
    const { code, stdout } = await run(['--host', '127.0.0.1', '--port', String(port), '--path', '/hello', '--echo-path', '/echo', '--json', json, '--junit', junit, 'h1/chunked', 'smuggling/cl-te/1']);
    expect(stdout).toContain(`HTTP/1.1 conformance: 127.0.0.1:${port}`);
    expect(stdout).toContain('HTTP/1.1 origin-server requirements (RFC 9112, RFC 9110)');
    expect(stdout).toContain('  Chunked transfer coding and trailers (RFC 9112 §7)');
    expect(stdout).toContain('    ✓ 1: Two chunks (5 and 6 octets) and the last chunk: content "hello world" (RFC 9112 §7.1)');
    expect(stdout).toContain('Request smuggling (RFC 9112 §11.2)');
    expect(stdout.trimEnd().split('\n').pop()).toBe('11 passed, 0 failed, 0 skipped');
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { target: string; cases: Array<{ id: string; result: string; actual: string }> };
    expect(report.target).toBe(`127.0.0.1:${port}`);
    expect(report.cases.map((c) => c.id)).toEqual([...Array.from({ length: 10 }, (_, k) => `h1/chunked/${k + 1}`), 'smuggling/cl-te/1']);
    expect(report.cases[0]!.actual).toBe('200 (body "hello world") then 200, kept open');
    expect(report.cases[10]!.actual).toBe('400, closed');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`<testsuites name="HTTP/1.1 conformance: 127.0.0.1:${port}" tests="11" failures="0"`);
    expect(xml).toContain('<testsuite name="smuggling" tests="1"');
  });

  it('exits 1 when a case fails, with expected and actual under it', async () => {
    // node:http serves a request with two Host lines (RFC 9112 §3.2 requires 400).
    const { code, stdout } = await run(['--host', '127.0.0.1', '--port', String(node.port), '--timeout', '500', 'smuggling/duplicates/1']);
    expect(code).toBe(1);
    expect(stdout).toContain('✗ 1: Two Host lines with different values: 400 (RFC 9112 §3.2 MUST)');
    expect(stdout).toContain('-> expected: 400 Bad Request');
    expect(stdout).toContain('actual:   200 then 200, kept open');
    expect(stdout).toContain('0 passed, 1 failed, 0 skipped');
  });

  it('skips the content checks without --echo-path', async () => {
    const { code, stdout } = await run(['--host', '127.0.0.1', '--port', String(port), '--path', '/hello', 'h1/pipelining']);
    expect(code).toBe(0);
    expect(stdout).toContain('- 2: Three POSTs with different content in one write: each echoed, in order (RFC 9112 §9.3.2 MUST) (skipped: needs an echo path (--echo-path))');
    expect(stdout).toContain('3 passed, 0 failed, 1 skipped');
  });

  it('exits 1 with one line when the server is not there', async () => {
    const closed = createServer({ handler: createDemoRouter().handle });
    const free = (await closed.listen({ port: 0, host: '127.0.0.1' })).port;
    await closed.close();
    const { code, stdout, stderr } = await run(['--host', '127.0.0.1', '--port', String(free)]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^aeronet: cannot reach 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it('refuses bad usage (exit 2 in the CLI)', async () => {
    expect(await usageError(['--port', '80'])).toMatch(/needs --host/);
    expect(await usageError(['--host', 'localhost'])).toMatch(/needs --port/);
    expect(await usageError(['--host', 'localhost', '--port', '70000'])).toMatch(/--port must be/);
    expect(await usageError(['--host', 'localhost', '--port', '80', '--timeout', '0'])).toMatch(/--timeout must be/);
    expect(await usageError(['--host', 'localhost', '--port', '80', '--insecure'])).toMatch(/--insecure applies to --tls only/);
    expect(await usageError(['--host', 'localhost', '--port', '80', '--servername', 'x'])).toMatch(/--servername applies to --tls only/);
    expect(await usageError(['--host', 'localhost', '--port', '80', '--path', 'hello'])).toMatch(/--path must be an origin-form path/);
    expect(await usageError(['--host', 'localhost', '--port', '80', '--echo-path', '/a b'])).toMatch(/--echo-path must be an origin-form path/);
    expect(await usageError(['--host', 'localhost', '--port', '80', 'h1/nope', 'smuggling'])).toMatch(/no case matches "h1\/nope"/);
    expect(await usageError(['--host', 'localhost', '--port', '80', '--post-path', '/x'])).toMatch(/post-path/);
    expect(await usageError(['--help'])).toBe('');
  });
});
