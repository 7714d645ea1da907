import type { FileHandle } from 'node:fs/promises';

/**
 * Where a ranged response's octets come from: a selected representation of known length with
 * its validators, read a range at a time. serveStatic builds one over an open file; a handler can
 * build one over anything (a blob store, a generated report) or pass a Buffer to sendRanged.
 */
export interface RangeSource {
  /** Length of the whole representation in octets (Content-Length of a 200). */
  readonly size: number;
  /** ETag field value, quotes included: `"v1"`, or `W/"v1"` for a weak validator (RFC 9110 §8.8.3). */
  readonly etag?: string | undefined;
  /** Last modification, ms since the epoch or a Date (RFC 9110 §8.8.2). */
  readonly lastModified?: number | Date | undefined;
  /** Content-Type of the representation; when absent, whatever the response already has. */
  readonly contentType?: string | undefined;
  /**
   * The octets start..endInclusive, in order, in chunks of any size that add up to exactly that
   * many. Stop early when `signal` aborts (the peer went away); breaking out of the iteration
   * (return()) must release whatever the read holds.
   */
  read(start: number, endInclusive: number, signal: AbortSignal): AsyncIterable<Uint8Array>;
}

/** Chunk size for reading: big enough to be cheap per syscall, small enough for backpressure to bite early. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/** A Buffer (or any Uint8Array) as a RangeSource; slices, no copies. */
export function bufferSource(bytes: Uint8Array, meta: Omit<RangeSource, 'size' | 'read'> = {}, chunkSize = DEFAULT_CHUNK_SIZE): RangeSource {
  return {
    ...meta,
    size: bytes.length,
    async *read(start, end, signal) {
      for (let pos = start; pos <= end && !signal.aborted; pos += chunkSize) {
        yield bytes.subarray(pos, Math.min(pos + chunkSize, end + 1));
      }
    },
  };
}

/**
 * Read start..endInclusive of an open file, `chunkSize` octets at a time with positioned reads
 * (no shared file position, so concurrent ranges on one handle do not interfere). A fresh buffer
 * per chunk: the transport may still hold the previous one. The caller owns and closes the
 * handle. A file that shrank under us fails the read: a response cut short must look broken,
 * never complete.
 */
export async function* readFileRange(handle: FileHandle, start: number, endInclusive: number, chunkSize: number, signal: AbortSignal): AsyncGenerator<Buffer> {
  let pos = start;
  while (pos <= endInclusive) {
    if (signal.aborted) return;
    const want = Math.min(chunkSize, endInclusive - pos + 1);
    const buf = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(buf, 0, want, pos);
    if (bytesRead === 0) throw new Error(`the file ended at octet ${pos}, before the ${endInclusive + 1} it had when it was opened`);
    pos += bytesRead;
    yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
  }
}
