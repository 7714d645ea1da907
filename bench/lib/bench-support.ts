import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A failure that makes a benchmark's figures meaningless; printed as-is, exit 1. */
export class BenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchError';
  }
}

/** The package root: the nearest ancestor with a package.json (works from bench/ and dist/bench/). */
export function packageRoot(from = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new BenchError('cannot find the package root (no package.json above the script)');
    dir = up;
  }
}

/** The banner a run with wrk errors prints instead of figures. */
export function wrkInvalidBanner(what: string, problems: string[], raw: string): string {
  const bar = '!'.repeat(72);
  return `${bar}\nBENCHMARK INVALID: wrk saw errors against ${what}:\n  - ${problems.join('\n  - ')}\n--- wrk output ---\n${raw.trim()}\n${bar}`;
}
