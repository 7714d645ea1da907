import type { Timeline, TimelineArrow } from './timeline/timeline.js';

/** One row of the ladder: an arrow's arrival (or its send, for one that never arrived), or the top. */
export interface LadderRow {
  timeMs: number;
  y: number;
  arrow: TimelineArrow | null;
  /** The real time skipped before this row was shortened (drawn as a break with the gap's length). */
  gapMs: number | null;
  /** Arrows the caps left out just before this row. */
  elidedBefore: number;
}

export interface LadderLayout {
  rows: LadderRow[];
  height: number;
  /** y of a time: between the rows around it (sends, faults). */
  y(timeMs: number): number;
}

export const ROW = 22;
/** The most extra room a long wait gets; a longer one is drawn as a break. */
const MAX_GAP = 40;

/**
 * The vertical axis. One row per arrow, in time order, so arrows that arrive together stay apart;
 * the space between rows grows with the time between them (logarithmically, capped, so a
 * 30-second timeout does not push everything off the page: a capped gap is marked with its length).
 * Any other time (a send, a fault) is placed between the rows around it.
 */
export function ladderLayout(t: Timeline, top: number): LadderLayout {
  const arrows = [...t.arrows].sort((a, b) => at(a) - at(b));
  const times = [...arrows.map((a) => a.sendMs), ...t.faults.map((f) => f.atMs)];
  const first = arrows.length > 0 ? at(arrows[0]!) : 0;
  const start = Math.min(first, ...times.filter(Number.isFinite));
  const span = Math.max(1e-3, Math.max(t.endMs, ...arrows.map(at)) - start);
  // A time unit for the gaps: a 1/200th of the whole run gets one step of extra room.
  const unit = span / 200;
  const rows: LadderRow[] = [{ timeMs: start, y: top, arrow: null, gapMs: null, elidedBefore: 0 }];
  let y = top;
  let prev = start;
  for (const a of arrows) {
    const time = at(a);
    const dt = Math.max(0, time - prev);
    const extra = dt <= 0 ? 0 : Math.min(MAX_GAP, 10 * Math.log10(1 + dt / unit));
    const elided = t.elided.gapAfterArrow !== null && rows[rows.length - 1]!.arrow?.id === t.elided.gapAfterArrow ? t.elided.arrows : 0;
    y += ROW + extra + (elided > 0 ? ROW : 0);
    rows.push({ timeMs: time, y, arrow: a, gapMs: extra >= MAX_GAP ? dt : null, elidedBefore: elided });
    prev = time;
  }
  const endTime = Math.max(prev, t.endMs);
  if (endTime > prev) {
    y += ROW;
    rows.push({ timeMs: endTime, y, arrow: null, gapMs: null, elidedBefore: 0 });
  }
  return {
    rows,
    height: y + ROW,
    y(timeMs) {
      // The last row at or before the time, and the next one after it: interpolate.
      let lo = 0;
      let hi = rows.length - 1;
      if (timeMs <= rows[0]!.timeMs) return rows[0]!.y;
      if (timeMs >= rows[hi]!.timeMs) return rows[hi]!.y;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (rows[mid]!.timeMs < timeMs) lo = mid;
        else hi = mid - 1;
      }
      // rows[lo] is the last row strictly before timeMs; the next row is at or after it.
      const a = rows[lo]!;
      const b = rows[lo + 1]!;
      if (b.timeMs === a.timeMs) return b.y;
      return a.y + ((timeMs - a.timeMs) / (b.timeMs - a.timeMs)) * (b.y - a.y);
    },
  };
}

/** Where an arrow sits in time: its arrival, or its send when it never arrived. */
function at(a: TimelineArrow): number {
  return a.arriveMs ?? a.sendMs;
}
