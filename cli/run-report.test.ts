import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { RunReport } from '../harness/report/report-model.js';
import { readJunit } from '../harness/report/junit-read.js';

const CLI = inject('aeronetCli');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'aeronet-run-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: tmp, timeout: 60_000, env: { ...process.env, CI: 'true' } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const readReport = (dir: string): RunReport => JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport;

describe('run --report and report --merge', () => {
  it('a failure is in report.json and junit.xml with its replay command and an artifact folder that exists', async () => {
    const dir = path.join(tmp, 'fail');
    const r = await run(['run', '--scenario', 'selftest/always-fails', '--seed', '4', '--report', dir, '--artifacts', path.join(tmp, 'arts')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^report: .*report\.json, .*junit\.xml, .*report\.html$/m);
    const report = readReport(dir);
    expect(report.layers).toMatchObject([{ layer: 'sim', status: 'ran', runs: 1, failed: 1 }]);
    const [failed] = report.runs;
    expect(failed).toMatchObject({ layer: 'sim', scenario: 'selftest/always-fails', seed: 4, verdict: 'failed', replay: 'npx aeronet run --layer sim --scenario selftest/always-fails --seed 4' });
    expect(failed!.failure!.message).toMatch(/expected 418/);
    expect(existsSync(path.join(dir, failed!.artifactDir!, 'manifest.json'))).toBe(true);
    const junit = readJunit(readFileSync(path.join(dir, 'junit.xml'), 'utf8'));
    expect(junit[0]!.cases[0]).toMatchObject({ name: 'selftest/always-fails seed 4', result: 'failed' });
    expect(junit[0]!.cases[0]!.detail).toContain('replay:   npx aeronet run --layer sim --scenario selftest/always-fails --seed 4');
    // The page has the failure with its ladder diagram, built from the artifact folder's capture.
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    const section = html.slice(html.indexOf('<section class="failure"'));
    expect(section).toContain('selftest/always-fails');
    expect(section).toContain('npx aeronet run --layer sim --scenario selftest/always-fails --seed 4');
    expect(section).toMatch(/<svg[^>]*class="ladder"/);
    expect(section).toMatch(/GET \/hello/);
  });

  it('the shards of a run, merged, are the unsharded run: every scenario once, the same verdicts', async () => {
    const whole = path.join(tmp, 'whole');
    const parts = [1, 2, 3].map((i) => path.join(tmp, `shard-${i}`));
    const results = await Promise.all([
      run(['run', '--seeds', '1', '--report', whole]),
      ...parts.map((dir, i) => run(['run', '--seeds', '1', '--shard', `${i + 1}/3`, '--report', dir])),
    ]);
    for (const r of results) expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(results[1]!.stdout).toMatch(/^shard 1\/3: sim \d+ of \d+ scenario\(s\)$/m);
    const merged = path.join(tmp, 'merged');
    const m = await run(['report', ...parts.flatMap((p) => ['--merge', p]), '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    const a = readReport(whole);
    const b = readReport(merged);
    const key = (rep: RunReport) => rep.runs.map((r) => `${r.layer} ${r.scenario} ${r.seed} ${r.verdict}`).sort();
    expect(key(b)).toEqual(key(a));
    expect(b.layers[0]!.runs).toBe(a.layers[0]!.runs);
    expect(b.shard).toBeNull();
    // A shard missing is refused, not merged into a smaller, greener run.
    const partial = await run(['report', '--merge', parts[0]!, '--merge', parts[1]!, '--out', path.join(tmp, 'partial')]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/cannot merge: the shards must be 1\.\.3, each once; got 1, 2/);
  });

  it('a layer that cannot run here (not root: no namespaces) is reported as skipped with the reason, in the summary and the report', async () => {
    // As root, run in a new user namespace (unshare, util-linux): uid 65534 there, no root to
    // make namespaces with, yet the files are still readable. Not root: this process is already.
    const asNobody = process.getuid?.() === 0 ? ['unshare', '--user'] : [];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aeronet-skip-'));
    try {
      const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const [cmd, ...pre] = asNobody.length > 0 ? asNobody : [process.execPath];
        const args = [...pre, ...(asNobody.length > 0 ? [process.execPath] : []), CLI, 'run', '--layer', 'all', '--shard', '1/40', '--seeds', '1', '--report', path.join(dir, 'report'), '--artifacts', path.join(dir, 'a'), '--progress', 'off'];
        // Only sim and netem: the proxy layer's share would start `aeronet serve` processes for nothing here.
        args.splice(args.indexOf('all'), 1, 'sim,netem');
        execFile(cmd!, args, { cwd: dir, timeout: 60_000 }, (err, stdout) => resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? null), stdout }));
      });
      expect(r.stdout).toMatch(/^netem layer: skipped: root: namespaces, veth pairs and qdiscs need it/m);
      expect(r.stdout).toMatch(/^all layers: \d+ runs, 0 failed, 1 skipped \(netem\)/m);
      // --layer named netem explicitly: a skip is not a pass (exit 1); this asked for sim,netem.
      expect(r.code).toBe(1);
      const report = readReport(path.join(dir, 'report'));
      expect(report.layers.map((l) => [l.layer, l.status])).toEqual([['sim', 'ran'], ['netem', 'skipped']]);
      const skipped = report.runs.filter((x) => x.layer === 'netem');
      expect(skipped.length).toBeGreaterThan(0);
      for (const x of skipped) expect(x).toMatchObject({ verdict: 'skipped', failure: { kind: 'skipped' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('conformance --matrix --report writes the matrix (JUnit: a suite per column) and merges into a run\'s report', async () => {
    const mdir = path.join(tmp, 'matrix');
    const r = await run(['conformance', 'h1', 'h1/chunked', '--faults', 'choppy,byte', '--seeds', '1', '--matrix', '--layers', 'sim', '--report', mdir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const m = readReport(mdir);
    expect(m.runs).toEqual([]);
    expect(m.matrices).toHaveLength(1);
    const matrix = m.matrices[0]!;
    expect(matrix.suite).toBe('h1');
    expect(matrix.columns.map((c) => c.id)).toEqual(['clean', 'sim:choppy', 'sim:byte']);
    const junit = readJunit(readFileSync(path.join(mdir, 'junit.xml'), 'utf8'));
    expect(junit.map((s) => s.name)).toEqual(['conformance h1 x faults: clean', 'conformance h1 x faults: sim:choppy', 'conformance h1 x faults: sim:byte']);
    for (const suite of junit) expect(suite.cases.length).toBe(matrix.rows.length);
    const html = readFileSync(path.join(mdir, 'report.html'), 'utf8');
    expect(html).toMatch(/<section id="matrices"><h2>Conformance × faults<\/h2><h3>h1 suite: \d+ case\(s\) × 3 column\(s\)<\/h3>/);
    expect(html).toContain(matrix.rows[0]!.id);

    const layers = path.join(tmp, 'fail');
    const merged = path.join(tmp, 'with-matrix');
    const mr = await run(['report', '--merge', layers, '--merge', mdir, '--out', merged]);
    expect(mr.code, mr.stderr).toBe(0);
    const both = readReport(merged);
    expect(both.runs.map((x) => x.scenario)).toEqual(['selftest/always-fails']);
    expect(both.matrices.map((x) => x.suite)).toEqual(['h1']);
  });

  it('report usage errors name what is wrong', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['report'], /report needs --merge DIR \.\.\. or --junit FILE/],
      [['report', '--merge', tmp], /report needs --out/],
      [['report', '--junit', 'x.xml', '--out', 'x.txt'], /--out for --junit is an \.html file/],
      [['report', '--junit', 'missing.xml', '--out', 'x.html'], /cannot read missing\.xml: ENOENT/],
      [['report', '--merge', tmp, '--out', path.join(tmp, 'o')], /report\.json: ENOENT/],
      // A report folder that cannot be written is refused before anything runs.
      [['run', '--seeds', '1', '--report', '/etc/hostname/report'], /--report: cannot write the report to \/etc\/hostname\/report: ENOTDIR/],
      [['conformance', 'h1', '--faults', 'choppy', '--matrix', '--layers', 'sim', '--report', '/etc/hostname/x'], /--report: cannot write the report to \/etc\/hostname\/x: ENOTDIR/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
