/**
 * `aeronet replay-pcap` as a process, run from the CLI vitest.global-setup.ts builds for the test run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findScenario } from '../scenarios/index.js';
import { runScenario } from '../harness/runner/run-scenario.js';
import { captureToPcap } from '../harness/artifacts/capture-to-pcap.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = inject('aeronetCli');
const dir = mkdtempSync(path.join(tmpdir(), 'aeronet-replay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'replay-pcap', ...args], { cwd: ROOT, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

let h1 = '';
let tlsOnly = '';
beforeAll(async () => {
  const write = async (scenario: string, seed: number, name: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, captureToPcap((await runScenario(findScenario(scenario)!, seed)).capture).pcap);
    return file;
  };
  h1 = await write('h1/pipelining-head-get-mix', 2, 'h1.pcap');
  tlsOnly = await write('tls/choppy-pipelined', 1, 'tls.pcap');
});

describe('aeronet replay-pcap', () => {
  it('exits 0 on a capture the server handles, printing each connection, the invariants and the trace hash; --json writes the report', async () => {
    const json = path.join(dir, 'report.json');
    const r = await run([h1, '--json', json]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^.*h1\.pcap: RAW \(IPv4\/IPv6, no link header\), \d+ packet\(s\), \d+ TCP segment\(s\), 1 TCP connection\(s\)$/m);
    expect(r.stdout).toMatch(/^#1 \(c1\) 10\.0\.0\.2:40001 -> 10\.0\.0\.1:80, http\/1\.1$/m);
    expect(r.stdout).toMatch(/^ {2}requests: {2}(GET|HEAD) \/.*HEAD \//m);
    expect(r.stdout).toMatch(/^ {2}captured: {2}same answers/m);
    expect(r.stdout).toMatch(/^invariants: hold/m);
    const hash = /^trace hash: ([0-9a-f]{64}) /m.exec(r.stdout)![1];
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report).toMatchObject({ ok: true, replayed: 1, traceHash: hash });
    expect(report.trace.length).toBeGreaterThan(0);
    // The same capture again: the same output, hash included.
    expect((await run([h1])).stdout).toBe(r.stdout);
  });

  it('--connection and --server-port select; a connection number past the last is a usage error', async () => {
    expect((await run([h1, '--connection', '1'])).code).toBe(0);
    const none = await run([h1, '--server-port', '8080']);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/not replayed: not on --server-port 8080[\s\S]*nothing replayed/);
    const past = await run([h1, '--connection', '2']);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/^aeronet: --connection 2: the capture has 1 TCP connection\(s\) \(1 to 1\)\n/);
    expect(past.stderr).toContain('Usage: aeronet');
  });

  it('a capture of TLS only: listed, not replayed, exit 2', async () => {
    const r = await run([tlsOnly]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/#1 10\.0\.0\.2:40001 -> 10\.0\.0\.1:443, tls: not replayed: TLS/);
  });

  it.each([
    [[], /replay-pcap takes exactly one capture file, got none/],
    [['a.pcap', 'b.pcap'], /exactly one capture file, got 2/],
    [['x.pcap', '--server-port', '0'], /--server-port must be an integer from 1 to 65535, got "0"/],
    [['x.pcap', '--connection', 'one'], /--connection must be an integer/],
    [['x.pcap', '--bogus'], /Unknown option '--bogus'/],
  ])('%j: usage error, exit 2', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Usage: aeronet');
  });

  it('--help exits 0 with the usage', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Options for replay-pcap <capture\.pcap>:/);
  });

  it('files it cannot read: exit 2 with the reason, without the usage', async () => {
    const write = (name: string, bytes: Buffer) => {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      return file;
    };
    const cases: Array<[string, RegExp]> = [
      [path.join(dir, 'missing.pcap'), /cannot read .*missing\.pcap: no such file/],
      [write('text.pcap', Buffer.from('hello, world\n')), /not a pcap file \(magic number 68656c6c/],
      [write('cap.pcapng', Buffer.from('0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000', 'hex')), /pcapng file, which is not supported; convert it to a classic pcap first: tshark -F pcap -w out\.pcap -r .*cap\.pcapng/],
      [write('cut.pcap', readFileSync(h1).subarray(0, 100)), /truncated: record \d+ holds \d+ bytes but only \d+ remain/],
    ];
    for (const [file, message] of cases) {
      const r = await run([file]);
      expect(r.code, file).toBe(2);
      expect(r.stderr).toMatch(/^aeronet replay-pcap: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('Usage:');
      expect(r.stdout).toBe('');
    }
  });
});
