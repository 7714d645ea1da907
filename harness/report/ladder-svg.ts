import { escapeHtml } from './html-escape.js';
import { ladderLayout, type LadderLayout } from './ladder-layout.js';
import type { FaultKind, Side, Timeline, TimelineArrow, TimelineFault } from './timeline/timeline.js';

/** How each fault kind is drawn: a letter in a coloured badge, and what the legend says. */
export const FAULT_STYLE: Record<FaultKind, { letter: string; color: string; legend: string }> = {
  split: { letter: 'S', color: '#d97706', legend: 'split: a message or write cut into several segments' },
  delay: { letter: 'D', color: '#7c3aed', legend: 'delay: held back on the way (latency, jitter)' },
  stall: { letter: 'T', color: '#b45309', legend: 'stall: arrived bytes held from the receiver (bar: how long)' },
  reset: { letter: 'R', color: '#dc2626', legend: 'reset: the connection was reset' },
  toxic: { letter: 'X', color: '#0f766e', legend: 'toxic: in effect on a connection, added or removed' },
  drop: { letter: 'L', color: '#b91c1c', legend: 'drop: bytes that never reached the other side' },
  retransmit: { letter: 'r', color: '#9333ea', legend: 'retransmit: bytes sent again (fills a gap)' },
  'dup-ack': { letter: 'A', color: '#be185d', legend: 'duplicate ACKs: the receiver is missing data' },
  reorder: { letter: 'O', color: '#c2410c', legend: 'reorder: bytes delivered out of order (hostile link)' },
  corrupt: { letter: 'C', color: '#a21caf', legend: 'corrupt: a bit flipped (hostile link)' },
  duplicate: { letter: '2', color: '#4d7c0f', legend: 'duplicate: bytes delivered twice' },
  syscall: { letter: 'E', color: '#64748b', legend: 'EAGAIN / EINTR on a simulated syscall' },
};

const WIDTH = 860;
const X: Record<Side, number> = { client: 190, server: 690 };
const TOP = 56;

/**
 * The ladder diagram of a timeline as inline SVG: client and server columns, one arrow per
 * segment on a vertical time axis (ladder-layout.ts), protocol labels on the arrows, fault badges
 * on the arrows they acted on (or on the column where they acted), a legend. Static markup: it
 * reads the same with scripts off. Every text is escaped; full texts are in <title> tooltips.
 */
export function renderLadderSvg(t: Timeline, id: string): string {
  const layout = ladderLayout(t, TOP);
  // One line under the diagram for the crowded-labels note.
  const height = Math.ceil(layout.height) + 16;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="ladder" id="${escapeHtml(id)}" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(`ladder diagram of ${t.scenario} seed ${t.seed}: ${t.arrows.length} arrows`)}">`);
  parts.push(`<defs>${marker('head-c2s', '#2563eb')}${marker('head-s2c', '#059669')}${marker('head-lost', '#b91c1c')}</defs>`);
  parts.push(`<text x="${X.client}" y="20" class="col">client</text><text x="${X.server}" y="20" class="col">server</text>`);
  parts.push(`<text x="8" y="20" class="axis-title">ms</text>`);
  parts.push(`<line class="lane" x1="${X.client}" y1="30" x2="${X.client}" y2="${height - 24}"/><line class="lane" x1="${X.server}" y1="30" x2="${X.server}" y2="${height - 24}"/>`);
  parts.push(axis(layout));
  parts.push(stalls(t, layout));
  const multi = t.connections.length > 1;
  const arrowY = new Map<number, { y1: number; y2: number }>();
  const texts = new TextPlacer();
  for (const row of layout.rows) {
    if (row.arrow === null) continue;
    const a = row.arrow;
    const y2 = row.y;
    const y1 = a.sendTiming === 'flat' ? y2 : Math.min(y2, layout.y(a.sendMs));
    arrowY.set(a.id, { y1, y2 });
    parts.push(arrowSvg(a, y1, y2, multi, texts));
  }
  if (texts.hidden > 0) parts.push(`<text x="8" y="${height - 4}" class="axis-title crowded">${texts.hidden} crowded label(s) not drawn: hover an arrow for its full text (the fault table lists every fault)</text>`);
  parts.push(faultBadges(t, layout, arrowY));
  parts.push('</svg>');
  return parts.join('');
}

function marker(id: string, color: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
}

