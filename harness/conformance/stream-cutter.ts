/**
 * Cuts one byte stream at a fixed offset, whatever the writes it is sent in: the write that spans
 * the offset comes out as two pieces, every other write whole. A conformance target puts it in
 * front of a link that keeps writes whole, so the server receives the stream in two deliveries at
 * exactly that point (the `splits` fault profile tries every point of a small case, one per run).
 */
export class StreamCutter {
  private written = 0;

  /** `at`: the offset in the stream where the cut falls (null or 0: never cut). */
  constructor(private readonly at: number | null) {}

  /** The pieces to write for the next `bytes` of the stream, in order. */
  pieces(bytes: Buffer): Buffer[] {
    const start = this.written;
    this.written += bytes.length;
    if (this.at === null) return [bytes];
    const cut = this.at - start;
    if (cut <= 0 || cut >= bytes.length) return [bytes];
    return [bytes.subarray(0, cut), bytes.subarray(cut)];
  }
}
