import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ConformanceMatrix } from '../../report/report-model.js';

/** `aeronet conformance ... --matrix` as a process: the CLI built for this test run. */
const CLI = inject('aeronetCli');
const tmp = mkdtempSync(path.join(tmpdir(), 'aeronet-matrix-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, AERONET_CLI: CLI };
    delete env['TOXIPROXY_URL'];
    execFile(process.execPath, [CLI, ...args], { timeout: 120_000, env }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('aeronet conformance --matrix', () => {
  it('h1, sim and proxy layers: exit 0, a progress line per column, the matrix as text and as JSON', async () => {
    const json = path.join(tmp, 'h1.json');
    const r = await run(['conformance', 'h1', 'h1/chunked/1', 'h1/chunked/2', '--faults', 'choppy,splits', '--matrix', '--seeds', '2', '--layers', 'proxy,sim', '--matrix-json', json]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^matrix h1: clean: 2 cases, 0 failed, [\d.]+ s$/);
    for (const col of ['sim:choppy', 'sim:splits', 'proxy:none', 'proxy:latency', 'proxy:slicer', 'proxy:bandwidth', 'proxy:slow_close']) expect(lines.some((l) => l.startsWith(`matrix h1: ${col}: 2 cases, 0 failed`)), col).toBe(true);
    expect(r.stdout).toContain('Conformance x faults matrix, h1: 2 cases x 8 columns');
    expect(r.stdout).toContain('Pass clean, fail under faults: (none)');
    const m = JSON.parse(readFileSync(json, 'utf8')) as ConformanceMatrix;
    expect(m.suite).toBe('h1');
    expect(m.columns.map((c) => c.id)).toEqual(['clean', 'sim:choppy', 'sim:splits', 'proxy:none', 'proxy:latency', 'proxy:slicer', 'proxy:bandwidth', 'proxy:slow_close']);
    expect(m.columns[1]!.seeds).toEqual([1, 2]);
    expect(m.rows.map((row) => [row.id, Object.keys(row.cells).length])).toEqual([['h1/chunked/1', 8], ['h1/chunked/2', 8]]);
    expect(m.breaksOnlyUnderFaults).toEqual([]);
  }, 120_000);

  // Without root there is no netem backend. As root, run the CLI in a new user namespace (unshare,
  // util-linux: uid 65534 there): the same answer, without booting a guest for minutes.
  it('--via-netem without root: the netem column alone, skipped with the reason', async () => {
    const asNobody = process.getuid?.() === 0 ? ['unshare', '--user', process.execPath] : [process.execPath];
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(asNobody[0]!, [...asNobody.slice(1), CLI, 'conformance', 'h2', 'http2/6.5.2/1', '--via-netem', 'lossy'], { cwd: tmpdir(), timeout: 60_000 }, (err, stdout) => {
        resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? null), stdout });
      });
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/netem:lossy {2}skipped: no netem backend here: root/);
  }, 60_000);
});
