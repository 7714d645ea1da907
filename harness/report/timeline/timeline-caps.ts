import type { Timeline, TimelineArrow } from './timeline.js';

/**
 * How much of a timeline a report keeps. A 1 GiB capture has about a million segments; the page
 * shows how the run began and how it ended (where failures usually are) and says what it left out.
 */
export interface TimelineCaps {
  /** Arrows kept: the first half and the last half of this many. */
  arrows: number;
  faults: number;
  labelsPerArrow: number;
  logLines: number;
}

export const DEFAULT_CAPS: TimelineCaps = { arrows: 300, faults: 300, labelsPerArrow: 6, logLines: 200 };

/** Apply the caps in place; `elided` records what went. */
export function capTimeline(t: Timeline, caps: TimelineCaps = DEFAULT_CAPS): Timeline {
  t.faults.sort((a, b) => a.atMs - b.atMs);
  // A loop, not Math.max(...): a million arguments overflow the stack.
  let end = Number.isFinite(t.endMs) ? t.endMs : 0;
  for (const a of t.arrows) end = Math.max(end, endOf(a));
  for (const f of t.faults) end = Math.max(end, f.untilMs ?? f.atMs);
  t.endMs = end;
  for (const a of t.arrows) a.labels = capLabels(collapseLabels(a.labels), caps.labelsPerArrow, t);

  if (t.arrows.length > caps.arrows) {
    const head = Math.ceil(caps.arrows / 2);
    const tail = caps.arrows - head;
    const kept = [...t.arrows.slice(0, head), ...t.arrows.slice(t.arrows.length - tail)];
    const gapStart = t.arrows[head - 1]!;
    const gapEnd = t.arrows[t.arrows.length - tail]!;
    const keptIds = new Set(kept.map((a) => a.id));
    t.elided.arrows += t.arrows.length - kept.length;
    t.elided.gapAfterArrow = gapStart.id;
    t.arrows = kept;
    // A fault stays when its arrow stayed, or (with no arrow) when it is outside the elided stretch.
    const before = endOf(gapStart);
    const after = startOf(gapEnd);
    const faults = t.faults.filter((f) => (f.arrow !== undefined ? keptIds.has(f.arrow) : f.atMs <= before || f.atMs >= after));
    t.elided.faults += t.faults.length - faults.length;
    t.faults = faults;
  }
  if (t.faults.length > caps.faults) {
    const head = Math.ceil(caps.faults / 2);
    const kept = [...t.faults.slice(0, head), ...t.faults.slice(t.faults.length - (caps.faults - head))];
    t.elided.faults += t.faults.length - kept.length;
    t.faults = kept;
  }
  if (t.log.length > caps.logLines) {
    const head = Math.ceil(caps.logLines / 2);
    const dropped = t.log.length - caps.logLines;
    t.log = [...t.log.slice(0, head), `... ${dropped} line(s) left out ...`, ...t.log.slice(t.log.length - (caps.logLines - head))];
    t.elided.logLines += dropped;
  }
  const e = t.elided;
  if (e.arrows + e.faults + e.labels + e.logLines > 0) {
    t.notes.push(`left out to keep the page small: ${[e.arrows && `${e.arrows} arrow(s)`, e.faults && `${e.faults} fault mark(s)`, e.labels && `${e.labels} label(s)`, e.logLines && `${e.logLines} log line(s)`].filter(Boolean).join(', ')}`);
  }
  return t;
}

function endOf(a: TimelineArrow): number {
  return Math.max(a.sendMs, a.arriveMs ?? a.sendMs);
}

function startOf(a: TimelineArrow): number {
  return Math.min(a.sendMs, a.arriveMs ?? a.sendMs);
}

/** Runs of one stream's DATA frames, or of TLS application data, become one label with a count. */
export function collapseLabels(labels: readonly string[]): string[] {
  const out: string[] = [];
  let run: { key: string; count: number; bytes: number; end: boolean; text: string } | null = null;
  const flush = () => {
    if (run === null) return;
    out.push(run.count === 1 ? run.text : `${run.key} ×${run.count} (${run.bytes} B)${run.end ? ' END_STREAM' : ''}`);
    run = null;
  };
  for (const l of labels) {
    const m = /^(DATA s\d+|TLS app data) (\d+) B( END_STREAM)?$/.exec(l);
    if (m === null) {
      flush();
      out.push(l);
      continue;
    }
    const current = run as { key: string; count: number; bytes: number; end: boolean; text: string } | null;
    if (current !== null && current.key === m[1] && !current.end) {
      current.count++;
      current.bytes += Number(m[2]);
      current.end = m[3] !== undefined;
    } else {
      flush();
      run = { key: m[1]!, count: 1, bytes: Number(m[2]), end: m[3] !== undefined, text: l };
    }
  }
  flush();
  return out;
}

function capLabels(labels: string[], max: number, t: Timeline): string[] {
  if (labels.length <= max) return labels;
  const dropped = labels.length - (max - 1);
  t.elided.labels += dropped;
  return [...labels.slice(0, max - 1), `+${dropped} more`];
}
