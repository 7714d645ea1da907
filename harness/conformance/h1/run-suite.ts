import { matchesEntry, selectByFilter } from '../select-cases.js';
import type { CaseResult, SuiteReport } from '../h2/run-suite.js';
import type { H1Case, H1CaseContext, Verdict } from './case.js';
import { ALL_CASES } from './cases/index.js';
import type { H1Conn, H1Target } from './target.js';

export type { CaseResult, CaseResultKind, SuiteReport } from '../h2/run-suite.js';
export { summarize } from '../h2/run-suite.js';

export interface H1SuiteOptions {
  /** Per wait (default 2000 ms). Passing servers decide at once; the timeout is paid by failures. */
  timeoutMs?: number;
  /** Case ids or group prefixes ("h1/chunked", "smuggling", "smuggling/cl-te/2"). Empty: every case. */
  filter?: readonly string[];
  /** Case ids or group prefixes to leave out (after `filter`). */
  exclude?: readonly string[];
  /** A path that answers GET and HEAD with a 2xx (default "/"). */
  path?: string;
  /**
   * A path that answers POST with the request's content as its own (aeronet: /echo). Without it
   * the cases that check content are skipped, and the others send their POSTs to `path`.
   */
  echoPath?: string | null;
  /** A path the server answers 404 (default /aeronet-conformance/no-such-resource). */
  missingPath?: string;
  /** The cases to choose from (default: all). */
  cases?: readonly H1Case[];
  /** Called after each case, for progress output. */
  onCase?: (result: CaseResult) => void;
}

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_MISSING_PATH = '/aeronet-conformance/no-such-resource';

/** The cases a filter selects, in suite order, and the filter entries that select nothing. */
export function selectH1Cases(filter: readonly string[], cases: readonly H1Case[] = ALL_CASES): { cases: H1Case[]; unknown: string[] } {
  return selectByFilter(filter, cases);
}

/**
 * Run the suite against a target, one case at a time, each on a fresh connection that is closed
 * afterwards. Never throws for a misbehaving server: a case that cannot connect or crashes is a
 * failed case whose `actual` says why. The report has the HTTP/2 suite's shape, so its renderers
 * (report-text, report-json, report-junit) print it.
 */
export async function runH1Suite(target: H1Target, options: H1SuiteOptions = {}): Promise<SuiteReport> {
  const excluded = options.exclude ?? [];
  const cases = selectH1Cases(options.filter ?? [], options.cases ?? ALL_CASES).cases.filter((c) => !excluded.some((e) => matchesEntry(c.id, e)));
  const now = target.now ?? (() => performance.now());
  const results: CaseResult[] = [];
  for (const c of cases) {
    const started = now();
    const verdict: Verdict = c.needsEcho === true && (options.echoPath ?? null) === null
      ? { passed: false, skipped: true, expected: '', actual: 'needs an echo path (--echo-path)' }
      : await runCase(target, c, options);
    const result: CaseResult = {
      id: c.id,
      title: c.title,
      result: verdict.skipped === true ? 'skipped' : verdict.passed ? 'passed' : 'failed',
      expected: verdict.expected,
      actual: verdict.actual,
      ms: Math.round(now() - started),
    };
    results.push(result);
    options.onCase?.(result);
  }
  return { target: target.describe, cases: results };
}

async function runCase(target: H1Target, c: H1Case, options: H1SuiteOptions): Promise<Verdict> {
  const opened: H1Conn[] = [];
  const connect = async (): Promise<H1Conn> => {
    const conn = await target.connect();
    opened.push(conn);
    return conn;
  };
  try {
    let conn: H1Conn;
    try {
      conn = await connect();
    } catch (err) {
      return { passed: false, expected: 'a connection', actual: `cannot connect: ${err instanceof Error ? err.message : String(err)}` };
    }
    const path = options.path ?? '/';
    const echoPath = options.echoPath ?? null;
    const ctx: H1CaseContext = {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      path,
      echoPath,
      postPath: echoPath ?? path,
      missingPath: options.missingPath ?? DEFAULT_MISSING_PATH,
      authority: target.authority ?? 'localhost',
      connect,
    };
    return await c.run(conn, ctx);
  } catch (err) {
    return { passed: false, expected: 'the case to run to its verdict', actual: `error: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    for (const conn of opened) conn.close();
  }
}
