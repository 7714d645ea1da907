/**
 * What a fuzz target is: one function from arbitrary bytes to "the properties held" (it returns)
 * or a finding (it throws). Jazzer drives it coverage-guided (run-jazzer.ts); vitest runs the same
 * function over the seed corpus and every regression input (targets.test.ts).
 */
import { writeFileSync } from 'node:fs';

export interface SeedInput {
  /** Where the seed came from, e.g. "h1-conformance/4.2-3": also its file name, made safe. */
  name: string;
  data: Buffer;
}

export interface FuzzTarget {
  /** The name `aeronet fuzz <name>` takes. */
  readonly name: string;
  /** One line for --list. */
  readonly description: string;
  /** One execution. Returns when every property held; throws PropertyViolation (or worse) otherwise. */
  run(data: Buffer): void | Promise<void>;
  /** run() returns a promise (Jazzer then runs without --sync). */
  readonly async: boolean;
  /** Inputs to start from: the conformance suites' and sim scenarios' bytes in this target's format. */
  seeds(): Promise<SeedInput[]>;
  /** The libFuzzer dictionary in fuzz/dictionaries/ (HTTP tokens, frame headers). */
  readonly dictionary: string;
  /** Compiled source folders Jazzer instruments for coverage, relative to dist/ ("server/http1/"). */
  readonly instrument: readonly string[];
  /** The work ratio this target reports its worst of (see WorkRatio). */
  readonly ratio: string;
  /** Longest input the fuzzer makes for this target (default 8192). */
  readonly maxLen?: number;
}

/** A property of the target failed: the message says which and with what values. */
export class PropertyViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropertyViolation';
  }
}

export function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new PropertyViolation(message());
}

/** Deep equality of the plain data the targets compare (arrays, objects, Buffers, primitives). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function show(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return `<${Buffer.from((v as { data: number[] }).data).toString('latin1')}>`;
    }
    return v;
  }).slice(0, 600);
}

/**
 * The worst "server work per attacker byte" a target has seen, kept per process. When it grows,
 * it is written (synchronously, it is rare) to the file named by AERONET_FUZZ_STATS, so that the
 * runner can report it after libFuzzer has ended the process, which runs no exit handlers.
 */
export class WorkRatio {
  worst = 0;
  worstInput: Buffer | null = null;
  private readonly file = process.env['AERONET_FUZZ_STATS'] ?? null;

  constructor(private readonly name: string) {}

  observe(work: number, attackerBytes: number, input: Buffer): number {
    const ratio = work / Math.max(1, attackerBytes);
    if (ratio > this.worst) {
      this.worst = ratio;
      this.worstInput = input;
      if (this.file !== null) {
        writeFileSync(this.file, JSON.stringify({ ratio: this.name, worst: ratio, input: input.toString('base64') }));
      }
    }
    return ratio;
  }
}
