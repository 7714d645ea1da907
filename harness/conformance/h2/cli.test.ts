import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { conformanceCommand } from '../../../server/cli/conformance-command.js';
import { UsageError } from '../../../server/cli/usage-error.js';
import { createServer, type AeronetServer } from '../../../server/server.js';
import { createDemoRouter } from '../../../server/demo/demo-routes.js';
import { startNodeHttp2, type RunningServer } from './test-support/servers.js';

/** Run the command, capturing what it prints. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await conformanceCommand(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

async function usageError(args: string[]): Promise<string> {
  const e = await conformanceCommand(args).then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UsageError);
  return (e as UsageError).detail ?? '';
}

describe('aeronet conformance h2', () => {
  let aeronet: AeronetServer;
  let port = 0;
  let node: RunningServer;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'aeronet-conformance-cli-'));
  beforeAll(async () => {
    aeronet = createServer({ handler: createDemoRouter().handle, compression: false });
    port = (await aeronet.listen({ port: 0 })).port;
    node = await startNodeHttp2();
  });
  afterAll(async () => {
    await aeronet.close({ deadlineMs: 100 });
    await node.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(() => vi.restoreAllMocks());

  it('runs the chosen cases against aeronet on a real socket, prints the tree, writes JSON and JUnit, exits 0', async () => {
    const json = path.join(tmp, 'report.json');
    const junit = path.join(tmp, 'report.xml');
    const { code, stdout } = await run(['h2', '--host', '127.0.0.1', '--port', String(port), '--path', '/hello', '--post-path', '/echo', '--json', json, '--junit', junit, 'generic/4', 'http2/6.5', 'hpack']);
    expect(stdout).toContain(`HTTP/2 conformance: 127.0.0.1:${port} (h2c)`);
    expect(stdout).toContain('    ✓ 1: Sends a GET request');
    expect(stdout.trimEnd().split('\n').pop()).toBe('15 passed, 0 failed, 0 skipped');
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { target: string; cases: Array<{ id: string; result: string }> };
    expect(report.target).toBe(`127.0.0.1:${port} (h2c)`);
    expect(report.cases.map((c) => c.id)).toEqual(['generic/4/1', 'generic/4/2', 'generic/4/3', 'generic/4/4', 'http2/6.5/1', 'http2/6.5/2', 'http2/6.5/3', 'hpack/2.3.3/1', 'hpack/2.3.3/2', 'hpack/4.2/1', 'hpack/5.2/1', 'hpack/5.2/2', 'hpack/5.2/3', 'hpack/6.1/1', 'hpack/6.3/1']);
    expect(readFileSync(junit, 'utf8')).toContain('<testsuites name="HTTP/2 conformance: 127.0.0.1:');
  });

  it('exits 1 when a case fails', async () => {
    // node:http2 ends the session with GOAWAY(INTERNAL_ERROR) on an unsolicited PING ACK.
    const { code, stdout } = await run(['h2', '--host', '127.0.0.1', '--port', String(node.port), '--timeout', '500', 'http2/6.7/2']);
    expect(code).toBe(1);
    expect(stdout).toContain('✗ 2: Sends a PING frame with ACK');
    expect(stdout).toContain('0 passed, 1 failed, 0 skipped');
  });

  it('exits 1 with one line when the server is not there', async () => {
    const closed = createServer({ handler: createDemoRouter().handle });
    const free = (await closed.listen({ port: 0 })).port;
    await closed.close();
    const { code, stdout, stderr } = await run(['h2', '--host', '127.0.0.1', '--port', String(free)]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^aeronet: cannot reach 127\.0\.0\.1:\d+ \(h2c\): .*ECONNREFUSED/);
  });

  it('refuses bad usage (exit 2 in the CLI)', async () => {
    expect(await usageError([])).toMatch(/needs a suite: h2/);
    expect(await usageError(['h3', '--host', 'x', '--port', '1'])).toMatch(/unknown conformance suite "h3"/);
    expect(await usageError(['h2', '--port', '80'])).toMatch(/needs --host/);
    expect(await usageError(['h2', '--host', 'localhost'])).toMatch(/needs --port/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '70000'])).toMatch(/--port must be/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--timeout', '0'])).toMatch(/--timeout must be/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--stall-limit', 'x'])).toMatch(/--stall-limit must be/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--insecure'])).toMatch(/--insecure applies to --tls only/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--path', 'hello'])).toMatch(/--path must start with "\/"/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', 'http2/99', 'generic'])).toMatch(/no case matches "http2\/99"/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--bogus'])).toMatch(/bogus/);
    expect(await usageError(['--help'])).toBe('');
  });
});
