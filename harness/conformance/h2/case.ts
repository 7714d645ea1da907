import type { Setting } from '../../../server/http2/frames/frame.js';
import type { H2Conn } from './target.js';

/** What a case concluded: h2spec's "expected" and "actual", and whether they agree. */
export interface Verdict {
  passed: boolean;
  expected: string;
  actual: string;
  /** The case could not apply to this server (e.g. no concurrency limit advertised). */
  skipped?: boolean;
}

/** What a case knows about the run and the server, and the requests it may make. */
export interface CaseContext {
  /** How long to wait for the expected outcome (h2spec's default is 2000 ms). */
  readonly timeoutMs: number;
  readonly strict: boolean;
  /** :path of GET requests (default "/"). */
  readonly path: string;
  /** :path of POST requests (default: `path`); a path whose handler reads the body keeps a stream open. */
  readonly postPath: string;
  /** :path of a response large enough to need several windows (default: `path`). */
  readonly largePath: string;
  readonly authority: string;
  readonly scheme: 'http' | 'https';
  /** Bytes a flood case writes at most while it waits for the server to react. */
  readonly floodBytes: number;
  /**
   * How long to wait for a server to give up on a response stalled by a peer that grants no
   * credit (--stall-wait MS), which it must do within that time; null: not waited for, and the
   * case that needs it (abuse/zero-window-stall/2) does not run.
   */
  readonly stallLimitMs: number | null;
  /** The parameters of the server's first SETTINGS frame (empty for preface cases). */
  readonly serverSettings: ReadonlyMap<number, number>;
  /** A GET request's fields for `path` (or another path). */
  get(path?: string): Array<[string, string]>;
  /** A request's fields with another method, on `postPath` unless given. */
  request(method: string, path?: string): Array<[string, string]>;
  /**
   * Another connection to the server, handshake done (its preface carries `settings`, by default
   * the case's own); the runner closes it after the case.
   */
  connect(settings?: readonly Setting[]): Promise<H2Conn>;
}

/** Why a case may be left out of a run (see H2Case.optional). */
export type OptionalKind = 'stall-wait';

export interface H2Case {
  /** h2spec's id ("http2/6.9.1/2"), or ours for groups h2spec lacks ("rfc9113/...", "abuse/..."). */
  id: string;
  title: string;
  /** Runs only in strict mode (h2spec's [strict] cases: SHOULDs rather than MUSTs). */
  strict?: true;
  /** false: the case sends the preface itself (it is about the preface). */
  handshake?: false;
  /** SETTINGS the client's preface carries (default: h2spec's, SETTINGS_INITIAL_WINDOW_SIZE 65,535, for its cases; none for ours). */
  settings?: Setting[];
  /**
   * Runs only when asked, because it waits for something slow by design: 'stall-wait', for the
   * server's own send-stall timeout, runs only with a stall wait (--stall-wait MS). Otherwise the
   * case is reported as not run, and why (run-suite.ts, OPTIONAL).
   */
  optional?: OptionalKind;
  run(conn: H2Conn, ctx: CaseContext): Promise<Verdict>;
}
