import type { LayerName } from '../report/report-model.js';

/*
 * A layer, as the runner sees it: a list of scenarios in one shape, a way to say whether it can
 * run on this machine, and a run that reports every scenario x seed in one verdict shape. The
 * sim, proxy and netem layers each provide one (harness/runner/layers.ts lists them); the runner,
 * the progress line and the reports know nothing else about them.
 */

/** What every layer's scenario has: the shared scenario list format. */
export interface LayerScenario {
  /** 'topic/name' (sim), 'proxy/name', 'netem/name': unique across layers. */
  name: string;
  description: string;
  /** In the layer's smoke set (`run --smoke`); only the netem layer has one today. */
  smoke?: boolean;
}

/** One scenario x seed's verdict, the same on every layer. */
export interface LayerVerdict {
  layer: LayerName;
  scenario: string;
  seed: number;
  ok: boolean;
  failure: { kind: string; message: string } | null;
  /** Wall time of the run. */
  durationMs: number;
  /** The failure's artifact folder (absolute), null when it passed. */
  artifactDir: string | null;
  /** The one-line command that runs this scenario x seed again. */
  replay: string;
  /** sim only: the run's event trace hash (the same seed gives the same hash on every machine). */
  traceHash?: string;
}

export interface LayerRunRequest {
  scenarios: readonly LayerScenario[];
  seeds: readonly number[];
  /** Where failure artifact folders go (one per failure). */
  artifactsDir: string;
  onVerdict(verdict: LayerVerdict): void;
  /** Free-form lines a person may want (preflight, guest console problems). */
  onNote?(line: string): void;
}

export interface LayerRunOutcome {
  /** Lines for the layer's summary (which proxy ran, the netem backend, guest boot time). */
  notes: string[];
  /** The layer's own summary label, e.g. 'proxy layer (aeronet proxy, seeded)'. */
  label: string;
  /** Appended to the summary line (e.g. the User-Mode Linux time). */
  summaryExtra?: string;
}

/** A layer's scenarios as the CLI hands them over (scenarios/ is above harness/). */
export interface LayerScenarios<S extends LayerScenario = LayerScenario> {
  /** Seeds per scenario when `--seeds` is not given. */
  defaultSeeds: number;
  /** Every scenario of the layer that a plain run includes (no self-tests). */
  scenarios: readonly S[];
  /** Scenarios built to fail (they prove a failure is caught and recorded): listed, run only by name. */
  selftests: readonly S[];
  /** Any scenario of the layer, self-tests included. */
  find(name: string): S | undefined;
}

export interface Layer extends LayerScenarios {
  name: LayerName;
  /** Null when the layer can run here, else why not (one line). */
  unavailable(options: LayerOptions): Promise<string | null>;
  run(request: LayerRunRequest, options: LayerOptions): Promise<LayerRunOutcome>;
}

/** Layer-specific settings from the command line. */
export interface LayerOptions {
  /** netem: host, uml or auto. */
  backend?: 'host' | 'uml' | 'auto';
}
