import type { LayerSummary } from '../report/report-model.js';
import type { Layer, LayerOptions, LayerScenario, LayerVerdict } from './layer.js';
import { replayCommand } from './replay-command.js';

/** One layer's share of a run: which scenarios and seeds. */
export interface PlannedLayer {
  layer: Layer;
  scenarios: readonly LayerScenario[];
  seeds: readonly number[];
}

export interface RunLayersOptions {
  artifactsDir: string;
  layerOptions: LayerOptions;
  /** A layer is about to run (after its availability check), or was found unable to. */
  onLayerStart?(planned: PlannedLayer, skipReason: string | null): void;
  onVerdict?(verdict: LayerVerdict): void;
  onNote?(line: string): void;
  /** A layer finished (or was skipped): its summary and its own label for the summary line. */
  onLayerEnd?(summary: LayerSummary, label: string, summaryExtra: string): void;
}

export interface RunLayersResult {
  summaries: LayerSummary[];
  verdicts: LayerVerdict[];
  /** The scenario x seed pairs of layers that could not run, as skipped verdicts. */
  skipped: Array<{ layer: Layer['name']; scenario: string; seed: number; reason: string }>;
}

/**
 * Run the planned layers in order, each scenario x seed once, and collect one verdict shape from
 * all of them. A layer that cannot run here is skipped with its reason (never silently); a layer
 * whose run throws (its guest died, its preflight changed its mind) has every run it did not
 * report counted as failed with the error, so a crash never reads as a pass.
 */
export async function runLayers(plan: readonly PlannedLayer[], options: RunLayersOptions): Promise<RunLayersResult> {
  const summaries: LayerSummary[] = [];
  const verdicts: LayerVerdict[] = [];
  const skipped: RunLayersResult['skipped'] = [];
  for (const planned of plan) {
    const { layer } = planned;
    const base = { layer: layer.name, scenarios: planned.scenarios.length, seeds: planned.seeds.length };
    const reason = planned.scenarios.length === 0 ? null : await layer.unavailable(options.layerOptions);
    options.onLayerStart?.(planned, reason);
    if (reason !== null) {
      for (const s of planned.scenarios) for (const seed of planned.seeds) skipped.push({ layer: layer.name, scenario: s.name, seed, reason });
      const summary: LayerSummary = { ...base, status: 'skipped', skipReason: reason, runs: 0, passed: 0, failed: 0, durationMs: 0, notes: [] };
      summaries.push(summary);
      options.onLayerEnd?.(summary, `${layer.name} layer`, '');
      continue;
    }
    const started = performance.now();
    const mine: LayerVerdict[] = [];
    let label = `${layer.name} layer`;
    let extra = '';
    const notes: string[] = [];
    try {
      const outcome = await layer.run({
        scenarios: planned.scenarios,
        seeds: planned.seeds,
        artifactsDir: options.artifactsDir,
        onVerdict: (v) => {
          mine.push(v);
          verdicts.push(v);
          options.onVerdict?.(v);
        },
        onNote: (line) => options.onNote?.(line),
      }, options.layerOptions);
      label = outcome.label;
      extra = outcome.summaryExtra ?? '';
      notes.push(...outcome.notes);
    } catch (err) {
      const why = `the ${layer.name} layer stopped: ${err instanceof Error ? err.message : String(err)}`;
      notes.push(why);
      const reported = new Set(mine.map((v) => `${v.scenario} ${v.seed}`));
      for (const s of planned.scenarios) for (const seed of planned.seeds) {
        if (reported.has(`${s.name} ${seed}`)) continue;
        const v: LayerVerdict = { layer: layer.name, scenario: s.name, seed, ok: false, failure: { kind: 'error', message: why }, durationMs: 0, artifactDir: null, replay: replayCommand(layer.name, s.name, seed) };
        mine.push(v);
        verdicts.push(v);
        options.onVerdict?.(v);
      }
    }
    const failed = mine.filter((v) => !v.ok).length;
    const summary: LayerSummary = { ...base, status: 'ran', skipReason: null, runs: mine.length, passed: mine.length - failed, failed, durationMs: performance.now() - started, notes };
    summaries.push(summary);
    options.onLayerEnd?.(summary, label, extra);
  }
  return { summaries, verdicts, skipped };
}
