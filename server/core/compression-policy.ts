import type { Transform } from 'node:stream';
import { createEncoder, encodeBuffer, isCompressible, negotiateEncoding, type Coding } from './content-coding.js';

export interface CompressionOptions {
  /** Codings offered, most preferred first. Default ['br', 'gzip', 'deflate']. */
  codings?: Coding[];
  /** Bodies smaller than this are sent as they are (compressing them costs more than it saves). Default 1024. */
  threshold?: number;
}

/**
 * Decides, per response, whether and how to compress (RFC 9110 §8.4, §12.5.3). Used by the
 * protocol-agnostic Response for both buffered and streamed bodies.
 */
export class CompressionPolicy {
  readonly codings: Coding[];
  readonly threshold: number;

  constructor(options: CompressionOptions = {}) {
    this.codings = options.codings ?? ['br', 'gzip', 'deflate'];
    this.threshold = options.threshold ?? 1024;
    if (!Number.isInteger(this.threshold) || this.threshold < 0) throw new RangeError('compression threshold must be a non-negative integer');
  }

  /**
   * Whether the response is one we would compress for some client: then it varies on
   * Accept-Encoding (RFC 9110 §12.5.5) even when this client gets identity.
   */
  eligible(status: number, contentType: string | undefined, contentEncoding: string | undefined, length: number): boolean {
    if (status < 200 || status === 204 || status === 206 || status === 304) return false;
    if (contentEncoding !== undefined) return false; // already encoded by the application
    if (length >= 0 && length < this.threshold) return false;
    return isCompressible(contentType);
  }

  /** The coding to apply for this Accept-Encoding, or null for identity. */
  choose(acceptEncoding: string | undefined): Coding | null {
    const chosen = negotiateEncoding(acceptEncoding, this.codings);
    return chosen === null || chosen === 'identity' ? null : chosen;
  }

  encode(coding: Coding, body: Uint8Array): Promise<Buffer> {
    return encodeBuffer(coding, Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }

  encoder(coding: Coding): Transform {
    return createEncoder(coding);
  }
}
