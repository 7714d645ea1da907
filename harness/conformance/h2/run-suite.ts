import { matchesEntry, selectByFilter, type NamedSets } from '../select-cases.js';
import type { FaultedResult, FaultsSummary } from '../faults.js';
import type { Setting } from '../../../server/http2/frames/frame.js';
import type { CaseContext, H2Case, OptionalKind, Verdict } from './case.js';
import { ALL_CASES, H2SPEC_CASES } from './cases/index.js';
import { H2SPEC_GROUPS } from './groups.js';
import { handshake } from './handshake.js';
import { H2SPEC_PREFACE_SETTINGS } from './h2spec-client.js';
import type { H2Conn, H2Target } from './target.js';

export type CaseResultKind = 'passed' | 'failed' | 'skipped';

export interface CaseResult {
  id: string;
  title: string;
  result: CaseResultKind;
  expected: string;
  actual: string;
  /** How long the case took, on the target's clock (virtual time in the sim). */
  ms: number;
  /** Under --faults: the case's results in the faulted runs (harness/conformance/faults.ts). */
  faults?: FaultedResult[];
  /** An optional case (H2Case.optional): whether it ran, and why it is optional. */
  optional?: OptionalNote;
}

/** What a report says of an optional case: "ran (...)" or "not run (...; give --stall-wait MS)". */
export interface OptionalNote {
  ran: boolean;
  note: string;
}

export interface SuiteReport {
  target: string;
  cases: CaseResult[];
  /** Under --faults: what ran, and the cases that pass clean but fail under faults. */
  faults?: FaultsSummary;
}

export interface SuiteOptions {
  /** Run the strict-only cases too (h2spec's --strict). */
  strict?: boolean;
  /** Per wait (default 2000 ms, as h2spec). */
  timeoutMs?: number;
  /**
   * Case ids or group prefixes ("http2/6.5", "generic", "abuse"); "h2spec" names h2spec's three
   * groups. Empty: every case, ours included.
   */
  filter?: readonly string[];
  /** :path for GET requests (default "/"). */
  path?: string;
  /** :path for POST requests (default: path). */
  postPath?: string;
  /** :path of a large response (default: path). */
  largePath?: string;
  /** Most bytes a flood case writes (default 32 MiB: past the kernel's socket buffers). */
  floodBytes?: number;
  /**
   * The stall wait (--stall-wait MS): how long to wait for a server to give up on a response
   * stalled by a peer that grants no credit, which it must do within that time
   * (abuse/zero-window-stall/2, an optional case). Default: not waited for, and that case does
   * not run, so that a run over sockets takes seconds, not a server's stall timeout; in the sim,
   * where waiting costs no real time, give DEFAULT_STALL_LIMIT_MS.
   */
  stallLimitMs?: number | null;
  /** Case ids or group prefixes to leave out (after `filter`). */
  exclude?: readonly string[];
  /** The cases to choose from (default: all). */
  cases?: readonly H2Case[];
  /** Called after each case, for progress output. */
  onCase?: (result: CaseResult) => void;
}

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_FLOOD_BYTES = 32 * 1024 * 1024;
/** The stall limit to ask for where waiting is free (the sim, on virtual time): a minute. */
export const DEFAULT_STALL_LIMIT_MS = 60_000;

/**
 * The optional cases' conditions: what each waits for (why it does not run by default), how to
 * ask for it, and whether these options do.
 */
export const OPTIONAL: Readonly<Record<OptionalKind, { why: string; give: string; wait: (options: SuiteOptions) => number | null }>> = {
  'stall-wait': { why: "waits for the server's stall timeout", give: 'give --stall-wait MS', wait: (o) => o.stallLimitMs ?? null },
};

/** The note on an optional case in a report: ran, with how long it could wait, or not run and why. */
export function optionalNote(kind: OptionalKind, options: SuiteOptions): OptionalNote {
  const { why, give, wait } = OPTIONAL[kind];
  const ms = wait(options);
  return ms === null ? { ran: false, note: `not run (${why}; ${give})` } : { ran: true, note: `ran (${why}: waited up to ${ms} ms)` };
}

/** h2spec's cases open their connections as h2spec does (Conn.Handshake); ours with an empty SETTINGS. */
export function prefaceSettings(c: H2Case): readonly Setting[] {
  return c.settings ?? (H2SPEC_GROUPS.includes(c.id.split('/')[0]!) ? H2SPEC_PREFACE_SETTINGS : []);
}

