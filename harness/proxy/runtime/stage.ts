import type { Rng } from '../../sim/rng.js';
import type { ToxicConfig } from '../model.js';
import { Channel, INTERRUPTED, TIMEOUT, type Chunk, type Item, type Sink } from './channel.js';
import { TOXICS, type ToxicBehaviour, type ToxicState } from './toxics/registry.js';
import { noopPipe } from './toxics/noop.js';

type Why = 'item' | 'interrupt' | 'kill';

/** What a running toxic sees of its stage: Go's ToxicStub (input, output, interrupt, close). */
export interface StageContext {
  /** The next chunk or EOF, INTERRUPTED, or TIMEOUT after timeoutMs (default: wait forever). */
  receive(timeoutMs?: number): Promise<Item | typeof INTERRUPTED | typeof TIMEOUT>;
  /** Forward a chunk, waiting for room downstream (not interruptible, like a Go channel send). */
  send(chunk: Chunk): Promise<void>;
  /** Interruptible wait: true when it ran out, false when interrupted (forward what you hold, then return). */
  sleep(ms: number): Promise<boolean>;
  /** A wait an interrupt does not cut short (reset_peer's `<-time.After`); only teardown does. */
  sleepThrough(ms: number): Promise<void>;
  /** End the link here (Go's stub.Close()): EOF downstream, everything arriving later is dropped. */
  close(): void;
  /** This toxic's seeded stream on this link (jitter, slice points). */
  readonly rng: Rng;
  /** Record a random choice (model.ts ToxicDecision kinds 'jitter' and 'slice'). */
  decide(kind: 'jitter' | 'slice', value: number): void;
}

/** Where a stage reports to: its link's random stream and the runtime's decision log. */
export interface StageEnv {
  readonly rng: Rng;
  report(toxic: string, kind: 'toxicity' | 'jitter' | 'slice', value: number, active?: boolean): void;
}

/** setTimeout tops out at 2^31-1 ms (and turns Infinity into 1 ms): chain long waits, skip infinite ones. */
const MAX_TIMER = 2 ** 31 - 1;
function timer(ms: number, cb: () => void): () => void {
  if (!(ms < Infinity)) return () => {};
  let handle: NodeJS.Timeout;
  const arm = (left: number): void => {
    handle = setTimeout(left > MAX_TIMER ? () => arm(left - MAX_TIMER) : cb, Math.min(left, MAX_TIMER));
  };
  arm(Math.max(0, ms));
  return () => clearTimeout(handle);
}

/**
 * One toxic on one link (reference §5 "stub"): an input channel, an output sink, and the toxic's
 * pipe running as an async loop between them. Each (re)start draws toxicity from its own stream
 * (§6): active iff draw < toxicity, otherwise a pass-through runs in its place. Per-link state
 * (limit_data's counter) lives here, so it survives restarts (§7).
 */
export class Stage implements StageContext {
  readonly input: Channel;
  output: Sink;
  readonly behaviour: ToxicBehaviour;
  readonly state: ToxicState;
  closed = false;
  active = false;
  private killed = false;
  private interruptPending = false;
  private loop: Promise<void> | null = null;
  private wake: ((why: Why) => void) | null = null;
  /**
   * Two streams per toxic per link, forked by name: the toxicity draws stay exactly the same from
   * run to run whatever the data, and the per-chunk draws (jitter, slice points) are one fixed
   * sequence whose length depends only on how many reads the kernel happened to deliver.
   */
  private readonly toxicityRng: Rng;
  private readonly valueRng: Rng;

  constructor(
    public config: ToxicConfig,
    private readonly env: StageEnv,
    output: Sink,
  ) {
    // The API validates types; an unknown one passes data through rather than throw in a socket event.
    this.behaviour = TOXICS[config.type] ?? TOXICS.noop;
    this.state = this.behaviour.newState?.() ?? {};
    this.input = new Channel(this.behaviour.bufferSize);
    this.input.onItem = () => this.notify('item');
    this.output = output;
    this.toxicityRng = env.rng.fork(`${config.name}/toxicity`);
    this.valueRng = env.rng.fork(`${config.name}/values`);
  }

  get rng(): Rng {
    return this.valueRng;
  }

  /** Draw toxicity and run the toxic (or a noop) until it closes, is interrupted, or is killed. */
  start(): void {
    if (this.closed || this.killed || this.loop) return;
    const draw = this.toxicityRng.float();
    this.active = draw < this.config.toxicity;
    this.env.report(this.config.name, 'toxicity', draw, this.active);
    const attrs = this.config.attributes;
    const run = this.active ? this.behaviour.pipe(this, attrs, this.state) : noopPipe(this);
    const loop: Promise<void> = run.catch(() => this.close()).then(() => {
      if (this.loop === loop) this.loop = null;
    });
    this.loop = loop;
  }

  /**
   * Stop the running toxic at its next receive/sleep (Go's InterruptToxic) and wait for it.
   * Resolves true if the stage can be restarted, false if it closed meanwhile.
   */
  async interrupt(): Promise<boolean> {
    while (this.loop) {
      this.interruptPending = true;
      this.notify('interrupt');
      await this.loop;
    }
    this.interruptPending = false;
    return !this.closed && !this.killed;
  }

  /** Connection teardown: every wait ends now, sends are dropped, the loop exits. */
  kill(): void {
    this.killed = true;
    this.input.discard();
    this.notify('kill');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.input.discard();
    this.output.end();
  }

  decide(kind: 'jitter' | 'slice', value: number): void {
    this.env.report(this.config.name, kind, value);
  }

  async receive(timeoutMs = Infinity): Promise<Item | typeof INTERRUPTED | typeof TIMEOUT> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.killed || this.interruptPending) return INTERRUPTED;
      const item = this.input.tryTake();
      if (item !== undefined) return item;
      const left = deadline - performance.now();
      if (left <= 0) return TIMEOUT;
      const timedOut = await new Promise<boolean>((resolve) => {
        const cancel = timer(left, () => {
          this.wake = null;
          resolve(true);
        });
        this.wake = () => {
          cancel();
          this.wake = null;
          resolve(false);
        };
      });
      if (timedOut) return TIMEOUT;
    }
  }

  async send(chunk: Chunk): Promise<void> {
    if (this.killed) return;
    if (!this.output.ready) {
      await new Promise<void>((resolve) => {
        this.wake = (why) => {
          if (why !== 'kill') return;
          this.wake = null;
          resolve();
        };
        this.output.onReady(() => {
          this.wake = null;
          resolve();
        });
      });
      if (this.killed) return;
    }
    this.output.push(chunk);
  }

  sleep(ms: number): Promise<boolean> {
    return this.wait(ms, true);
  }

  async sleepThrough(ms: number): Promise<void> {
    await this.wait(ms, false);
  }

  private wait(ms: number, interruptible: boolean): Promise<boolean> {
    if (this.killed || (interruptible && this.interruptPending)) return Promise.resolve(false);
    if (!(ms > 0)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const cancel = timer(ms, () => {
        this.wake = null;
        resolve(true);
      });
      this.wake = (why) => {
        if (why === 'item' || (why === 'interrupt' && !interruptible)) return;
        cancel();
        this.wake = null;
        resolve(false);
      };
    });
  }

  private notify(why: Why): void {
    this.wake?.(why);
  }
}
