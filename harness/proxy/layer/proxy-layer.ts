import type { Layer, LayerScenarios } from '../../runner/layer.js';
import { replayCommand } from '../../runner/replay-command.js';
import type { ProxyScenario } from './proxy-scenario.js';
import { runProxyLayer } from './run-proxy-layer.js';

/** The proxy layer: `aeronet serve` processes behind the fault proxy (ours, or TOXIPROXY_URL's). */
export function proxyLayer(list: LayerScenarios<ProxyScenario>): Layer {
  return {
    name: 'proxy',
    ...list,
    // Loopback sockets and child processes are all it needs.
    unavailable: async () => null,
    async run(request) {
      const chosen = request.scenarios.map((s) => {
        const found = list.find(s.name);
        if (found === undefined) throw new Error(`unknown proxy scenario ${s.name}`);
        return found;
      });
      const summary = await runProxyLayer({
        scenarios: chosen,
        seeds: request.seeds,
        artifactsDir: request.artifactsDir,
        onResult: (r, dir) => request.onVerdict({ layer: 'proxy', scenario: r.scenario, seed: r.seed, ok: r.ok, failure: r.failure, durationMs: r.durationMs, artifactDir: dir, replay: replayCommand('proxy', r.scenario, r.seed) }),
      });
      const which = summary.proxyKind === 'toxiproxy' ? `Toxiproxy at ${process.env['TOXIPROXY_URL']}, not seeded` : 'aeronet proxy, seeded';
      return { label: `proxy layer (${which})`, notes: [which] };
    },
  };
}
