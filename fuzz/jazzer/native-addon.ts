/**
 * Makes sure @jazzer.js/fuzzer's native addon (libFuzzer plus Jazzer's coverage hooks) loads here,
 * and says what the fuzzing process needs in its environment for that.
 *
 * The npm package ships one prebuilt linux-x64 addon, linked against glibc 2.38. On an older glibc
 * (Debian 12 has 2.36) it fails to load with "version `GLIBC_2.38' not found". Then, and only
 * then: build the tiny shim in glibc-compat.cpp with g++, loosen the addon's references to the
 * three symbols the shim supplies (elf-symbol-versions.ts), keep the original next to it, and
 * preload the shim into the fuzzing process. Nothing is downloaded; `npm ci` restores the original.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../bench/lib/bench-support.js';
import { loosenSymbolVersions } from './elf-symbol-versions.js';

/** The symbols glibc-compat.cpp defines (its test checks the built shim exports exactly these). */
export const COMPAT_SYMBOLS: ReadonlySet<string> = new Set(['__isoc23_strtol', '__isoc23_strtoul', '_ZSt21ios_base_library_initv']);

/** The loader's complaint that a compat shim can answer. */
const MISSING_VERSION = /version `(GLIBC_2\.(?:3[7-9]|[4-9]\d)|GLIBCXX_3\.4\.3[1-9])' not found/;

export class JazzerUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JazzerUnavailable';
  }
}

export interface JazzerRuntime {
  /** Environment entries the fuzzing process needs (LD_PRELOAD of the shim, or nothing). */
  env: Record<string, string>;
  /** A sentence for the log when the compat path is in use, else null. */
  compat: string | null;
  /** Jazzer's command-line entry (node runs it). */
  cli: string;
}

function addonPath(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = dirname(require.resolve('@jazzer.js/fuzzer/package.json'));
  } catch {
    throw new JazzerUnavailable('@jazzer.js/fuzzer is not installed: run `npm ci` (it is a devDependency of aeronet)');
  }
  return join(pkg, 'prebuilds', `fuzzer-${process.platform}-${process.arch}.node`);
}

function jazzerCli(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('@jazzer.js/core/package.json')), 'dist', 'cli.js');
  } catch {
    throw new JazzerUnavailable('@jazzer.js/core is not installed: run `npm ci` (it is a devDependency of aeronet)');
  }
}

/** Loads the addon in a throwaway node process; null when it loads, else what went wrong. */
function probe(addon: string, env: Record<string, string>): string | null {
  const result = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})`], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status === 0) return null;
  return (result.stderr || result.error?.message || `exit ${result.status}`).trim();
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Builds glibc-compat.so into `cacheDir` (once; again when the source is newer). */
export function buildShim(cacheDir: string): string {
  const source = join(packageRoot(import.meta.url), 'fuzz', 'jazzer', 'glibc-compat.cpp');
  const shim = join(cacheDir, 'glibc-compat.so');
  if (existsSync(shim) && statSync(shim).mtimeMs >= statSync(source).mtimeMs) return shim;
  mkdirSync(cacheDir, { recursive: true });
  const built = spawnSync('g++', ['-shared', '-fPIC', '-O2', '-o', `${shim}.tmp`, source], { encoding: 'utf8' });
  if (built.error || built.status !== 0) {
    throw new JazzerUnavailable(
      `jazzer's prebuilt fuzzer needs a newer glibc than this machine's, and building the compat shim needs g++ ` +
        `(apt-get install g++): ${(built.stderr || built.error?.message || '').trim()}`,
    );
  }
  renameSync(`${shim}.tmp`, shim);
  return shim;
}

function preload(shim: string): Record<string, string> {
  const existing = process.env['LD_PRELOAD'];
  return { LD_PRELOAD: existing ? `${shim}:${existing}` : shim };
}

/**
 * Whatever it takes for Jazzer to run here. `cacheDir` holds the built shim
 * (node_modules/.cache/aeronet-fuzz by default).
 */
export function prepareJazzer(cacheDir = join(packageRoot(import.meta.url), 'node_modules', '.cache', 'aeronet-fuzz')): JazzerRuntime {
  const cli = jazzerCli();
  const addon = addonPath();
  if (!existsSync(addon)) throw new JazzerUnavailable(`Jazzer.js has no prebuilt fuzzer for ${process.platform}-${process.arch} (${addon} is missing)`);
  const marker = `${addon}.aeronet-compat.json`;
  const current = readFileSync(addon);

  // Patched by an earlier run: still needs the shim preloaded (its references are unversioned).
  if (existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).patched === sha256(current)) {
    const env = preload(buildShim(cacheDir));
    return { env, cli, compat: 'jazzer addon patched for this glibc; compat shim preloaded' };
  }

  const failure = probe(addon, {});
  if (failure === null) return { env: {}, cli, compat: null };
  const missing = MISSING_VERSION.exec(failure);
  if (missing === null) throw new JazzerUnavailable(`Jazzer.js's native fuzzer does not load here: ${failure.split('\n').find((l) => l.includes('Error')) ?? failure}`);

  const shim = buildShim(cacheDir);
  const patched = Buffer.from(current);
  const loosened = loosenSymbolVersions(patched, COMPAT_SYMBOLS);
  if (loosened.stillNeeded.length > 0 || loosened.weakened.length === 0) {
    throw new JazzerUnavailable(`Jazzer.js's native fuzzer needs ${missing[1]} for more than the compat shim supplies (${loosened.stillNeeded.join(', ') || 'no symbol matched'})`);
  }
  const env = preload(shim);
  const original = `${addon}.orig`;
  if (!existsSync(original)) writeFileSync(original, current);
  // The marker goes first: a patched addon loads without the shim (its functions bind lazily) and
  // then dies at the first call, so no process may see it without knowing it needs the preload.
  writeFileSync(marker, JSON.stringify({ patched: sha256(patched), original: sha256(current), symbols: loosened.symbols, weakened: loosened.weakened }, null, 2));
  writeFileSync(`${addon}.${process.pid}.tmp`, patched);
  renameSync(`${addon}.${process.pid}.tmp`, addon);
  const after = probe(addon, env);
  if (after !== null) {
    writeFileSync(addon, current);
    throw new JazzerUnavailable(`Jazzer.js's native fuzzer still does not load with the compat shim: ${after}`);
  }
  return { env, cli, compat: `jazzer addon needed ${loosened.weakened.join(' and ')}; references to ${loosened.symbols.join(', ')} loosened and a compat shim preloaded` };
}
