import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildShim, COMPAT_SYMBOLS, prepareJazzer } from './native-addon.js';

describe('the glibc compat shim', () => {
  it('builds with g++ and defines exactly the symbols the addon patch unversions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aeronet-shim-'));
    try {
      const shim = buildShim(dir);
      const defined = execFileSync('nm', ['-D', '--defined-only', shim], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => / T /.test(l))
        .map((l) => l.split(' ').pop()!)
        .sort();
      expect(defined).toEqual([...COMPAT_SYMBOLS].sort());
      // Built once: a second call reuses it.
      expect(buildShim(dir)).toBe(shim);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('prepareJazzer', () => {
  it("gives an environment in which Jazzer's addon loads and runs libFuzzer's entry points", () => {
    const runtime = prepareJazzer();
    const out = execFileSync(process.execPath, ['-e', "const a = require('@jazzer.js/fuzzer/dist/addon.js').addon; console.log(typeof a.startFuzzing, typeof a.printVersion)"], {
      env: { ...process.env, ...runtime.env },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('function function');
    // Twice in a row: the second call finds the work done.
    expect(prepareJazzer().env).toEqual(runtime.env);
  });
});
