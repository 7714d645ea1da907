import { Readable } from 'node:stream';
import type { RequestBody } from './types.js';
import { collectBody, parseJsonBody } from './body-reading.js';
import { createDecoder, parseContentEncoding, UnsupportedContentEncodingError } from './content-coding.js';

/**
 * Request content with its Content-Encoding removed (RFC 9110 §8.4), for handlers that want the
 * representation's bytes. Decoding stops as soon as the decoded size passes `maxDecodedBytes`
 * (a zip bomb gets 413 after a bounded amount of work), corrupt input gives 400, and a coding we
 * cannot decode gives 415 with Accept-Encoding listing what we can.
 */
export class DecodedRequestBody implements RequestBody {
  constructor(
    private readonly raw: RequestBody,
    private readonly contentEncoding: string,
    private readonly maxDecodedBytes: number,
  ) {}

  get trailers(): ReadonlyArray<readonly [string, string]> {
    return this.raw.trailers;
  }

  get empty(): boolean {
    return this.raw.empty;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const codings = parseContentEncoding(this.contentEncoding);
    if (!Array.isArray(codings)) throw new UnsupportedContentEncodingError(codings.unsupported);
    if (codings.length === 0) {
      yield* this.raw;
      return;
    }
    const decoder = createDecoder(codings, this.maxDecodedBytes);
    const source = Readable.from(this.raw);
    source.on('error', (err) => decoder.destroy(err));
    source.pipe(decoder);
    try {
      for await (const chunk of decoder) yield chunk as Buffer;
    } finally {
      source.destroy();
      decoder.destroy();
    }
  }

  buffer(limit = this.maxDecodedBytes): Promise<Buffer> {
    return collectBody(this, limit);
  }

  async text(limit?: number): Promise<string> {
    return (await this.buffer(limit)).toString('utf8');
  }

  async json<T = unknown>(limit?: number): Promise<T> {
    return parseJsonBody<T>(await this.text(limit));
  }

}
