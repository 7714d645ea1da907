import type { Transport } from '../transport/transport.js';

/**
 * The frames one turn of a connection writes, handed to the transport together.
 *
 * Why: a turn (one read from the peer) typically answers many streams at once — h2load's 32
 * requests in one TCP segment become 32 HEADERS and 32 DATA frames — and a transport write is a
 * syscall (or a TLS record) each. Profiling `aeronet serve` under h2load showed half of the CPU in
 * the kernel's write path with one write per frame; node:http2 (nghttp2) sends a turn's output in
 * one write. So frames are collected while a turn runs and flushed when it ends. Output queued
 * outside a turn (an async handler, a timer) is flushed once the promise jobs in flight have run
 * (process.nextTick from outside them), which is deterministic on virtual time too: no timer.
 *
 * Order is kept exactly (RFC 9113 §4.3: a field block's frames are contiguous; HPACK state follows
 * the order blocks are written), and backpressure still holds: past `maxBatchBytes` the batch is
 * flushed at once, so the transport's write() verdict (false = wait for drain) is seen after at
 * most that many bytes, and large frames are passed as they are rather than copied.
 */
export class OutputBatch {
  private frames: Buffer[] = [];
  private bytesQueued = 0;
  private depth = 0;
  private scheduled = false;
  private readonly flushLater = (): void => {
    this.scheduled = false;
    if (this.depth === 0) this.flush();
  };

  /**
   * `onBlocked` runs when the transport refused more (its write() returned false): the caller
   * stops producing until the transport's drain.
   */
  constructor(
    private readonly transport: Transport,
    private readonly onBlocked: () => void,
    private readonly maxBatchBytes = 256 * 1024,
  ) {}

  /** Octets collected and not yet given to the transport. */
  get bytes(): number {
    return this.bytesQueued;
  }

  /** A turn starts: hold writes until the matching end(). Turns nest. */
  begin(): void {
    this.depth++;
  }

  /** A turn ends; the outermost end flushes. */
  end(): void {
    if (--this.depth === 0) this.flush();
  }

  add(frame: Buffer): void {
    this.frames.push(frame);
    this.bytesQueued += frame.length;
    if (this.bytesQueued >= this.maxBatchBytes) this.flush();
    else if (this.depth === 0 && !this.scheduled) {
      this.scheduled = true;
      // After the promise jobs now queued have run, not after the next one: a handler writing
      // chunk after chunk (await res.write()) keeps adding to this batch until it waits for real.
      process.nextTick(this.flushLater);
    }
  }

  /** Hand everything collected to the transport now (before end/close, or when a turn ends). */
  flush(): void {
    const frames = this.frames;
    if (frames.length === 0) return;
    const total = this.bytesQueued;
    this.frames = [];
    this.bytesQueued = 0;
    const transport = this.transport;
    let below: boolean;
    if (frames.length === 1) below = transport.write(frames[0]!);
    else if (total <= JOIN_BELOW) below = transport.write(Buffer.concat(frames, total));
    else {
      // Small frames are joined into runs, big ones (DATA payloads) passed as they are: no copy.
      const chunks: Buffer[] = [];
      let runStart = 0;
      let runBytes = 0;
      for (let k = 0; k <= frames.length; k++) {
        const frame = frames[k];
        if (frame !== undefined && frame.length < BIG_FRAME) {
          runBytes += frame.length;
          continue;
        }
        if (k - runStart === 1) chunks.push(frames[runStart]!);
        else if (k - runStart > 1) chunks.push(Buffer.concat(frames.slice(runStart, k), runBytes));
        if (frame !== undefined) chunks.push(frame);
        runStart = k + 1;
        runBytes = 0;
      }
      if (chunks.length === 1) below = transport.write(chunks[0]!);
      else if (transport.writev !== undefined) below = transport.writev(chunks);
      else {
        below = true;
        for (const chunk of chunks) below = transport.write(chunk);
      }
    }
    // write() says false for anything above the socket's high-water mark (16 KiB), even when
    // the kernel took it all at once; only what is still queued afterwards means "wait".
    if (!below && transport.writableLength > 0) this.onBlocked();
  }

  /** Forget what is collected (the connection is being reset: queued bytes are dropped anyway). */
  discard(): void {
    this.frames = [];
    this.bytesQueued = 0;
  }
}

/** Frames at least this long are written on their own instead of being copied into a run. */
const BIG_FRAME = 2048;
/** A batch this small is joined into one buffer whatever it holds: one copy beats a writev. */
const JOIN_BELOW = 4096;
