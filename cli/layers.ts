import { ALL_SCENARIOS, findScenario, isSelftest } from '../scenarios/index.js';
import { PROXY_SCENARIOS, PROXY_SELFTESTS, findProxyScenario } from '../scenarios/proxy/index.js';
import { NETEM_SCENARIOS, findNetemScenario } from '../scenarios/netem/index.js';
import { simLayer } from '../harness/runner/sim-layer.js';
import { proxyLayer } from '../harness/proxy/layer/proxy-layer.js';
import { netemLayer } from '../harness/netem/netem-layer.js';
import type { Layer } from '../harness/runner/layer.js';
import type { LayerName } from '../harness/report/report-model.js';

/** Default seeds per scenario for the PR gate. */
export const DEFAULT_SEEDS = 50;
/** The proxy layer runs real processes and real time: fewer seeds by default. */
export const DEFAULT_PROXY_SEEDS = 2;
/** The netem layer runs in a kernel (often a User-Mode Linux guest): one seed by default. */
export const DEFAULT_NETEM_SEEDS = 1;

/** The layers, in the order `run --layer all` runs them: cheapest and most exact first. */
export const LAYER_ORDER: readonly LayerName[] = ['sim', 'proxy', 'netem'];

let layers: Map<LayerName, Layer> | null = null;

/** The three layers with their scenario lists (built once). */
export function layerByName(name: LayerName): Layer {
  layers ??= new Map<LayerName, Layer>([
    ['sim', simLayer({ scenarios: ALL_SCENARIOS.filter((s) => !isSelftest(s)), selftests: ALL_SCENARIOS.filter(isSelftest), find: findScenario, defaultSeeds: DEFAULT_SEEDS })],
    ['proxy', proxyLayer({ scenarios: PROXY_SCENARIOS, selftests: PROXY_SELFTESTS, find: findProxyScenario, defaultSeeds: DEFAULT_PROXY_SEEDS })],
    ['netem', netemLayer({ scenarios: NETEM_SCENARIOS, selftests: [], find: findNetemScenario, defaultSeeds: DEFAULT_NETEM_SEEDS })],
  ]);
  return layers.get(name)!;
}
