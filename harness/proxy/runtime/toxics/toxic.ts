import type { StageContext } from '../stage.js';

/**
 * What every toxic implementation shares (kept apart from registry.ts so that a toxic module never
 * imports the registry that imports it).
 */

/** Per-link, per-toxic state that outlives restarts (Go's StatefulToxic.NewState). */
export type ToxicState = Record<string, number>;

/** What a toxic type does on one link (reference §7). */
export interface ToxicBehaviour {
  /** Capacity of the channel in front of it: 1024 chunks for latency, "unbuffered" (1) otherwise (§7 Buffers). */
  readonly bufferSize: number;
  newState?(): ToxicState;
  /** Run until EOF/close (call ctx.close()) or until interrupted (return, forwarding what it holds). */
  pipe(ctx: StageContext, attrs: Readonly<Record<string, number>>, state: ToxicState): Promise<void>;
  /** On removal, after the pipe stopped, active or not (Go's CleanupToxic: timeout closes the link). */
  cleanup?(ctx: StageContext): void;
}

/** An attribute as a finite number; anything missing or odd counts as 0 (the API's default). */
export function attr(attrs: Readonly<Record<string, number>>, name: string): number {
  const v = attrs[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
