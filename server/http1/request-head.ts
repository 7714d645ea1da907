/** What the parser knows about a request once its header section is complete. */
export type TargetForm = 'origin' | 'absolute' | 'authority' | 'asterisk';

/** How the request's content is delimited (RFC 9112 §6.3). */
export type BodyFraming =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' };

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  readonly targetForm: TargetForm;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and any later 1.x, which is treated as 1.1, RFC 9110 §6.2). */
  readonly versionMinor: number;
  /** Field lines in arrival order, names lower-cased, values with surrounding whitespace removed. */
  readonly headers: Array<[string, string]>;
  /** The request's authority: absolute-form target's, CONNECT's target, else the Host value. */
  readonly authority: string;
  readonly framing: BodyFraming;
  /** Whether the connection may carry another request after this one (RFC 9112 §9.3). */
  readonly keepAlive: boolean;
  /** `Expect: 100-continue` on an HTTP/1.1 request (RFC 9110 §10.1.1). */
  readonly expectContinue: boolean;
  /** The Upgrade field's value when Connection lists "upgrade" on an HTTP/1.1 request (RFC 9110 §7.8), else null. */
  readonly upgrade: string | null;
  /** Offset of the request's first byte in the connection's input. */
  readonly offset: number;
}
