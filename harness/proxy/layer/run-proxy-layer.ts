import { runProxyScenario, type ProxyRunResult } from './run-proxy-scenario.js';
import { writeProxyArtifact } from './proxy-artifact.js';
import type { ProxyScenario } from './proxy-scenario.js';

export interface ProxyLayerOptions {
  scenarios: readonly ProxyScenario[];
  seeds: readonly number[];
  artifactsDir: string;
  env?: NodeJS.ProcessEnv;
  /** Called once per scenario and seed as results arrive (artifactDir: null when it passed). */
  onResult?: (result: ProxyRunResult, artifactDir: string | null) => void;
}

export interface ProxyLayerSummary {
  runs: number;
  failed: ProxyRunResult[];
  /** Which proxy ran: 'aeronet' (ours, seeded) or 'toxiproxy' (TOXIPROXY_URL). */
  proxyKind: ProxyRunResult['proxy']['kind'] | null;
}

/** Run proxy scenarios × seeds one at a time (each owns a server process and real ports); an artifact per failure. */
export async function runProxyLayer(options: ProxyLayerOptions): Promise<ProxyLayerSummary> {
  const failed: ProxyRunResult[] = [];
  let runs = 0;
  let proxyKind: ProxyLayerSummary['proxyKind'] = null;
  for (const scenario of options.scenarios) {
    for (const seed of options.seeds) {
      const result = await runProxyScenario(scenario, seed, options.env ? { env: options.env } : {});
      runs++;
      proxyKind ??= result.proxy.kind;
      let dir: string | null = null;
      if (!result.ok) {
        failed.push(result);
        dir = writeProxyArtifact(result, options.artifactsDir);
      }
      options.onResult?.(result, dir);
    }
  }
  return { runs, failed, proxyKind };
}