/** Time labels at the left, where they are at least a row apart; breaks where a long wait was shortened. */
function axis(layout: LadderLayout): string {
  const out: string[] = [];
  let lastY = -Infinity;
  let lastTime: string | null = null;
  for (const row of layout.rows) {
    if (row.elidedBefore > 0) {
      const y = row.y - 26;
      out.push(`<g class="elided"><rect x="4" y="${y - 9}" width="${WIDTH - 8}" height="16" rx="3"/><text x="${WIDTH / 2}" y="${y + 3}">… ${row.elidedBefore} arrow(s) left out here …</text></g>`);
    }
    if (row.gapMs !== null) out.push(`<text x="60" y="${row.y - 12}" class="gap">≈ +${fmt(row.gapMs)}</text>`);
    const label = fmt(row.timeMs);
    if (row.y - lastY >= 14 && label !== lastTime) {
      out.push(`<text x="60" y="${row.y + 4}" class="tick">${label}</text><line class="grid" x1="64" y1="${row.y}" x2="${X.client - 4}" y2="${row.y}"/>`);
      lastY = row.y;
      lastTime = label;
    }
  }
  return out.join('');
}

function arrowSvg(a: TimelineArrow, y1: number, y2: number, multi: boolean, texts: TextPlacer): string {
  const to: Side = a.from === 'client' ? 'server' : 'client';
  const x1 = X[a.from];
  const lost = a.arriveMs === null;
  // A lost arrow stops two thirds of the way, at a cross.
  const x2full = X[to];
  const x2 = lost ? x1 + (x2full - x1) * 0.66 : x2full + (a.from === 'client' ? -2 : 2);
  const yEnd = lost ? y1 + 14 : y2;
  const cls = `arrow ${a.from === 'client' ? 'c2s' : 's2c'}${lost ? ' lost' : ''}${a.sendTiming === 'estimated' ? ' est' : ''}${a.sendTiming === 'flat' ? ' flat' : ''}${a.flags.includes('RST') ? ' rst' : ''}`;
  const head = lost ? '' : ` marker-end="url(#${a.from === 'client' ? 'head-c2s' : 'head-s2c'})"`;
  const flags = flagText(a);
  const what = [flags, a.length > 0 ? `${a.length} B` : '', a.origin === 'proxy' ? '(sent by the proxy)' : ''].filter(Boolean).join(' ');
  const title = `${multi ? `c${a.connection} ` : ''}${a.from} → ${to}: ${what || 'segment'}; sent ${fmt(a.sendMs)} ms (${a.sendTiming})${lost ? ', never arrived' : `, arrived ${fmt(a.arriveMs!)} ms`}${a.packet !== undefined ? `; packet ${a.packet}` : ''}${a.labels.length > 0 ? `\n${a.labels.join('\n')}` : ''}`;
  const parts = [`<g class="${cls}" data-arrow="${a.id}"><title>${escapeHtml(title)}</title>`];
  parts.push(`<line x1="${x1}" y1="${r(y1)}" x2="${r(x2)}" y2="${r(yEnd)}"${head}/>`);
  if (lost) parts.push(`<path class="cross" d="M${r(x2 - 5)},${r(yEnd - 5)} l10,10 m0,-10 l-10,10"/>`);
  if (a.sendTiming === 'estimated') parts.push(`<circle class="est-start" cx="${x1}" cy="${r(y1)}" r="2.5"/>`);
  // Flags and size by the sender's column; protocol labels along the middle.
  const sideX = a.from === 'client' ? x1 - 8 : x1 + 8;
  const anchor = a.from === 'client' ? 'end' : 'start';
  const prefix = multi ? `c${a.connection} ` : '';
  const meta = prefix + what;
  if (meta) {
    const at = texts.place(meta.length, [[sideX, y1 + 4], [sideX, y1 + 15], [sideX, y1 - 7]], anchor);
    if (at) parts.push(`<text class="meta${flags.includes('RST') ? ' rst' : ''}" x="${r(at[0])}" y="${r(at[1])}" text-anchor="${anchor}">${escapeHtml(meta)}</text>`);
  }
  if (a.labels.length > 0) {
    const label = shorten(a.labels.join(' · '), 60);
    // Along the arrow, from its middle outwards, to the first place no other text holds.
    const along = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78].map((k): [number, number] => [x1 + (x2 - x1) * k, y1 + (yEnd - y1) * k - 4]);
    const at = texts.place(label.length, along, 'middle');
    if (at) parts.push(`<text class="label" x="${r(at[0])}" y="${r(at[1])}" text-anchor="middle">${escapeHtml(label)}</text>`);
  }
  parts.push('</g>');
  return parts.join('');
}

/**
 * Keeps texts from being drawn over each other: each placed text holds a box; a new one takes the
 * first candidate position that overlaps no box, or is left out (its arrow's tooltip has it).
 */
class TextPlacer {
  private readonly boxes: Array<{ x1: number; x2: number; y1: number; y2: number }> = [];
  hidden = 0;

  place(chars: number, candidates: ReadonlyArray<[number, number]>, anchor: 'start' | 'middle' | 'end'): [number, number] | null {
    // About 6 px a character at 11 px: an estimate is enough to keep texts apart.
    const width = chars * 6 + 4;
    for (const [x, y] of candidates) {
      const x1 = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
      const box = { x1, x2: x1 + width, y1: y - 10, y2: y + 2 };
      if (this.boxes.some((b) => b.x1 < box.x2 && box.x1 < b.x2 && b.y1 < box.y2 && box.y1 < b.y2)) continue;
      this.boxes.push(box);
      return [x, y];
    }
    this.hidden++;
    return null;
  }
}

