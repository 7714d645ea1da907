/**
 * Progress of a long run: on a terminal, one live line redrawn in place (runs done / total,
 * failures so far, the ETA); elsewhere (CI logs, pipes), a plain line every `intervalMs`, since a
 * redrawn line turns into noise in a log. The ETA is the current layer's pace applied to its
 * remaining runs plus, for layers still to come, their runs at the pace measured so far: layers
 * differ by orders of magnitude (a sim run is milliseconds, a netem run seconds), so it is rough
 * until a layer has started, and says so with a "~".
 *
 * Time comes from the `now` given (wall time in the CLI); nothing here schedules a timer, so a
 * run that never yields to the event loop (the sim) still gets its lines, at each verdict.
 */
export interface ProgressOptions {
  /** Draw a live line (a TTY) or print periodic lines. */
  live: boolean;
  /** false: no progress lines at all (printed lines still go out). */
  enabled?: boolean;
  write(text: string): void;
  now(): number;
  /** Plain mode: at most one line per this many ms (default 10 s). Live mode: redraw at most every 100 ms. */
  intervalMs?: number;
}

interface LayerCount {
  name: string;
  total: number;
  done: number;
  startedAt: number | null;
}

export class Progress {
  private readonly layers: LayerCount[];
  private current = -1;
  private failed = 0;
  private lastDraw = -Infinity;
  private liveShown = false;
  private readonly startedAt: number;

  constructor(layers: ReadonlyArray<{ name: string; runs: number }>, private readonly options: ProgressOptions) {
    this.layers = layers.map((l) => ({ name: l.name, total: l.runs, done: 0, startedAt: null }));
    this.startedAt = options.now();
  }

  get total(): number {
    return this.layers.reduce((n, l) => n + l.total, 0);
  }

  get done(): number {
    return this.layers.reduce((n, l) => n + l.done, 0);
  }

  /** A layer begins (by name, in the order given). */
  startLayer(name: string): void {
    this.current = this.layers.findIndex((l) => l.name === name);
    if (this.current >= 0) this.layers[this.current]!.startedAt = this.options.now();
  }

  /** A layer will not run (skipped): its runs leave the total. */
  dropLayer(name: string): void {
    const l = this.layers.find((x) => x.name === name);
    if (l !== undefined) l.total = l.done;
  }

  /** One run finished. */
  tick(ok: boolean): void {
    const l = this.layers[this.current];
    if (l !== undefined) l.done++;
    if (!ok) this.failed++;
    if (this.options.enabled === false) return;
    const now = this.options.now();
    const every = this.options.live ? 100 : (this.options.intervalMs ?? 10_000);
    if (now - this.lastDraw < every) return;
    this.lastDraw = now;
    if (this.options.live) {
      this.options.write(`\r\x1b[2K${this.line(now)}`);
      this.liveShown = true;
    } else {
      this.options.write(`progress: ${this.line(now)}\n`);
    }
  }

  /** Print a whole line (a verdict, a summary) without tearing the live line. */
  print(text: string): void {
    this.clear();
    this.options.write(text);
    // The live line comes back with the next tick (periodic lines keep their interval).
    if (this.options.live) this.lastDraw = -Infinity;
  }

  /** Remove the live line (before the final summary). */
  clear(): void {
    if (this.liveShown) this.options.write('\r\x1b[2K');
    this.liveShown = false;
  }

  /** `sim 1200/3800, all 1200/3864 runs, 0 failed, 10 s, ETA 21 s` */
  line(now: number): string {
    const l = this.layers[this.current];
    const elapsed = (now - this.startedAt) / 1000;
    const layerPart = l !== undefined ? `${l.name} ${l.done}/${l.total}, ` : '';
    const eta = this.eta(now);
    const etaPart = eta === null ? '' : `, ETA ${eta.rough ? '~' : ''}${formatSeconds(eta.seconds)}`;
    return `${layerPart}all ${this.done}/${this.total} runs, ${this.failed} failed, ${formatSeconds(elapsed)}${etaPart}`;
  }

  private eta(now: number): { seconds: number; rough: boolean } | null {
    const l = this.layers[this.current];
    if (l === undefined || l.startedAt === null || l.done === 0) return null;
    const pace = (now - l.startedAt) / 1000 / l.done;
    let seconds = pace * (l.total - l.done);
    let rough = false;
    for (const later of this.layers.slice(this.current + 1)) {
      if (later.total > 0) rough = true;
      seconds += pace * later.total;
    }
    return { seconds, rough };
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}
