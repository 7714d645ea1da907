import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { conformanceCommand } from '../../../cli/conformance-command.js';
import { UsageError } from '../../../cli/usage-error.js';
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

  it('--stall-wait: the optional case runs only when given, and every report says whether it ran and why', async () => {
    const json = path.join(tmp, 'stall.json');
    const junit = path.join(tmp, 'stall.xml');
    const notRun = "not run (waits for the server's stall timeout; give --stall-wait MS)";
    const quick = await run(['h2', '--host', '127.0.0.1', '--port', String(port), '--json', json, '--junit', junit, 'abuse/zero-window-stall']);
    expect(quick.code).toBe(0);
    expect(quick.stdout).toContain(`- 2: Opens a response with a zero window, never grants credit, and waits for the server to give up on it (skipped: ${notRun})`);
    expect(quick.stdout).toContain(`\nOptional cases:\n  abuse/zero-window-stall/2: ${notRun}\n`);
    expect(quick.stdout.trimEnd().split('\n').pop()).toBe('1 passed, 0 failed, 1 skipped');
    const report = JSON.parse(readFileSync(json, 'utf8')) as { optional: unknown; cases: Array<{ id: string; optional?: unknown }> };
    expect(report.optional).toEqual([{ id: 'abuse/zero-window-stall/2', ran: false, note: notRun }]);
    expect(report.cases.map((c) => c.optional)).toEqual([undefined, { ran: false, note: notRun }]);
    expect(readFileSync(junit, 'utf8')).toContain(`<property name="optional abuse/zero-window-stall/2" value="${notRun.replace(/'/g, '&apos;')}"/>`);
    // Given a stall wait, it runs: node:http2 never gives up on the stalled stream, so it fails
    // once the wait is over. --stall-limit, the older name, does the same.
    for (const flag of ['--stall-wait', '--stall-limit']) {
      const waited = await run(['h2', '--host', '127.0.0.1', '--port', String(node.port), '--timeout', '500', flag, '300', 'abuse/zero-window-stall/2']);
      expect(waited.code).toBe(1);
      expect(waited.stdout).toContain('stream 1 still held 300 ms after the connection');
      expect(waited.stdout).toContain("\nOptional cases:\n  abuse/zero-window-stall/2: ran (waits for the server's stall timeout: waited up to 300 ms)\n");
    }
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

  it('--faults: runs in-process against aeronet, clean and under the profiles; JSON gains faults; exit 0', async () => {
    const json = path.join(tmp, 'faults.json');
    const junit = path.join(tmp, 'faults.xml');
    const { code, stdout } = await run(['h2', '--faults', 'choppy,splits', '--seeds', '2', '--json', json, '--junit', junit, 'generic/4', 'http2/6.7']);
    expect(code).toBe(0);
    expect(stdout).toContain('HTTP/2 conformance: aeronet in-process (demo routes, simulated network on virtual time)');
    expect(stdout).toMatch(/✓ 1: Sends a GET request \[choppy ✓×2, splits ✓ \d+ points\]/);
    expect(stdout).toContain('Under faults: aeronet in-process (demo routes, simulated network on virtual time); the clean pass on whole writes; seeds 1-2');
    expect(stdout).toContain('Pass clean, fail under faults: (none)');
    expect(stdout.trimEnd().split('\n').pop()).toBe('8 passed, 0 failed, 0 skipped');
    const report = JSON.parse(readFileSync(json, 'utf8')) as { cases: Array<{ id: string; faults: Array<{ profile: string; seed: number | null; result: string; splitPoints?: { tried: number; failed: number[] } }> }>; faults: { seeds: number[]; passCleanFailFaults: string[]; profiles: Array<{ name: string }> } };
    expect(report.faults).toMatchObject({ seeds: [1, 2], passCleanFailFaults: [] });
    expect(report.faults.profiles.map((p) => p.name)).toEqual(['choppy', 'splits']);
    const get = report.cases.find((c) => c.id === 'generic/4/1')!;
    expect(get.faults.map((f) => [f.profile, f.seed, f.result])).toEqual([['choppy', 1, 'passed'], ['choppy', 2, 'passed'], ['splits', null, 'passed']]);
    expect(get.faults[2]!.splitPoints!.failed).toEqual([]);
    expect(readFileSync(junit, 'utf8')).toContain('<testsuite name="faults/splits" tests="8" failures="0"');
  });

  it('--with-h2spec: exit 2 and says where it looked when h2spec is absent', async () => {
    const saved = { PATH: process.env['PATH'], H2SPEC: process.env['H2SPEC'] };
    try {
      process.env['PATH'] = mkdtempSync(path.join(tmp, 'empty-path-'));
      delete process.env['H2SPEC'];
      const absent = await run(['h2', '--host', '127.0.0.1', '--port', String(port), '--with-h2spec', 'generic/4']);
      expect(absent).toMatchObject({ code: 2, stdout: '' });
      expect(absent.stderr).toMatch(/^aeronet: h2spec not found \(looked at \$H2SPEC \(unset\) and PATH\)/);
      process.env['H2SPEC'] = path.join(tmp, 'no-such-h2spec');
      const wrong = await run(['h2', '--host', '127.0.0.1', '--port', String(port), '--with-h2spec', 'generic/4']);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain(`h2spec not found ($H2SPEC: ${path.join(tmp, 'no-such-h2spec')} is not an executable file; PATH is not searched when $H2SPEC is set)`);
    } finally {
      process.env['PATH'] = saved.PATH;
      if (saved.H2SPEC === undefined) delete process.env['H2SPEC'];
      else process.env['H2SPEC'] = saved.H2SPEC;
    }
  });

  it('--with-h2spec: runs h2spec (a fake on PATH writing a fixture report) and lists where it disagrees', async () => {
    const bin = mkdtempSync(path.join(tmp, 'bin-'));
    const argsFile = path.join(tmp, 'h2spec-args.json');
    // h2spec 2.6.0 writes its JUnit report to -j FILE and exits 1 when a case failed.
    writeFileSync(
      path.join(bin, 'h2spec'),
      `#!${process.execPath}\n` +
        `const fs = require('fs'); const a = process.argv.slice(2);\n` +
        `fs.writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(a));\n` +
        `const xml = fs.readFileSync(process.env.FAKE_H2SPEC_REPORT, 'utf8');\n` +
        `fs.writeFileSync(a[a.indexOf('-j') + 1], xml);\n` +
        `process.exit(xml.includes('<error>') ? 1 : 0);\n`,
    );
    chmodSync(path.join(bin, 'h2spec'), 0o755);
    const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'h2spec', 'fixtures', 'h2spec-2.6.0-junit.xml');
    const saved = { PATH: process.env['PATH'], H2SPEC: process.env['H2SPEC'], FAKE: process.env['FAKE_H2SPEC_REPORT'] };
    try {
      process.env['PATH'] = `${bin}${path.delimiter}${saved.PATH ?? ''}`;
      delete process.env['H2SPEC'];
      process.env['FAKE_H2SPEC_REPORT'] = fixture;
      const args = ['h2', '--host', '127.0.0.1', '--port', String(port), '--path', '/hello', '--post-path', '/echo', '--with-h2spec', 'generic/4', 'http2/6.7'];
      // The fixture has h2spec failing http2/6.7/2 (a server that kills the session on a PING ACK); aeronet passes it.
      const differ = await run(args);
      expect(JSON.parse(readFileSync(argsFile, 'utf8'))).toEqual(['generic/4', 'http2/6.7', '-h', '127.0.0.1', '-p', String(port), '-o', '2', '-P', '/hello', '-j', expect.stringMatching(/h2spec-junit\.xml$/)]);
      expect(differ.stdout).toContain(`Compared with h2spec (${path.join(bin, 'h2spec')} generic/4 http2/6.7 -h 127.0.0.1 -p ${port} -o 2 -P /hello -j REPORT.xml):`);
      expect(differ.stdout).toContain('  7 cases agree, 1 disagree\n  ≠ http2/6.7/2: Sends a PING frame with ACK\n      ours:   passed');
      expect(differ.stdout.trimEnd().split('\n').pop()).toBe('h2spec disagrees on 1 case');
      expect(differ.code).toBe(1);
      // Agreeing with h2spec everywhere: exit 0.
      const agreeing = path.join(tmp, 'agreeing.xml');
      writeFileSync(agreeing, readFileSync(fixture, 'utf8').replace(/>\s*<error>[\s\S]*?<\/error>\s*<\/testcase>/g, '></testcase>'));
      process.env['FAKE_H2SPEC_REPORT'] = agreeing;
      const same = await run(args);
      expect(same.stdout.trimEnd().split('\n').pop()).toBe('h2spec agrees with every verdict');
      expect(same.code).toBe(0);
    } finally {
      process.env['PATH'] = saved.PATH;
      if (saved.H2SPEC !== undefined) process.env['H2SPEC'] = saved.H2SPEC;
      if (saved.FAKE === undefined) delete process.env['FAKE_H2SPEC_REPORT'];
      else process.env['FAKE_H2SPEC_REPORT'] = saved.FAKE;
    }
  });

  it('refuses bad usage (exit 2 in the CLI)', async () => {
    expect(await usageError([])).toMatch(/needs a suite: h2/);
    expect(await usageError(['h3', '--host', 'x', '--port', '1'])).toMatch(/unknown conformance suite "h3"/);
    expect(await usageError(['h2', '--port', '80'])).toMatch(/needs --host/);
    expect(await usageError(['h2', '--host', 'localhost'])).toMatch(/needs --port/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '70000'])).toMatch(/--port must be/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--timeout', '0'])).toMatch(/--timeout must be/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--stall-limit', 'x'])).toMatch(/--stall-limit must be/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--stall-wait', '0'])).toMatch(/--stall-wait must be a positive number of milliseconds, got "0"/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--stall-wait', '35s'])).toMatch(/--stall-wait must be a positive number of milliseconds, got "35s"/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--stall-wait', '100', '--stall-limit', '200'])).toMatch(/--stall-limit is the older name of --stall-wait: give one of them \(got --stall-wait 100 and --stall-limit 200\)/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--insecure'])).toMatch(/--insecure applies to --tls only/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--path', 'hello'])).toMatch(/--path must start with "\/"/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', 'http2/99', 'generic'])).toMatch(/no case matches "http2\/99"/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--bogus'])).toMatch(/bogus/);
    expect(await usageError(['h2', '--faults', 'choppy', '--host', '127.0.0.1', '--port', '80'])).toMatch(/--faults runs the suite in-process .* so it takes no --host\/--port\. Through the fault proxy or across a netem link.*--matrix --layers proxy,netem/);
    expect(await usageError(['h2', '--faults', 'choppy,bogus'])).toMatch(/unknown fault profile "bogus" \(available: choppy, byte, coalesce, splits, all\)/);
    expect(await usageError(['h2', '--faults', 'choppy', '--seeds', '0'])).toMatch(/--seeds must be an integer from 1 to 1000/);
    expect(await usageError(['h2', '--faults', 'choppy', '--tls'])).toMatch(/--tls does not apply to --faults/);
    expect(await usageError(['h2', '--faults', 'choppy', '--with-h2spec'])).toMatch(/--with-h2spec needs --host\/--port/);
    expect(await usageError(['h2', '--host', 'localhost', '--port', '80', '--seeds', '3'])).toMatch(/--seeds applies to --faults only/);
    expect(await usageError(['h2', '--port', '80'])).toMatch(/needs --host \(or --faults/);
    expect(await usageError(['--help'])).toBe('');
  });
});
