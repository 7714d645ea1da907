import type { ArtifactLayer } from '../artifacts/artifact-folder.js';

/*
 * One report for a run across the layers (`aeronet run --layer all --report DIR`): report.json is
 * this model as JSON, junit.xml and report.html are renderings of it. Every layer's results land
 * here in the same shape, so a reader (or a CI step) never needs to know which layer produced one.
 */

export type LayerName = ArtifactLayer;

/** passed / failed, or skipped with a reason (the layer could not run here, or the shard left it out). */
export type Verdict = 'passed' | 'failed' | 'skipped';

/** One scenario x seed on one layer. */
export interface RunRecord {
  layer: LayerName;
  scenario: string;
  seed: number;
  verdict: Verdict;
  /** Wall time of the run (sim: the real time the virtual run took). */
  durationMs: number;
  /** The check that broke (its kind, e.g. 'invariant' or 'expectation', and its message); null when it passed. */
  failure: { kind: string; message: string } | null;
  /** The failure's artifact folder (manifest.json, events.log, server.log, capture.pcap), relative to the report folder when inside it, else absolute; null when it passed. */
  artifactDir: string | null;
  /** The one-line command that runs this scenario x seed again. */
  replay: string;
}

/** What a layer did in this run. */
export interface LayerSummary {
  layer: LayerName;
  status: 'ran' | 'skipped';
  /** Why the layer did not run (no root, no netem backend, ...): never silent. */
  skipReason: string | null;
  scenarios: number;
  seeds: number;
  runs: number;
  passed: number;
  failed: number;
  durationMs: number;
  /** Anything the layer wants a reader to know (the proxy used, the netem backend, UML boot time). */
  notes: string[];
}

/** One column of a conformance x faults matrix: the clean run, or one fault profile on one layer. */
export interface MatrixColumn {
  /** 'clean', 'sim:choppy', 'proxy:latency', 'netem:lossy', ... */
  id: string;
  layer: LayerName | 'clean';
  /** A short heading for the table. */
  label: string;
  /** What the faults were (the profile's summary, the toxic's attributes, the netem parameters). */
  detail: string;
  /** Seeds this column ran (empty for a column that does not draw per seed). */
  seeds: number[];
  /** Set when the column could not run here (and why); its cells are then absent. */
  skipReason: string | null;
}

/** One case's verdict in one column. */
export interface MatrixCell {
  verdict: Verdict;
  /** For a failure: the first seed that failed, what happened, and the command that repeats it. */
  seed?: number;
  detail?: string;
  repro?: string;
}

export interface MatrixRow {
  id: string;
  title: string;
  /** By column id. */
  cells: Record<string, MatrixCell>;
}

/** The conformance x faults matrix of one suite. */
export interface ConformanceMatrix {
  suite: 'h1' | 'h2';
  columns: MatrixColumn[];
  rows: MatrixRow[];
  /** The cells that pass clean and fail only under a fault: the findings. */
  breaksOnlyUnderFaults: Array<{ id: string; column: string; seed: number | null; detail: string; repro: string }>;
}

export interface RunReport {
  tool: 'aeronet';
  version: string;
  gitCommit: string | null;
  /** ISO time the run started. */
  startedAt: string;
  /** The command line that produced the report. */
  command: string;
  /** `--shard i/n`, or null for the whole set. */
  shard: { index: number; count: number } | null;
  layers: LayerSummary[];
  runs: RunRecord[];
  /** Present when the run included the conformance x faults matrix. */
  matrices: ConformanceMatrix[];
}
