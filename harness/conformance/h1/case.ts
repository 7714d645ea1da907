import type { Verdict } from '../h2/case.js';
import type { H1Conn } from './target.js';

export type { Verdict } from '../h2/case.js';

/** What a case knows about the run and the server under test. */
export interface H1CaseContext {
  /** How long to wait for an outcome (a response, the close) before judging what came. */
  readonly timeoutMs: number;
  /** A path that answers GET (and HEAD) with a 2xx (default "/"). */
  readonly path: string;
  /** A path that answers POST with the request's content as its own (aeronet: /echo); null if none. */
  readonly echoPath: string | null;
  /** Where requests with content go: the echo path if there is one, else `path`. */
  readonly postPath: string;
  /** A path the server answers 404 (default /aeronet-conformance/no-such-resource). */
  readonly missingPath: string;
  /** The Host field value. */
  readonly authority: string;
  /** Another connection to the server; the runner closes it after the case. */
  connect(): Promise<H1Conn>;
}

export interface H1Case {
  /** "h1/<topic>/<n>" for the RFC 9112/9110 requirements, "smuggling/<class>/<n>" for the attacks. */
  id: string;
  /** What the case sends, and the RFC section it checks. */
  title: string;
  /** Only meaningful with an echo path (the case checks the content the server read). */
  needsEcho?: true;
  run(conn: H1Conn, ctx: H1CaseContext): Promise<Verdict>;
}
