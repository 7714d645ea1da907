/**
 * Why a request could not be parsed, where, and what to answer. `offset` counts bytes from the
 * start of the connection's input, so a log line points at the exact octet that broke a rule
 * (the roadmap's "enhanced parser diagnostics").
 */
export class HttpParseError extends Error {
  constructor(
    /** The status to answer with (400, 413, 414, 431, 501, 505...). */
    readonly status: number,
    /** A stable machine-readable reason, e.g. 'content-length-with-transfer-encoding'. */
    readonly code: string,
    /** A sentence for people, citing the rule. */
    readonly reason: string,
    /** Byte offset of the offending octet in the connection's input. */
    readonly offset: number,
  ) {
    super(`${status} ${code} at byte ${offset}: ${reason}`);
    this.name = 'HttpParseError';
  }
}