function flagText(a: TimelineArrow): string {
  if (a.flags.includes('SYN')) return a.flags.includes('ACK') ? 'SYN-ACK' : 'SYN';
  return a.flags.filter((f) => f === 'FIN' || f === 'RST').join('+');
}

/** Stalls (and any fault with a duration but no arrow) as a bar on the column where they acted. */
function stalls(t: Timeline, layout: LadderLayout): string {
  const out: string[] = [];
  for (const f of t.faults) {
    if (f.kind !== 'stall' || f.untilMs === undefined) continue;
    const x = X[f.side ?? 'server'] + (f.side === 'client' ? -14 : 14);
    const y1 = layout.y(f.atMs);
    const y2 = Math.max(y1 + 4, layout.y(f.untilMs));
    out.push(`<rect class="stall" x="${x - 3}" y="${r(y1)}" width="6" height="${r(y2 - y1)}" fill="${FAULT_STYLE.stall.color}"><title>${escapeHtml(faultTitle(f))}</title></rect>`);
  }
  return out.join('');
}

/**
 * A badge per fault: on its arrow (three quarters of the way, so it sits by the receiver), or by
 * the column where it acted, at its time. Badges that would land on each other are nudged apart.
 */
function faultBadges(t: Timeline, layout: LadderLayout, arrowY: Map<number, { y1: number; y2: number }>): string {
  const out: string[] = [];
  const taken: Array<{ x: number; y: number }> = [];
  for (const f of t.faults) {
    const style = FAULT_STYLE[f.kind];
    let x: number;
    let y: number;
    const pos = f.arrow !== undefined ? arrowY.get(f.arrow) : undefined;
    const arrow = f.arrow !== undefined ? t.arrows.find((a) => a.id === f.arrow) : undefined;
    if (pos !== undefined && arrow !== undefined) {
      const x1 = X[arrow.from];
      const x2 = X[arrow.from === 'client' ? 'server' : 'client'];
      const share = arrow.arriveMs === null ? 0.5 : 0.78;
      x = x1 + (x2 - x1) * share;
      y = pos.y1 + (arrow.arriveMs === null ? 7 : (pos.y2 - pos.y1) * share);
    } else {
      x = f.side === undefined ? (X.client + X.server) / 2 : X[f.side] + (f.side === 'client' ? -28 : 28);
      y = layout.y(f.atMs);
    }
    while (taken.some((p) => Math.abs(p.x - x) < 13 && Math.abs(p.y - y) < 13)) x += 14;
    taken.push({ x, y });
    out.push(`<g class="fault" data-kind="${f.kind}"><title>${escapeHtml(faultTitle(f))}</title><circle cx="${r(x)}" cy="${r(y)}" r="6.5" fill="${style.color}"/><text x="${r(x)}" y="${r(y + 3.5)}" text-anchor="middle">${style.letter}</text></g>`);
  }
  return out.join('');
}

export function faultTitle(f: TimelineFault): string {
  return `${f.kind}${f.inferred ? ' (inferred)' : ''} at ${fmt(f.atMs)} ms${f.untilMs !== undefined ? ` until ${fmt(f.untilMs)} ms` : ''}${f.connection !== undefined ? `, c${f.connection}` : ''}${f.side ? `, ${f.side}` : ''}: ${f.text}`;
}

/** The legend for the badges and arrow styles, as HTML (static). */
export function ladderLegend(t: Timeline): string {
  const kinds = [...new Set(t.faults.map((f) => f.kind))];
  const items = kinds.map((k) => `<li><span class="badge" style="background:${FAULT_STYLE[k].color}">${escapeHtml(FAULT_STYLE[k].letter)}</span> ${escapeHtml(FAULT_STYLE[k].legend)}</li>`);
  const arrows = [
    '<li><span class="sw c2s"></span> client → server</li>',
    '<li><span class="sw s2c"></span> server → client</li>',
    '<li><span class="sw lost"></span> never arrived (✕)</li>',
  ];
  if (t.arrows.some((a) => a.sendTiming === 'estimated')) arrows.push('<li><span class="dot"></span> send time estimated (arrival minus the base latency)</li>');
  if (t.arrows.some((a) => a.origin === 'proxy')) arrows.push('<li>(sent by the proxy): the proxy\'s own segment, relaying nothing</li>');
  return `<ul class="legend">${arrows.join('')}${items.join('')}</ul>`;
}

/** ms with at most 3 decimals, shorter for larger values. */
export function fmt(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 10000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs >= 100) return ms.toFixed(1);
  return (Math.round(ms * 1000) / 1000).toString();
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function r(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}
