/**
 * The C yardstick of bench:proxy (bench/native/epoll-relay.cpp, a minimal single-threaded epoll TCP
 * relay): building it at bench time, and the rotation of the measured paths between rounds.
 *
 * The relay is compiled with `g++ -O2` into node_modules/.cache/aeronet-bench/epoll-relay, again
 * only when the binary is missing or older than the source. No compiler, or a failed compile, is
 * not a benchmark failure: the caller skips that path and records why.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NativeRelayPaths {
  source: string;
  binary: string;
}

/** Where the source lives in the package and where its binary is cached. */
export function nativeRelayPaths(root: string): NativeRelayPaths {
  return {
    source: join(root, 'bench', 'native', 'epoll-relay.cpp'),
    binary: join(root, 'node_modules', '.cache', 'aeronet-bench', 'epoll-relay'),
  };
}

/** True when the binary must be (re)built: it is missing, or older than the source. */
export function needsBuild(sourceMtimeMs: number, binaryMtimeMs: number | null): boolean {
  return binaryMtimeMs === null || binaryMtimeMs < sourceMtimeMs;
}

export type NativeRelayBuild =
  | { ok: true; binary: string; /** 'compiled' now, or 'cached' (up to date). */ build: 'compiled' | 'cached'; command: string }
  | { ok: false; /** One line: why the relay is not available. */ reason: string; command: string };

function mtimeMs(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** The first line of a compiler's output that says what went wrong (else its first line). */
export function firstErrorLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /\berror\b/i.test(l)) ?? lines[0] ?? '(no output)';
}

/**
 * Makes sure the relay binary is there and up to date: `<compiler> -O2 -o <binary> <source>` when
 * needed (into a temporary name, renamed into place only when it succeeded, so an interrupted
 * compile never leaves a half-written binary that looks newer than the source).
 */
export function ensureNativeRelay(paths: NativeRelayPaths, compiler = 'g++'): NativeRelayBuild {
  const command = `${compiler} -O2 -o ${paths.binary} ${paths.source}`;
  const src = mtimeMs(paths.source);
  if (src === null) return { ok: false, reason: `${paths.source} is missing`, command };
  if (!needsBuild(src, mtimeMs(paths.binary))) return { ok: true, binary: paths.binary, build: 'cached', command };
  const tmp = `${paths.binary}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(paths.binary), { recursive: true });
  } catch (err) {
    return { ok: false, reason: `cannot create ${dirname(paths.binary)}: ${(err as Error).message}`, command };
  }
  const r = spawnSync(compiler, ['-O2', '-o', tmp, paths.source], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) {
    rmSync(tmp, { force: true });
    const code = (r.error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `${compiler} is not installed (not found on PATH)` : `${compiler} could not be run: ${r.error.message}`, command };
  }
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    const how = r.status === null ? `killed by ${r.signal}` : `exit code ${r.status}`;
    return { ok: false, reason: `${compiler} failed (${how}): ${firstErrorLine(`${r.stderr}\n${r.stdout}`)}`, command };
  }
  renameSync(tmp, paths.binary);
  return { ok: true, binary: paths.binary, build: 'compiled', command };
}

/**
 * The order of the paths in round `round` (1-based): the list rotated left by round - 1, so each
 * path goes first in turn and, over as many rounds as paths, sits in every position once (with two
 * paths this is ABBA: [a, b], [b, a], [a, b], ...). Slow drifts of the machine (thermal, other
 * tenants) then fall on every path alike.
 */
export function rotation<T>(items: readonly T[], round: number): T[] {
  if (!Number.isSafeInteger(round) || round < 1) throw new RangeError(`round must be an integer >= 1, got ${round}`);
  const n = items.length;
  if (n === 0) return [];
  const k = (round - 1) % n;
  return [...items.slice(k), ...items.slice(0, k)];
}
