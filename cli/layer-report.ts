import path from 'node:path';

/** What every layer's run result has, for its verdict line. */
export interface VerdictLine {
  scenario: string;
  seed: number;
  ok: boolean;
  failure: { kind: string; message: string } | null;
  /** Real-time layers say how long a run took; the sim's virtual time is not worth printing. */
  durationMs?: number;
}

/**
 * One scenario x seed's verdict, the same way on every layer: `ok   name seed N (t s)` (only
 * when `showOk`), or `FAIL name seed N: kind: first line` with the replay command and the
 * artifact folder.
 */
export function printVerdict(r: VerdictLine, replay: string, artifactDir: string | null, showOk: boolean): void {
  process.stdout.write(formatVerdict(r, replay, artifactDir, showOk));
}

/** printVerdict's text ('' for a pass when `showOk` is false). */
export function formatVerdict(r: VerdictLine, replay: string, artifactDir: string | null, showOk: boolean): string {
  const secs = r.durationMs !== undefined ? ` (${(r.durationMs / 1000).toFixed(1)} s)` : '';
  if (r.ok) return showOk ? `ok   ${r.scenario} seed ${r.seed}${secs}\n` : '';
  let text = `FAIL ${r.scenario} seed ${r.seed}${secs}: ${r.failure!.kind}: ${r.failure!.message.split('\n')[0]}\n`;
  text += `  replay:   ${replay}\n`;
  if (artifactDir !== null) text += `  artifact: ${path.relative(process.cwd(), artifactDir) || artifactDir}\n`;
  return text;
}

/** The summary line every layer ends with; CI reads `= N runs, N failed` from it. */
export function summaryLine(label: string, scenarios: number, seeds: number, runs: number, failed: number, seconds: number, extra = ''): string {
  return `${label}: ${scenarios} scenario(s) x ${seeds} seed(s) = ${runs} runs, ${failed} failed, in ${seconds.toFixed(1)} s${extra}\n`;
}
