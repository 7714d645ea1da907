import type { Backend } from '../../../netns/preflight.js';
import type { ConformanceMatrix } from '../../report/report-model.js';
import { type FaultProfileSpec, type FaultRun, type TargetFactory } from '../faults.js';
import { assembleMatrix, cleanColumn, simColumns, type ColumnResult } from './build-matrix.js';
import { runNetemColumns } from './netem-column.js';
import { NETEM_MATRIX_PROFILES, type NetemMatrixProfile } from './netem-profiles.js';
import { runProxyColumns } from './proxy-column.js';
import { PROXY_TOXICS, type ProxyToxicProfile } from './proxy-toxics.js';
import { reproCommand } from './repro.js';
import { runCleanPass, runSimColumns } from './sim-columns.js';
import { matrixSuite, type MatrixCaseOptions, type SuiteName } from './suites.js';

/*
 * The conformance x faults matrix of one suite: the clean pass, each sim fault profile, each proxy
 * toxic and each netem link, every case in every column, as a ConformanceMatrix. The CLI
 * (`conformance h1|h2 --faults P --matrix`) and `aeronet run` call this.
 */

export type MatrixLayer = 'sim' | 'proxy' | 'netem';
export const MATRIX_LAYERS: readonly MatrixLayer[] = ['sim', 'proxy', 'netem'];

export interface ConformanceMatrixOptions {
  /** Case ids or groups (default: the whole suite). */
  filter?: readonly string[];
  caseOptions?: MatrixCaseOptions;
  /** The sim's fault profiles (harness/conformance/faults.ts FAULT_PROFILES). */
  profiles: readonly FaultProfileSpec[];
  /** Seeds of each sim profile (splits is deterministic and ignores them). */
  seeds: readonly number[];
  /** The splits profile cuts cases whose longest client stream is at most this (default 1024). */
  splitLimit?: number;
  /** Default all three. The clean column always runs: it is what the others are compared with. */
  layers?: readonly MatrixLayer[];
  /** Proxy columns (default PROXY_TOXICS, 'none' the baseline first). */
  toxics?: readonly ProxyToxicProfile[];
  /** Seed of the fault proxy's draws (default 1). */
  proxySeed?: number;
  /** Netem columns (default NETEM_MATRIX_PROFILES). */
  netemProfiles?: readonly NetemMatrixProfile[];
  netemBackend?: Backend | 'auto';
  /** Where failed netem runs leave artifacts (default artifacts/). */
  artifactsDir?: string;
  /** The flags that shape the cases, repeated in every repro command (e.g. ['--strict']). */
  caseFlags?: readonly string[];
  /** One line per column as it finishes (proxy and netem columns take real time). */
  onProgress?: (line: string) => void;
  /** Each sim suite run (clean pass excluded), for a progress line on a terminal. */
  onRun?: (run: FaultRun) => void;
  /** Tests: another in-process server than aeronet's demo routes, for the clean pass and sim columns. */
  simTargets?: TargetFactory<unknown>;
  /** Tests: instead of netns/preflight.ts. */
  netemPreflight?: () => Promise<{ backend: Backend | null; missing: string[] }>;
}

export async function runConformanceMatrix(suiteName: SuiteName, options: ConformanceMatrixOptions): Promise<ConformanceMatrix> {
  const suite = matrixSuite(suiteName);
  const filter = options.filter ?? [];
  const { unknown } = suite.select(filter);
  if (unknown.length > 0) throw new Error(`no ${suiteName} case matches ${unknown.map((u) => `"${u}"`).join(', ')}`);
  const layers = new Set(options.layers ?? MATRIX_LAYERS);
  const caseOptions = options.caseOptions ?? {};
  const progress = options.onProgress ?? (() => {});
  const repro = (id: string, columnId: string, seed: number | null) => reproCommand({ suite: suiteName, caseFlags: options.caseFlags ?? [], ...(options.splitLimit !== undefined ? { splitLimit: options.splitLimit } : {}) }, id, columnId, seed);

  let t = performance.now();
  const clean = await runCleanPass(suite, filter, caseOptions, options.simTargets);
  progress(`clean: ${clean.filter((c) => c.result !== 'skipped').length} cases, ${clean.filter((c) => c.result === 'failed').length} failed, ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const profiles = layers.has('sim') ? options.profiles : [];
  t = performance.now();
  const outcome = await runSimColumns(suite, filter, caseOptions, {
    profiles,
    seeds: options.seeds,
    ...(options.splitLimit !== undefined ? { splitLimit: options.splitLimit } : {}),
    ...(options.onRun !== undefined ? { onRun: options.onRun } : {}),
    ...(options.simTargets !== undefined ? { targets: options.simTargets } : {}),
    clean,
  });
  const columns: ColumnResult[] = [cleanColumn(clean, repro), ...simColumns(outcome, repro)];
  for (const col of columns.slice(1)) {
    const cells = [...col.cells.values()];
    const runs = outcome.runs.filter((r) => `sim:${r.profile}` === col.column.id);
    progress(`${col.column.id}: ${cells.filter((c) => c.verdict !== 'skipped').length} cases, ${cells.filter((c) => c.verdict === 'failed').length} failed, ${runs.length} suite runs, ${(runs.reduce((n, r) => n + r.ms, 0) / 1000).toFixed(1)} s`);
  }

  let baselines: Record<string, string> = {};
  if (layers.has('proxy')) {
    const proxy = await runProxyColumns(suite, clean, repro, { toxics: options.toxics ?? PROXY_TOXICS, ...(options.proxySeed !== undefined ? { seed: options.proxySeed } : {}), caseOptions, onProgress: progress });
    columns.push(...proxy.columns);
    baselines = proxy.baselines;
  }
  if (layers.has('netem')) {
    columns.push(...(await runNetemColumns(suiteName, clean, repro, {
      profiles: options.netemProfiles ?? NETEM_MATRIX_PROFILES,
      caseOptions,
      filter,
      artifactsDir: options.artifactsDir ?? 'artifacts',
      onProgress: progress,
      ...(options.netemBackend !== undefined ? { backend: options.netemBackend } : {}),
      ...(options.netemPreflight !== undefined ? { preflight: options.netemPreflight } : {}),
    })));
  }
  return assembleMatrix(suiteName, clean, columns, { baselines });
}
