/**
 * `new Date(ms).toISOString()`, remembered for the last millisecond: under load many records
 * share a millisecond, and formatting a date costs more than the rest of a small JSON line.
 */
let lastMs = Number.NaN;
let lastIso = '';

export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    // A clock that returns nonsense must not make logging throw.
    lastIso = Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
    lastMs = ms;
  }
  return lastIso;
}
