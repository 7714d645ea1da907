/**
 * How recently closed streams ended, so that frames arriving for them after the close can be told
 * apart (RFC 9113 §5.1 "closed": after our RST_STREAM, frames in flight are expected and ignored;
 * after the peer's END_STREAM or RST_STREAM they are a stream or connection error).
 *
 * A direct-mapped table keyed by the stream id's low bits, not a Map: profiling put the Map's
 * get/set/evict among the top costs of closing a stream at 100k streams/s. Stream ids only grow
 * (§5.1.1), so a slot's occupant is replaced by an id `SLOTS` higher — the table remembers about
 * the last SLOTS/2 ids of each parity, and anything older reads as plainly closed (`undefined`).
 * The arrays are allocated on the first close: a connection that never closes a stream pays nothing.
 */
const SLOTS = 1024; // a power of two: the slot is id & (SLOTS - 1)

export class ClosedStreams<How extends number> {
  private ids: Int32Array | null = null;
  private hows: Uint8Array | null = null;

  get(id: number): How | undefined {
    const ids = this.ids;
    if (ids === null) return undefined;
    const slot = id & (SLOTS - 1);
    return ids[slot] === id ? (this.hows![slot] as How) : undefined;
  }

  /** `how` must fit in a byte (a small enum). */
  set(id: number, how: How): void {
    if (this.ids === null) {
      this.ids = new Int32Array(SLOTS); // 0 is never a stream id here: empty slots match nothing
      this.hows = new Uint8Array(SLOTS);
    }
    const slot = id & (SLOTS - 1);
    this.ids[slot] = id;
    this.hows![slot] = how;
  }
}
