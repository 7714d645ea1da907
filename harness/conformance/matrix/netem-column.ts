import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { preflight, type Backend } from '../../../netns/preflight.js';
import type { MatrixCell, MatrixColumn } from '../../report/report-model.js';
import { runNetemLayer } from '../../netem/run-netem-layer.js';
import type { NetemRunResult } from '../../netem/run-netem-scenario.js';
import { aeronetCli } from '../../proxy/layer/serve-process.js';
import { clip, skippedClean, type CleanCase, type ColumnResult, type ReproFor } from './build-matrix.js';
import { NETEM_TIMEOUT_MS, type NetemMatrixProfile } from './netem-profiles.js';
import { matrixNetemScenario, verdictsFromNotes, netemLimitMs, type NetemMatrixPlan } from './netem-scenario.js';
import type { MatrixCaseOptions, SuiteName } from './suites.js';

/*
 * The netem columns: the suite across a tc netem link between two network namespaces (real
 * kernel TCP), one column per link profile, through the netem layer's own machinery (preflight,
 * runNetemLayer: the host kernel, or one User-Mode Linux guest for all profiles). Each profile is
 * one netem scenario (netem-scenario.ts) that runs `aeronet conformance` in the client namespace
 * and returns the verdicts. A machine without a netem backend still gets the columns, skipped
 * with the preflight's reason.
 */

export interface NetemColumnsOptions {
  profiles: readonly NetemMatrixProfile[];
  caseOptions: MatrixCaseOptions;
  /** The user's case filter (spelled into the scenario name when it fits; else the host filters). */
  filter: readonly string[];
  /** Where failed netem runs leave their artifact folders (and the scratch work folder goes). */
  artifactsDir: string;
  backend?: Backend | 'auto';
  onProgress?: (line: string) => void;
  /** Instead of netns/preflight.ts (tests). */
  preflight?: () => Promise<{ backend: Backend | null; missing: string[] }>;
}

export const netemColumnId = (profile: string): string => `netem:${profile}`;

/** The wait across a netem link: NETEM_TIMEOUT_MS, or the user's --timeout when longer. */
export function netemTimeout(caseOptions: MatrixCaseOptions): number {
  return Math.max(NETEM_TIMEOUT_MS, caseOptions.timeoutMs ?? 0);
}

export function netemPlans(suite: SuiteName, options: Pick<NetemColumnsOptions, 'profiles' | 'caseOptions' | 'filter'>): NetemMatrixPlan[] {
  return options.profiles.map((p) => ({
    suite,
    profile: p.name,
    timeoutMs: netemTimeout(options.caseOptions),
    strict: options.caseOptions.strict === true,
    stallLimitMs: options.caseOptions.stallLimitMs ?? null,
    filter: options.filter.length > 0 ? [...options.filter] : null,
  }));
}

/**
 * Why the built CLI cannot run these columns, or null. The guest and the client namespace run
 * `aeronet` from the build (dist/), which must include this matrix: one built before it would
 * not know the scenarios' names.
 */
export function netemCliProblem(cli = aeronetCli()): string | null {
  if (!existsSync(cli)) return `no built CLI at ${cli} (npm run build)`;
  const scenarioModule = path.join(path.dirname(cli), '..', 'harness', 'conformance', 'matrix', 'netem-scenario.js');
  if (!existsSync(scenarioModule)) return `the built CLI at ${cli} predates the conformance matrix (no ${scenarioModule}): npm run build`;
  return null;
}

/** One profile's cells from its run's result: each case's carried verdict, or why there is none. */
export function netemCells(clean: readonly CleanCase[], result: NetemRunResult, columnId: string, repro: ReproFor): { cells: Map<string, MatrixCell>; problem: string | null } {
  const cells = new Map<string, MatrixCell>();
  const verdicts = verdictsFromNotes(result.notes);
  if (verdicts === null) return { cells, problem: `the netem run reported no verdicts: ${result.failure?.message ?? 'no verdicts note in its result'}` };
  const byId = new Map(verdicts.map((v) => [v.id, v]));
  for (const c of clean) {
    if (c.result === 'skipped') {
      cells.set(c.id, skippedClean(c));
      continue;
    }
    const v = byId.get(c.id);
    if (v === undefined) cells.set(c.id, { verdict: 'failed', detail: 'the suite across the link did not report this case', repro: repro(c.id, columnId, null) });
    else if (v.result === 'failed') cells.set(c.id, { verdict: 'failed', detail: clip(v.actual ?? ''), repro: repro(c.id, columnId, null) });
    else cells.set(c.id, { verdict: v.result, ...(v.actual !== undefined ? { detail: clip(v.actual) } : {}) });
  }
  // The run's own checks (server healthy afterwards, nothing leaked, teardown) are not cases: say so on the column.
  return { cells, problem: result.ok ? null : `the run's own checks failed: ${result.failure?.kind}: ${result.failure?.message}` };
}

