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
  /**
   * Optional: queue several chunks as one write (a single writev(2), one pass through TLS), same
   * contract as write() for the lot. HTTP/2 sends a turn's frames this way, frame headers and
   * the payloads they describe side by side without copying the payloads. A transport without it
   * gets the chunks one write() each, in order.
   */
  writev?(chunks: readonly Uint8Array[]): boolean;
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
  /**
   * The TLS session (protocol, cipher, the verified client certificate), or null/absent on a
   * plain connection. A transport may compute it on first read; it is the same object afterwards.
   */
  readonly tls?: TlsSessionInfo | null;
}

/** What a handler may know about a connection's TLS session (`req.tls`). */
export interface TlsSessionInfo {
  /** The SNI name the session was set up for, or null. */
  readonly servername: string | null;
  readonly alpnProtocol: string | null;
  /** 'TLSv1.3', 'TLSv1.2'. */
  readonly protocol: string | null;
  /** The IANA name of the cipher suite ('TLS_AES_128_GCM_SHA256'). */
  readonly cipher: string | null;
  /** The handshake resumed an earlier session (a ticket) instead of a full handshake. */
  readonly sessionReused: boolean;
  /** The client-certificate policy that applied to this connection's server name. */
  readonly clientAuth: 'none' | 'optional' | 'required';
  /** The client's certificate, only when it verified against the policy's CAs; never under 'none'. */
  readonly clientCertificate: TlsClientCertificate | null;
  /** A certificate was presented and verified. */
  readonly authorized: boolean;
  /** Why not (an OpenSSL verify code such as UNABLE_TO_VERIFY_LEAF_SIGNATURE, or NO_CLIENT_CERTIFICATE); absent under 'none' and when authorized. */
  readonly authorizationError?: string;
}

export interface TlsClientCertificate {
  /** Distinguished names as Node prints them: one `attribute=value` per line ('CN=alice'). */
  readonly subject: string;
  readonly issuer: string;
  /** Upper-case hex. */
  readonly serialNumber: string;
  /** SHA-256 of the DER, colon-separated upper-case hex. */
  readonly fingerprint256: string;
  /** ISO 8601. */
  readonly validFrom: string;
  readonly validTo: string;
  /** As Node prints it ('DNS:a.test, IP Address:10.0.0.1'), or null without the extension. */
  readonly subjectAltName: string | null;
}
