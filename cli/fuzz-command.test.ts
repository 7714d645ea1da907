/**
 * `aeronet fuzz` as a process (the CLI vitest.global-setup.ts builds, Jazzer entry included): the
 * usage errors, --replay, and two short real fuzzing runs, one that finds its planted input.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = inject('aeronetCli');
const dir = mkdtempSync(path.join(tmpdir(), 'aeronet-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fuzz(args: string[], timeout = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'fuzz', ...args], { cwd: ROOT, timeout }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('aeronet fuzz: bad input', () => {
  it.each([
    [[], /fuzz needs a target/],
    [['nope'], /unknown fuzz target "nope" \(targets: h1-request, /],
    [['h1-request', '--seconds', '0'], /--seconds must be a positive integer, got "0"/],
    [['h1-request', '--seconds', 'ten'], /--seconds must be a positive integer, got "ten"/],
    [['h1-request', '--max-len', '0'], /--max-len must be a positive integer, got "0"/],
    [['h1-request', '--bogus'], /Unknown option '--bogus'/],
    [['h1-request', '--replay', path.join(tmpdir(), 'no-such-aeronet-input')], /cannot read .*no-such-aeronet-input/],
    [['h1-request', 'h2-frames', '--replay', __filename], /--replay takes exactly one target/],
  ])('%j is a usage error (exit 2, the reason printed)', async (args, reason) => {
    const r = await fuzz(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(reason);
  });

  it('--list names every target with what it checks', async () => {
    const r = await fuzz(['--list']);
    expect(r.code).toBe(0);
    for (const name of ['h1-request', 'chunked-body', 'h2-frames', 'hpack-decoder', 'h2-connection', 'toxiproxy-json']) expect(r.stdout).toMatch(new RegExp(`^${name} +\\S`, 'm'));
  });
});

describe('aeronet fuzz --replay', () => {
  it('says every property held (exit 0) or which broke (exit 1)', async () => {
    const good = path.join(dir, 'good');
    writeFileSync(good, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const ok = await fuzz(['h1-request', '--replay', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/h1-request on .*good \(27 octets\): every property held/);
    const planted = path.join(dir, 'planted');
    writeFileSync(planted, 'xxAEROxx');
    const bad = await fuzz(['selftest-magic', '--replay', planted]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/selftest-magic on .*planted \(8 octets\): property broken: PropertyViolation: input contains "AERO" at 2/);
  });
});

describe('aeronet fuzz with Jazzer', () => {
  it('finds a planted input, keeps it in findings/, exits 1 and prints the replay command', async () => {
    const out = path.join(dir, 'planted-run');
    const r = await fuzz(['selftest-magic', '--seconds', '60', '--out', out], 90_000);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const findings = readdirSync(path.join(out, 'selftest-magic', 'findings'));
    expect(findings.length).toBeGreaterThan(0);
    const input = readFileSync(path.join(out, 'selftest-magic', 'findings', findings[0]!));
    expect(input.includes('AERO')).toBe(true);
    expect(r.stdout).toMatch(/fuzz selftest-magic: [\d,]+ execs .*1 FINDING/);
    expect(r.stdout).toContain(`replay: aeronet fuzz selftest-magic --replay ${path.join(out, 'selftest-magic', 'findings', findings[0]!)}`);
  }, 100_000);

  it('runs a real target for its seconds and reports execs, corpus and the worst ratio', async () => {
    const out = path.join(dir, 'real-run');
    const r = await fuzz(['toxiproxy-json', '--seconds', '3', '--out', out], 60_000);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fuzz toxiproxy-json: [\d,]+ execs in [\d.]+ s \([\d,]+\/s; [\d,]+ over 1 run in this folder\), 16 seeds, corpus \d+.*worst scanned values per input octet [\d.]+; no findings/);
    const result = JSON.parse(readFileSync(path.join(out, 'toxiproxy-json', 'result.json'), 'utf8'));
    expect(result.execs).toBeGreaterThan(100);
    expect(result.findings).toEqual([]);
    expect(existsSync(path.join(out, 'toxiproxy-json', 'fuzz.log'))).toBe(true);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.targets.map((t: { target: string; findings: string[] }) => [t.target, t.findings.length])).toEqual([['toxiproxy-json', 0]]);
    expect(summary.failures).toEqual([]);

    // A second run in the same folder builds on the first: its corpus, and the total of executions.
    const again = await fuzz(['toxiproxy-json', '--seconds', '1', '--out', out], 60_000);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const second = JSON.parse(readFileSync(path.join(out, 'toxiproxy-json', 'result.json'), 'utf8'));
    expect(second.runs).toBe(2);
    expect(second.totalExecs).toBe(result.execs + second.execs);
    expect(again.stdout).toContain(`${second.totalExecs.toLocaleString('en-US')} over 2 runs in this folder`);
  }, 90_000);
});
