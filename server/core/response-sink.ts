/** Header or trailer fields as [name, value] pairs, names as the application spelled them. */
export type FieldList = Array<[string, string]>;

/**
 * What a protocol connection offers the protocol-agnostic Response: HTTP/1.1 turns these calls
 * into a status line, fields and (chunked or length-delimited) content; HTTP/2 will turn them into
 * HEADERS and DATA frames. The Response never sees bytes on the wire.
 */
export interface ResponseSink {
  /** True when the content must not be sent (a HEAD request); fields are still computed as for GET. */
  readonly suppressBody: boolean;
  /** A complete response in one go: the common, fastest path. A string body is UTF-8 text. */
  sendWhole(status: number, fields: FieldList, body: Uint8Array | string | null): void;
  /** Start a streamed response; `contentLength` is -1 when unknown. */
  startStream(status: number, fields: FieldList, contentLength: number): void;
  /** Send part of a streamed body. False means the peer is not keeping up: await waitForDrain(). */
  writeBody(chunk: Uint8Array): boolean;
  /** Finish a streamed body, with optional trailer fields. */
  endStream(trailers: FieldList | null): void;
  waitForDrain(): Promise<void>;
  /** The exchange cannot complete (a handler failed mid-stream): tell the peer it is broken. */
  abort(reason: Error): void;
}
