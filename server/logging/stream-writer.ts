import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';

/** Text queued in a stream that does not drain, past which records are dropped (and counted). */
const DEFAULT_MAX_QUEUED_BYTES = 8 * 1024 * 1024;

export interface StreamWriterOptions {
  /** close() ends the stream (a file the sink opened) rather than only waiting for it to drain (stderr). */
  end?: boolean;
  maxQueuedBytes?: number;
}

/**
 * The part every stream sink shares: write text to a Writable without ever letting the stream
 * hurt the server. An 'error' listener is always attached (without one, an EPIPE on stderr is an
 * uncaught exception that kills the process); after an error the stream is dead and is no longer
 * written; a stream that stops draining costs at most `maxQueuedBytes` of memory, after which
 * records are dropped and counted. The first failure of each kind is reported once.
 */
export class StreamWriter {
  /** Records not written because the stream was not draining. */
  dropped = 0;
  private broken = false;
  private report: ((error: Error) => void) | null = null;
  /** A failure before bind(): reported as soon as there is someone to tell. */
  private unreported: Error | null = null;
  private dropReported = false;
  private readonly maxQueued: number;

  constructor(private readonly stream: Writable, private readonly options: StreamWriterOptions = {}) {
    this.maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    stream.on('error', (err: Error) => this.fail(err));
  }

  get isBroken(): boolean {
    return this.broken;
  }

  bind(report: (error: Error) => void): void {
    this.report = report;
    if (this.unreported !== null) {
      const err = this.unreported;
      this.unreported = null;
      report(err);
    }
  }

  write(text: string): void {
    if (this.broken) return;
    if (this.stream.writableLength > this.maxQueued) {
      this.dropped++;
      if (!this.dropReported) {
        this.dropReported = true;
        this.tell(new Error(`the stream is not draining: over ${this.maxQueued} bytes queued, records are dropped from now on while it stays full`));
      }
      return;
    }
    this.stream.write(text);
  }

  /** Flush: wait until what was written has left (and end the stream when it is ours). Never rejects. */
  async close(): Promise<void> {
    const stream = this.stream;
    if (this.broken || stream.destroyed) return;
    if (this.options.end === true) {
      stream.end();
      await finished(stream).catch(() => {});
      return;
    }
    if (stream.writableLength === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
      stream.on('close', done);
    });
  }

  private fail(err: Error): void {
    if (this.broken) return;
    this.broken = true;
    this.tell(err);
  }

  private tell(err: Error): void {
    if (this.report !== null) this.report(err);
    else this.unreported = err;
  }
}
