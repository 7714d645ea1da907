import { createHash } from 'node:crypto';

/**
 * The ordered event trace of a run: who sent which bytes when, faults, closes. Its hash is the
 * determinism check: the same seed must give the same hash on every machine.
 */
export class Trace {
  readonly lines: string[] = [];

  add(timeMs: number, subject: string, event: string): void {
    this.lines.push(`${timeMs.toFixed(3).padStart(10)} ${subject} ${event}`);
  }

  hash(): string {
    const h = createHash('sha256');
    for (const line of this.lines) h.update(line).update('\n');
    return h.digest('hex');
  }

  text(): string {
    return this.lines.join('\n') + (this.lines.length > 0 ? '\n' : '');
  }
}

/** The first index where two traces differ, with both lines, or null when they are identical. */
export function firstDivergence(a: readonly string[], b: readonly string[]): { index: number; a: string | undefined; b: string | undefined } | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return { index: i, a: a[i], b: b[i] };
  return null;
}

/** A short fingerprint of bytes for trace lines (the full bytes go to the pcap). */
export function fingerprint(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}
