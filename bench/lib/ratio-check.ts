/**
 * The verdicts of `npm run bench:check`: measured ratios (aeronet over its peer, each taken in
 * the same run, so a slow machine slows both sides) against a committed baseline. Absolute
 * figures are never compared: CI machines differ and are shared.
 *
 * A check has dropped when its ratio is below baseline x (1 - tolerance). Strict mode (the
 * nightly pipeline) fails only on a drop seen in this run and in the previous one, by name: a
 * single noisy night is a warning, two in a row are a regression.
 */

export interface Baseline {
  /** Allowed relative drop, 0.25 = a ratio may fall to 75% of its baseline. */
  tolerance: number;
  /** Check name -> ratio. */
  ratios: Record<string, number>;
  /** Where and when the ratios were measured, for the reader. */
  measuredOn?: string;
  date?: string;
}

export type Verdict = 'ok' | 'drop' | 'new' | 'missing';

export interface CheckRow {
  name: string;
  baseline: number | null;
  now: number | null;
  /** now / baseline - 1. */
  change: number | null;
  verdict: Verdict;
  /** Also dropped in the previous recorded run. */
  droppedBefore: boolean;
}

export interface HistoryEntry {
  date: string;
  dropped: string[];
}

export class BaselineError extends Error {}

/** Reads and checks a baseline file's JSON; throws BaselineError naming what is wrong. */
export function parseBaseline(text: string, source: string): Baseline {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`${source}: not JSON (${(err as Error).message})`);
  }
  if (typeof v !== 'object' || v === null) throw new BaselineError(`${source}: expected an object`);
  const o = v as Record<string, unknown>;
  const tolerance = o['tolerance'];
  if (typeof tolerance !== 'number' || !(tolerance > 0 && tolerance < 1)) throw new BaselineError(`${source}: "tolerance" must be a number between 0 and 1, got ${JSON.stringify(tolerance)}`);
  const ratios = o['ratios'];
  if (typeof ratios !== 'object' || ratios === null || Array.isArray(ratios)) throw new BaselineError(`${source}: "ratios" must be an object of name -> ratio`);
  for (const [name, r] of Object.entries(ratios)) {
    if (typeof r !== 'number' || !Number.isFinite(r) || r <= 0) throw new BaselineError(`${source}: ratio "${name}" must be a positive number, got ${JSON.stringify(r)}`);
  }
  return { tolerance, ratios: ratios as Record<string, number>, ...(typeof o['measuredOn'] === 'string' ? { measuredOn: o['measuredOn'] } : {}), ...(typeof o['date'] === 'string' ? { date: o['date'] } : {}) };
}

/** Reads a history file's JSON; a missing or unreadable history is an empty one (first night). */
export function parseHistory(text: string | null): HistoryEntry[] {
  if (text === null) return [];
  try {
    const v = JSON.parse(text) as unknown;
    if (!Array.isArray(v)) return [];
    return v.filter((e): e is HistoryEntry => typeof e === 'object' && e !== null && typeof (e as HistoryEntry).date === 'string' && Array.isArray((e as HistoryEntry).dropped));
  } catch {
    return [];
  }
}

export function compareRatios(baseline: Baseline, measured: Record<string, number>, history: readonly HistoryEntry[]): CheckRow[] {
  const previous = new Set(history.at(-1)?.dropped ?? []);
  const names = [...new Set([...Object.keys(baseline.ratios), ...Object.keys(measured)])];
  return names.map((name) => {
    const b = baseline.ratios[name] ?? null;
    const now = measured[name] ?? null;
    let verdict: Verdict;
    if (b === null) verdict = 'new';
    else if (now === null) verdict = 'missing';
    else verdict = now < b * (1 - baseline.tolerance) ? 'drop' : 'ok';
    return { name, baseline: b, now, change: b !== null && now !== null ? now / b - 1 : null, verdict, droppedBefore: previous.has(name) };
  });
}

/** The checks that fail a strict run: dropped now and in the previous recorded run. */
export function strictFailures(rows: readonly CheckRow[]): CheckRow[] {
  return rows.filter((r) => r.verdict === 'drop' && r.droppedBefore);
}

/** The history with this run appended, the last `keep` runs only. */
export function appendHistory(history: readonly HistoryEntry[], rows: readonly CheckRow[], date: string, keep = 30): HistoryEntry[] {
  return [...history, { date, dropped: rows.filter((r) => r.verdict === 'drop').map((r) => r.name) }].slice(-keep);
}
