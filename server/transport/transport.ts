/**
 * The seam between a protocol core and the world. A core only ever sees this interface, so the
 * same HTTP/1.1 (and later HTTP/2) code runs over a kernel socket, a TLS socket, a simulated
 * TestSocket on virtual time, or a netem link, unchanged.
 *
 * It is deliberately smaller than node:net's Socket: callbacks instead of an EventEmitter (no
 * listener arrays or event-name lookups on the hot path), and byte chunks only.
 */
export interface TransportEvents {
  /** Bytes from the peer. The buffer is the core's to keep; the transport will not reuse it. */
  onData(chunk: Buffer): void;
  /** The peer half-closed its side (TCP FIN). Writing is still allowed. */
  onEnd(): void;
  /** A write that returned false has been flushed below the high-water mark. */
  onDrain(): void;
  /** The transport is gone, whatever the reason; called exactly once, after onError if any. */
  onClose(): void;
  /** A failure surfaced by the layer below (ECONNRESET, EPIPE, a TLS alert...). */
  onError(error: TransportError): void;
}

export interface TransportError {
  /** A syscall-style code such as ECONNRESET or EPIPE, or a TLS error code; 'EUNKNOWN' otherwise. */
  readonly code: string;
  readonly message: string;
}

export interface Transport {
  /** Start delivering events to `events`. Called once, by whoever owns the connection. */
  attach(events: TransportEvents): void;
  /** Hand the transport to a new owner (an Upgrade or a CONNECT tunnel); events go there from now on. */
  reattach(events: TransportEvents): void;
  /** Queue bytes. Returns false once the queue is above its high-water mark: wait for onDrain. */
  write(chunk: Uint8Array): boolean;
  /**
   * Queue a string whose characters are all below 256, one byte each. Same contract as write();
   * it exists because a response head (and an ASCII body) is built as a string, and handing that
   * straight to the socket skips allocating and filling a Buffer on every response.
   */
  writeLatin1(text: string): boolean;
  /** Bytes queued but not yet handed to the layer below. */
  readonly writableLength: number;
  /** Stop or resume reading from the peer (read-side backpressure: TCP's window closes). */
  pause(): void;
  resume(): void;
  /** Half-close: send FIN after every queued byte; reading continues. */
  end(): void;
  /** Flush what is queued, then close both directions. */
  close(): void;
  /** Abort now, dropping queued bytes; the peer sees a reset (TCP RST) where the layer allows. */
  reset(): void;
  readonly closed: boolean;
  readonly info: TransportInfo;
}

/** What a core may want to know about the connection; fixed once the transport exists. */
export interface TransportInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** True over TLS. */
  readonly encrypted: boolean;
  /** The ALPN protocol the TLS handshake selected ('h2', 'http/1.1'), or null. */
  readonly alpnProtocol: string | null;
  /** The SNI host name the client asked for, or null. */
  readonly servername: string | null;
}