/** "h2spec" names h2spec's own 147 cases (generic, http2, hpack) as one set. */
const NAMED: NamedSets = { h2spec: (id) => H2SPEC_CASES.some((c) => c.id === id) };

/** The cases a filter selects, in suite order, and the filter entries that select nothing. */
export function selectCases(filter: readonly string[], cases: readonly H2Case[] = ALL_CASES): { cases: H2Case[]; unknown: string[] } {
  return selectByFilter(filter, cases, NAMED);
}

/**
 * Run the suite against a target, one case at a time, each on a fresh connection that is closed
 * afterwards. Never throws for a misbehaving server: a case that cannot connect or crashes is a
 * failed case whose `actual` says why.
 */
export async function runH2Suite(target: H2Target, options: SuiteOptions = {}): Promise<SuiteReport> {
  const excluded = options.exclude ?? [];
  const cases = selectCases(options.filter ?? [], options.cases ?? ALL_CASES).cases.filter((c) => !excluded.some((e) => matchesEntry(c.id, e, NAMED)));
  const now = target.now ?? (() => performance.now());
  const results: CaseResult[] = [];
  for (const c of cases) {
    const started = now();
    const optional = c.optional !== undefined ? optionalNote(c.optional, options) : undefined;
    let verdict: Verdict;
    if (c.strict === true && options.strict !== true) verdict = { passed: false, skipped: true, expected: '', actual: 'strict mode only (--strict)' };
    else if (optional !== undefined && !optional.ran) verdict = { passed: false, skipped: true, expected: '', actual: optional.note };
    else verdict = await runCase(target, c, options);
    const result: CaseResult = {
      id: c.id,
      title: c.title,
      result: verdict.skipped === true ? 'skipped' : verdict.passed ? 'passed' : 'failed',
      expected: verdict.expected,
      actual: verdict.actual,
      ms: Math.round(now() - started),
      ...(optional !== undefined ? { optional } : {}),
    };
    results.push(result);
    options.onCase?.(result);
  }
  return { target: target.describe, cases: results };
}

async function runCase(target: H2Target, c: H2Case, options: SuiteOptions): Promise<Verdict> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const opened: H2Conn[] = [];
  const connect = async (): Promise<H2Conn> => {
    const conn = await target.connect();
    opened.push(conn);
    return conn;
  };
  try {
    let conn: H2Conn;
    try {
      conn = await connect();
    } catch (err) {
      return { passed: false, expected: 'a connection', actual: `cannot connect: ${err instanceof Error ? err.message : String(err)}` };
    }
    let serverSettings = new Map<number, number>();
    const settings = prefaceSettings(c);
    if (c.handshake !== false) {
      const hs = await handshake(conn, timeoutMs, settings);
      if (!hs.ok) return { passed: false, expected: 'the connection handshake (SETTINGS exchanged and acknowledged)', actual: hs.actual };
      serverSettings = hs.settings;
    }
    const path = options.path ?? '/';
    const authority = target.authority ?? 'localhost';
    const scheme = target.scheme ?? 'http';
    const request = (method: string, p?: string): Array<[string, string]> => [[':method', method], [':scheme', scheme], [':path', p ?? ctx.postPath], [':authority', authority]];
    const ctx: CaseContext = {
      timeoutMs,
      strict: options.strict === true,
      path,
      postPath: options.postPath ?? path,
      largePath: options.largePath ?? path,
      authority,
      scheme,
      floodBytes: options.floodBytes ?? DEFAULT_FLOOD_BYTES,
      stallLimitMs: options.stallLimitMs ?? null,
      serverSettings,
      get: (p = path) => request('GET', p),
      request,
      async connect(extraSettings = settings) {
        const extra = await connect();
        const hs = await handshake(extra, timeoutMs, extraSettings);
        if (!hs.ok) throw new Error(`handshake on another connection failed: ${hs.actual}`);
        return extra;
      },
    };
    return await c.run(conn, ctx);
  } catch (err) {
    return { passed: false, expected: 'the case to run to its verdict', actual: `error: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    for (const conn of opened) conn.close();
  }
}

/** Counts of a report's results. */
export function summarize(cases: readonly CaseResult[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: cases.filter((c) => c.result === 'passed').length,
    failed: cases.filter((c) => c.result === 'failed').length,
    skipped: cases.filter((c) => c.result === 'skipped').length,
  };
}
