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
   * How long a server may leave a response stalled by a peer that grants no credit before it
   * must give up on it; null: do not wait for that (abuse/zero-window-stall then judges only what
   * shows within the timeout: flow control kept, and the rest of the connection still served).
   */
  readonly stallLimitMs: number | null;
  /** The parameters of the server's first SETTINGS frame (empty for preface cases). */
  readonly serverSettings: ReadonlyMap<number, number>;
  /** A GET request's fields for `path` (or another path). */
  get(path?: string): Array<[string, string]>;
  /** A request's fields with another method, on `postPath` unless given. */
  request(method: string, path?: string): Array<[string, string]>;
  /** Another connection to the server, handshake done; the runner closes it after the case. */
  connect(): Promise<H2Conn>;
}

export interface H2Case {
  /** h2spec's id ("http2/6.9.1/2"), or ours for groups h2spec lacks ("rfc9113/...", "abuse/..."). */
  id: string;
  title: string;
  /** Runs only in strict mode (h2spec's [strict] cases: SHOULDs rather than MUSTs). */
  strict?: true;
  /** false: the case sends the preface itself (it is about the preface). */
  handshake?: false;
  /** SETTINGS the client's preface carries. */
  settings?: Setting[];
  run(conn: H2Conn, ctx: CaseContext): Promise<Verdict>;
}
