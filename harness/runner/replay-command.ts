import type { LayerName } from '../report/report-model.js';

/**
 * The one-line command that runs one scenario x seed again from scratch, for every layer: the
 * verdict lines, the manifests and the reports all print this one spelling. The netem layer
 * names its backend, since the same scenario on another kernel is another experiment.
 */
export function replayCommand(layer: LayerName, scenario: string, seed: number, backend?: string): string {
  const via = layer === 'netem' && backend !== undefined ? ` --backend ${backend}` : '';
  return `npx aeronet run --layer ${layer}${via} --scenario ${scenario} --seed ${seed}`;
}