export async function runNetemColumns(suite: SuiteName, clean: readonly CleanCase[], repro: ReproFor, options: NetemColumnsOptions): Promise<ColumnResult[]> {
  const timeoutMs = netemTimeout(options.caseOptions);
  const columns: MatrixColumn[] = options.profiles.map((p) => ({
    id: netemColumnId(p.name),
    layer: 'netem',
    label: `nm:${p.name}`,
    detail: `${p.summary}; kernel TCP between two namespaces, aeronet serve (demo routes) on one side; ${timeoutMs} ms per wait`,
    seeds: [],
    skipReason: null,
  }));
  const skipAll = (why: string): ColumnResult[] => {
    options.onProgress?.(`netem: skipped: ${why}`);
    return columns.map((column) => ({ column: { ...column, skipReason: why }, cells: new Map() }));
  };
  if (columns.length === 0) return [];
  const cliProblem = netemCliProblem();
  if (cliProblem !== null) return skipAll(cliProblem);
  const pf = await (options.preflight ?? (() => preflight(options.backend ?? 'auto')))();
  if (pf.backend === null) return skipAll(`no netem backend here: ${pf.missing.join('; ')}`);

  const scenarios = netemPlans(suite, options).map(matrixNetemScenario);
  const results = new Map<string, ColumnResult>();
  const workDir = path.join(path.resolve(options.artifactsDir), `.netem-matrix-work-${process.pid}`);
  const started = performance.now();
  options.onProgress?.(`netem: ${scenarios.length} link profile${scenarios.length === 1 ? '' : 's'} on backend ${pf.backend}${pf.backend === 'uml' ? ' (one User-Mode Linux guest for all; minutes)' : ''}`);
  try {
    await runNetemLayer({
      scenarios,
      seeds: [1],
      backend: pf.backend,
      workDir,
      artifactsDir: path.resolve(options.artifactsDir),
      // Every profile's limit, plus the guest's boot and each run's set-up and checks.
      umlTimeoutMs: scenarios.reduce((n) => n + netemLimitMs(suite) + 60_000, 120_000),
      onConsole: (chunk) => {
        for (const line of chunk.split('\n')) if (/^(ok {2}|FAIL) netem\/matrix-/.test(line.trim())) options.onProgress?.(`netem: ${line.trim()}`);
      },
      onResult: (result, artifactDir) => {
        const k = scenarios.findIndex((s) => s.name === result.scenario);
        const column = columns[k]!;
        const { cells, problem } = netemCells(clean, result, column.id, repro);
        const note = problem === null ? '' : `; ${problem}${artifactDir !== null ? ` (artifact ${artifactDir})` : ''}`;
        const noVerdicts = cells.size === 0;
        results.set(column.id, { column: { ...column, detail: `${column.detail}${noVerdicts ? '' : note}`, skipReason: noVerdicts ? `${problem}${artifactDir !== null ? ` (artifact ${artifactDir})` : ''}` : null }, cells });
        const list = [...cells.values()];
        options.onProgress?.(noVerdicts ? `${column.id}: skipped: ${problem}` : `${column.id}: ${list.filter((c) => c.verdict !== 'skipped').length} cases, ${list.filter((c) => c.verdict === 'failed').length} failed, ${(result.durationMs / 1000).toFixed(1)} s${note}`);
      },
    }, (name) => scenarios.find((s) => s.name === name));
  } finally {
    if (process.env['AERONET_NETEM_KEEP'] !== '1') rmSync(workDir, { recursive: true, force: true });
  }
  options.onProgress?.(`netem: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return columns.map((column) => results.get(column.id) ?? { column: { ...column, skipReason: 'the netem layer returned no result for it' }, cells: new Map() });
}
