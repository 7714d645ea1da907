import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDoneLine, recordHistory, writeSeeds } from './run-jazzer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('run-jazzer', () => {
  it("reads libFuzzer's closing status line (the last one when there are several)", () => {
    const log = [
      '#2\tINITED cov: 10 ft: 10 corp: 1/1b exec/s: 0 rss: 100Mb',
      '#89384\tDONE   cov: 470 ft: 2181 corp: 317/357Kb lim: 8192 exec/s: 4256 rss: 210Mb',
      'Done 89384 runs in 21 second(s)',
    ].join('\n');
    expect(readDoneLine(log)).toEqual({ execs: 89384, corpus: 317, execsPerSecond: 4256, rssMb: 210 });
    expect(readDoneLine('#7\tNEW cov: 3 ft: 3 corp: 2/2b lim: 4 exec/s: 0 rss: 99Mb')).toBeNull();
  });

  it('writes seeds once per content, cut to the longest input the fuzzer makes, with safe names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aeronet-seeds-'));
    dirs.push(dir);
    const n = writeSeeds(join(dir, 'seeds'), [
      { name: 'a/b c', data: Buffer.from('hello world') },
      { name: 'same', data: Buffer.from('hello world') },
      { name: 'long', data: Buffer.alloc(100, 0x61) },
    ], 16);
    expect(n).toBe(2);
    const files = readdirSync(join(dir, 'seeds')).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => /^[A-Za-z0-9._-]+$/.test(f))).toBe(true);
    expect(files.map((f) => readFileSync(join(dir, 'seeds', f)).length).sort((a, b) => a - b)).toEqual([11, 16]);
  });

  it('adds every run to the folder history, and keeps a history it cannot read aside instead of restarting at zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aeronet-history-'));
    dirs.push(dir);
    const run = (execs: number) => ({ at: '2026-12-04T00:00:00.000Z', seconds: 30, execs, execsPerSecond: execs / 30, findings: 0 });
    expect(recordHistory(dir, run(300)).map((e) => e.execs)).toEqual([300]);
    expect(recordHistory(dir, run(600)).map((e) => e.execs)).toEqual([300, 600]);
    writeFileSync(join(dir, 'history.json'), '{not json');
    expect(recordHistory(dir, run(90)).map((e) => e.execs)).toEqual([90]);
    expect(existsSync(join(dir, 'history.json.bad'))).toBe(true);
    expect(readFileSync(join(dir, 'history.json.bad'), 'utf8')).toBe('{not json');
  });
});
