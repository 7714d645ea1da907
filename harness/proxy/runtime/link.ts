import type { Socket } from 'node:net';
import type { Direction, ToxicConfig } from '../model.js';
import { EOF, whenReady, type Channel, type Sink } from './channel.js';
import { Stage, type StageEnv } from './stage.js';
import { LinkWriter } from './writer.js';

/** Go reads at most 32 KiB per chunk (§5); Node reads up to 64 KiB, so longer reads are cut. */
const MAX_CHUNK = 32 * 1024;

/**
 * One direction of a proxied connection (reference §5 "link"): the source socket's reads go through
 * the chain of toxic stages into the writer on the destination socket.
 *
 * With no toxics the reader writes straight to the writer (the benchmarked fast path: no stamps,
 * no promises). Otherwise each read becomes stamped chunks pushed into the first stage. Either way
 * the source is paused while the next sink is not ready, so the proxy never buffers unboundedly.
 *
 * Live changes (add/update/remove, §4/§5) run one at a time per link, in call order, and follow
 * Toxiproxy's rewiring: adding interrupts (and so restarts, with a new toxicity draw) the
 * previously last toxic; removing interrupts the removed stage, flushes what it holds or has
 * queued to its output, then restarts the stage before it (new draw, §6).
 */
export class Link {
  readonly writer: LinkWriter;
  readonly stages: Stage[] = [];
  /** Bytes read from the source (Toxiproxy's "received", §4 /metrics). */
  received = 0;
  private entry: Sink;
  private sourceDone = false;
  private held = false;
  private killed = false;
  private waitingOn: Sink | null = null;
  private ops: Promise<void> = Promise.resolve();

  constructor(
    readonly direction: Direction,
    private readonly source: Socket,
    dest: Socket,
    private readonly env: StageEnv,
    toxics: readonly ToxicConfig[],
    onEnd: (link: Link) => void,
  ) {
    this.writer = new LinkWriter(dest, () => onEnd(this));
    // Wire back to front, then start front to back: the draws come in chain order.
    let next: Sink = this.writer;
    for (let i = toxics.length - 1; i >= 0; i--) {
      const stage = new Stage(toxics[i]!, env, next);
      this.stages.unshift(stage);
      next = stage.input;
    }
    this.entry = next;
    for (const stage of this.stages) stage.start();
  }

  get finished(): boolean {
    return this.writer.done;
  }

  /** Start reading the source. */
  start(): void {
    this.source.on('data', this.onData);
    this.source.resume();
  }

  /** Source EOF or error, or the other link closed this source socket (§5): EOF into the chain. */
  sourceEnded(): void {
    if (this.sourceDone) return;
    this.sourceDone = true;
    this.waitingOn = null;
    this.source.pause();
    this.entry.end();
  }

  addToxic(config: ToxicConfig): void {
    this.enqueue(() => this.doAdd(config));
  }

  updateToxic(config: ToxicConfig): void {
    this.enqueue(() => this.doUpdate(config));
  }

  removeToxic(name: string): void {
    this.enqueue(() => this.doRemove(name));
  }

  /** Connection teardown: stop every stage and timer; nothing more is delivered. */
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    this.sourceDone = true;
    this.source.off('data', this.onData);
    for (const stage of this.stages) {
      stage.kill();
      stage.input.onItem?.();
    }
    this.writer.abandon();
  }

  /** Bytes held by the proxy for this link: stage queues and both sockets' user-space buffers. */
  bufferedBytes(): number {
    let n = this.source.readableLength + this.writer.dest.writableLength;
    for (const stage of this.stages) n += stage.input.bytes;
    return n;
  }

  private readonly onData = (buf: Buffer): void => {
    if (this.sourceDone) return;
    this.received += buf.length;
    const entry = this.entry;
    if (entry === this.writer) {
      if (!this.writer.write(buf)) this.pauseFor(entry);
      return;
    }
    const at = performance.now();
    if (buf.length <= MAX_CHUNK) entry.push({ data: buf, at });
    else for (let o = 0; o < buf.length; o += MAX_CHUNK) entry.push({ data: buf.subarray(o, o + MAX_CHUNK), at });
    if (!entry.ready) this.pauseFor(entry);
  };

  private pauseFor(sink: Sink): void {
    this.source.pause();
    this.waitingOn = sink;
    sink.onReady(() => {
      if (this.waitingOn !== sink) return;
      this.waitingOn = null;
      this.maybeResume();
    });
  }

  private maybeResume(): void {
    if (this.sourceDone || this.held || this.waitingOn) return;
    if (!this.entry.ready) this.pauseFor(this.entry);
    else this.source.resume();
  }

  private enqueue(op: () => Promise<void>): void {
    this.ops = this.ops.then(op).catch(() => {});
  }

  private async doAdd(config: ToxicConfig): Promise<void> {
    if (this.finished || this.killed) return;
    const stage = new Stage(config, this.env, this.writer);
    const last = this.stages.at(-1);
    if (!last) {
      this.stages.push(stage);
      stage.start();
      // The reader was writing straight to the writer; everything it wrote is ahead in the socket.
      this.entry = stage.input;
      return;
    }
    const restartable = await last.interrupt();
    if (!restartable || this.finished || this.killed) return;
    last.output = stage.input;
    this.stages.push(stage);
    stage.start();
    last.start();
  }

  private async doUpdate(config: ToxicConfig): Promise<void> {
    const stage = this.stages.find((s) => s.config.name === config.name);
    if (!stage || this.finished || this.killed) return;
    const restartable = await stage.interrupt();
    stage.config = config;
    if (restartable && !this.killed) stage.start();
  }

  private async doRemove(name: string): Promise<void> {
    const i = this.stages.findIndex((s) => s.config.name === name);
    if (i < 0 || this.finished || this.killed) return;
    const stage = this.stages[i]!;
    if (!(await stage.interrupt())) return;
    if (stage.behaviour.cleanup) {
      stage.behaviour.cleanup(stage);
      if (stage.closed) return;
    }
    const prev = i > 0 ? this.stages[i - 1]! : null;
    if (prev) {
      // prev may be blocked sending into our input: keep flushing it until prev has stopped.
      let prevStopped = false;
      let prevRestartable = false;
      const stopping = prev.interrupt().then((ok) => {
        prevRestartable = ok;
        prevStopped = true;
        stage.input.onItem?.();
      });
      await this.flush(stage.input, stage.output, () => prevStopped);
      await stopping;
      await this.flush(stage.input, stage.output, () => true);
      prev.output = stage.output;
      this.stages.splice(i, 1);
      if (prevRestartable && !this.killed) prev.start();
    } else {
      // The reader feeds our input: hold it while the queue is flushed, then point it past us.
      this.held = true;
      this.source.pause();
      await this.flush(stage.input, stage.output, () => true);
      this.stages.splice(0, 1);
      this.entry = stage.output;
      this.held = false;
      this.maybeResume();
    }
  }

  /** Move what `from` holds to `to` (EOF included) until it is empty and canStop() says so. */
  private async flush(from: Channel, to: Sink, canStop: () => boolean): Promise<void> {
    for (;;) {
      if (this.killed) return;
      const item = from.tryTake();
      if (item === EOF) {
        to.end();
        return;
      }
      if (item !== undefined) {
        if (!to.ready) await whenReady(to);
        to.push(item);
        continue;
      }
      if (canStop()) return;
      await new Promise<void>((resolve) => (from.onItem = resolve));
      from.onItem = null;
    }
  }
}
