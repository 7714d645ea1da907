import type { SuiteRunner, TargetFactory } from '../faults.js';
import { AERONET_H1_PATHS, aeronetH1Targets, h1SuiteRunner, type MeasuredCaseResult as H1Measured } from '../h1/faults.js';
import { DEFAULT_TIMEOUT_MS as H1_DEFAULT_TIMEOUT_MS, runH1Suite, selectH1Cases, type H1SuiteOptions } from '../h1/run-suite.js';
import { socketTarget as h1SocketTarget } from '../h1/target.js';
import { AERONET_PATHS } from '../h2/aeronet-target.js';
import { aeronetTargets, h2SuiteRunner } from '../h2/faults.js';
import { DEFAULT_STALL_LIMIT_MS, DEFAULT_TIMEOUT_MS as H2_DEFAULT_TIMEOUT_MS, runH2Suite, selectCases, type CaseResult, type SuiteOptions } from '../h2/run-suite.js';
import { socketTarget as h2SocketTarget } from '../h2/target.js';

/*
 * The two conformance suites behind one small interface, so that every column of the matrix (sim,
 * proxy, netem) is written once: pick the cases, run them in-process as runUnderFaults drives a
 * suite, run one case against a real socket, and spell the `aeronet conformance` command line for
 * a socket.
 */

export type SuiteName = 'h1' | 'h2';

/** A case's result with the bytes its connections moved (sim runs measure it; sockets do not). */
export type MeasuredResult = CaseResult & { traffic?: H1Measured['traffic'] };

/** What the user may set for the cases; each suite reads its own fields, defaults are the demo routes'. */
export interface MatrixCaseOptions {
  timeoutMs?: number;
  /** h2: run the strict-only case and ask for the RFC's error codes. */
  strict?: boolean;
  /** h2: --stall-wait (or its older name --stall-limit). The sim waits DEFAULT_STALL_LIMIT_MS when unset (virtual time is free); sockets do not wait. */
  stallLimitMs?: number;
  /** GET path (default /hello). */
  path?: string;
  /** h2: POST path (default /echo). */
  postPath?: string;
  /** h2: a response larger than a window (default /bytes/100000). */
  largePath?: string;
  /** h1: the echo path (default /echo). */
  echoPath?: string;
  /** h1: a path that answers 404 (default: the suite's). */
  missingPath?: string;
}

export interface MatrixSuite {
  name: SuiteName;
  /** The protocol's name in prose. */
  protocol: string;
  /** The case ids a filter selects, in suite order, and the entries that select nothing. */
  select(filter: readonly string[]): { ids: string[]; unknown: string[] };
  /** The suite as runUnderFaults drives it: the selection on an in-process target, each case with its traffic. */
  simRunner(options: MatrixCaseOptions, filter: readonly string[]): SuiteRunner<unknown, MeasuredResult>;
  /** aeronet with the demo routes in a fresh simulated world whose links follow the plan. */
  simTargets: TargetFactory<unknown>;
  /** One case against a server on a real socket (cleartext). */
  socketCase(host: string, port: number, id: string, options: MatrixCaseOptions): Promise<CaseResult>;
  /** `conformance <suite> --host --port ...` arguments that run the selection against a socket. */
  cliArgs(host: string, port: number, options: MatrixCaseOptions): string[];
  defaultTimeoutMs: number;
}

const onlyCase = (id: string, cases: readonly CaseResult[]): CaseResult =>
  cases.find((c) => c.id === id) ?? { id, title: '', result: 'failed', expected: 'the case to run', actual: 'the runner did not report this case', ms: 0 };

function h1Options(o: MatrixCaseOptions): H1SuiteOptions {
  return {
    timeoutMs: o.timeoutMs ?? H1_DEFAULT_TIMEOUT_MS,
    path: o.path ?? AERONET_H1_PATHS.path!,
    echoPath: o.echoPath ?? AERONET_H1_PATHS.echoPath!,
    ...(o.missingPath !== undefined ? { missingPath: o.missingPath } : {}),
  };
}

/** h2's options; `stallLimitMs` is the sim's default or the socket's (no wait) when the user gave none. */
function h2Options(o: MatrixCaseOptions, stallDefault: number | null): SuiteOptions {
  return {
    strict: o.strict === true,
    timeoutMs: o.timeoutMs ?? H2_DEFAULT_TIMEOUT_MS,
    stallLimitMs: o.stallLimitMs ?? stallDefault,
    path: o.path ?? AERONET_PATHS.path!,
    postPath: o.postPath ?? AERONET_PATHS.postPath!,
    largePath: o.largePath ?? AERONET_PATHS.largePath!,
  };
}

export const H1_MATRIX_SUITE: MatrixSuite = {
  name: 'h1',
  protocol: 'HTTP/1.1',
  defaultTimeoutMs: H1_DEFAULT_TIMEOUT_MS,
  select(filter) {
    const { cases, unknown } = selectH1Cases(filter);
    return { ids: cases.map((c) => c.id), unknown };
  },
  simRunner: (options, filter) => h1SuiteRunner({ ...h1Options(options), filter }) as SuiteRunner<unknown, MeasuredResult>,
  simTargets: aeronetH1Targets,
  async socketCase(host, port, id, options) {
    const report = await runH1Suite(h1SocketTarget({ host, port }), { ...h1Options(options), filter: [id] });
    return onlyCase(id, report.cases);
  },
  cliArgs(host, port, options) {
    const o = h1Options(options);
    return ['conformance', 'h1', '--host', host, '--port', String(port), '--path', o.path!, '--echo-path', o.echoPath!, ...(o.missingPath !== undefined ? ['--missing-path', o.missingPath] : []), '--timeout', String(o.timeoutMs)];
  },
};

export const H2_MATRIX_SUITE: MatrixSuite = {
  name: 'h2',
  protocol: 'HTTP/2',
  defaultTimeoutMs: H2_DEFAULT_TIMEOUT_MS,
  select(filter) {
    const { cases, unknown } = selectCases(filter);
    return { ids: cases.map((c) => c.id), unknown };
  },
  simRunner: (options, filter) => h2SuiteRunner({ ...h2Options(options, DEFAULT_STALL_LIMIT_MS), filter }) as SuiteRunner<unknown, MeasuredResult>,
  simTargets: aeronetTargets,
  async socketCase(host, port, id, options) {
    // Over sockets a stall limit costs real time (the server's own stall timeout): only on request.
    const report = await runH2Suite(h2SocketTarget({ host, port }), { ...h2Options(options, null), filter: [id] });
    return onlyCase(id, report.cases);
  },
  cliArgs(host, port, options) {
    const o = h2Options(options, null);
    return [
      'conformance', 'h2', '--host', host, '--port', String(port), '--path', o.path!, '--post-path', o.postPath!, '--large-path', o.largePath!, '--timeout', String(o.timeoutMs),
      ...(o.strict === true ? ['--strict'] : []), ...(o.stallLimitMs !== null && o.stallLimitMs !== undefined ? ['--stall-limit', String(o.stallLimitMs)] : []),
    ];
  },
};

export function matrixSuite(name: SuiteName): MatrixSuite {
  return name === 'h1' ? H1_MATRIX_SUITE : H2_MATRIX_SUITE;
}
