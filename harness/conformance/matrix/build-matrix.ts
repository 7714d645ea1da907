import type { ConformanceMatrix, MatrixCell, MatrixColumn, MatrixRow } from '../../report/report-model.js';
import type { CaseOutcome, FaultedResult, FaultProfileSpec, FaultsOutcome } from '../faults.js';
import type { SuiteName } from './suites.js';

/*
 * From what the layers ran to the ConformanceMatrix (harness/report/report-model.ts): one column
 * per layer x fault, one cell per case and column, and the findings: cells that fail where the
 * case passes clean. Every layer hands in ColumnResults; the sim's are built here from
 * runUnderFaults' FaultsOutcome, the same data `conformance --faults` reports.
 */

/** One column and its cells by case id (none when the column has a skipReason). */
export interface ColumnResult {
  column: MatrixColumn;
  cells: Map<string, MatrixCell>;
}

/** Turns (case, column, first failing seed) into the command that repeats it (repro.ts). */
export type ReproFor = (id: string, columnId: string, seed: number | null) => string;

/** A cell's detail is a line in a table and a JSON field: long actuals (frame lists) are cut. */
export const DETAIL_LIMIT = 400;
export const clip = (s: string): string => (s.length <= DETAIL_LIMIT ? s : `${s.slice(0, DETAIL_LIMIT - 1)}…`);

export interface CleanCase extends CaseOutcome {
  title?: string;
}

/** The clean pass (whole writes, in-process) as the matrix's first column. */
export function cleanColumn(clean: readonly CleanCase[], repro: ReproFor): ColumnResult {
  const cells = new Map<string, MatrixCell>();
  for (const c of clean) {
    if (c.result === 'failed') cells.set(c.id, { verdict: 'failed', detail: clip(c.actual), repro: repro(c.id, 'clean', null) });
    else cells.set(c.id, { verdict: c.result, ...(c.result === 'skipped' ? { detail: clip(c.actual) } : {}) });
  }
  return {
    column: { id: 'clean', layer: 'clean', label: 'clean', detail: 'in-process against aeronet (demo routes), every write delivered whole and at once', seeds: [], skipReason: null },
    cells,
  };
}

/** What a case skipped on the clean pass gets in every other column: the same skip, with why. */
export function skippedClean(clean: CleanCase): MatrixCell {
  return { verdict: 'skipped', detail: clip(`skipped on the clean pass: ${clean.actual}`) };
}

/** One sim column per requested profile, from runUnderFaults' outcome. */
export function simColumns(outcome: FaultsOutcome<CleanCase>, repro: ReproFor): ColumnResult[] {
  return outcome.profiles.map((spec) => {
    const id = `sim:${spec.name}`;
    const cells = new Map<string, MatrixCell>();
    for (const c of outcome.clean) cells.set(c.id, simCell(spec, outcome.faulted.get(c.id) ?? [], c, (seed) => repro(c.id, id, seed)));
    return {
      column: {
        id,
        layer: 'sim',
        label: spec.name,
        detail: spec.summary,
        // Splits tries every cut point instead of drawing per seed.
        seeds: spec.splits === true ? [] : [...outcome.seeds],
        skipReason: null,
      },
      cells,
    };
  });
}

/** A case's results under one requested profile (its own, or the fallback's in its place) as one cell. */
export function simCell(spec: FaultProfileSpec, faulted: readonly FaultedResult[], clean: CleanCase, repro: (seed: number | null) => string): MatrixCell {
  if (clean.result === 'skipped') return skippedClean(clean);
  const mine = faulted.filter((r) => (r.insteadOf ?? r.profile) === spec.name);
  if (mine.length === 0) return { verdict: 'skipped', detail: 'did not run under this profile' };
  const ranAs = mine[0]!.profile !== spec.name ? `ran as ${mine[0]!.profile} (larger than ${spec.name} takes)` : null;
  const failed = mine.filter((r) => r.result === 'failed');
  if (failed.length > 0) {
    const first = failed[0]!;
    const which = first.splitPoints !== undefined
      ? first.actual
      : `seed ${first.seed}${failed.length > 1 ? ` (failed seeds ${failed.map((r) => r.seed).join(', ')} of ${mine.length})` : ` (1 of ${mine.length} seeds failed)`}: ${first.actual}`;
    return { verdict: 'failed', ...(first.seed !== null ? { seed: first.seed } : {}), detail: clip(ranAs !== null ? `${ranAs}; ${which}` : which), repro: repro(first.seed) };
  }
  if (mine.every((r) => r.result === 'skipped')) return { verdict: 'skipped', detail: clip(mine[0]!.actual) };
  const split = mine.find((r) => r.splitPoints !== undefined);
  const ran = split !== undefined ? `${split.splitPoints!.tried} split points` : `${mine.length} seed${mine.length === 1 ? '' : 's'}`;
  return { verdict: 'passed', detail: ranAs !== null ? `${ran}, ${ranAs}` : ran };
}

export interface AssembleOptions {
  /**
   * Per column id, the column that is its baseline: a failure there is the finding only if the
   * case passes in the baseline too (a proxy toxic's column against the proxy with no toxic, so a
   * difference that comes from the proxy path itself is not blamed on the toxic).
   */
  baselines?: Readonly<Record<string, string>>;
}

/** Columns (clean first) and their cells into the matrix, with the cells that break only under faults. */
export function assembleMatrix(suite: SuiteName, clean: readonly CleanCase[], columns: readonly ColumnResult[], options: AssembleOptions = {}): ConformanceMatrix {
  const rows: MatrixRow[] = clean.map((c) => {
    const cells: Record<string, MatrixCell> = {};
    for (const { column, cells: byId } of columns) {
      if (column.skipReason !== null) continue;
      const cell = byId.get(c.id);
      if (cell !== undefined) cells[column.id] = cell;
    }
    return { id: c.id, title: c.title ?? '', cells };
  });
  const breaksOnlyUnderFaults: ConformanceMatrix['breaksOnlyUnderFaults'] = [];
  for (const row of rows) {
    if (row.cells['clean']?.verdict !== 'passed') continue;
    for (const { column } of columns) {
      if (column.id === 'clean') continue;
      const cell = row.cells[column.id];
      if (cell?.verdict !== 'failed') continue;
      const baseline = options.baselines?.[column.id];
      if (baseline !== undefined && row.cells[baseline] !== undefined && row.cells[baseline]!.verdict !== 'passed') continue;
      breaksOnlyUnderFaults.push({ id: row.id, column: column.id, seed: cell.seed ?? null, detail: cell.detail ?? '', repro: cell.repro ?? '' });
    }
  }
  return { suite, columns: columns.map((c) => c.column), rows, breaksOnlyUnderFaults };
}

/** Any failed cell, clean or faulted: the command's exit status. */
export function matrixFailed(matrix: ConformanceMatrix): boolean {
  return matrix.rows.some((r) => Object.values(r.cells).some((c) => c.verdict === 'failed'));
}
