import { rmSync } from 'node:fs';
import path from 'node:path';
import { describePreflight, preflight, type Preflight } from '../../netns/preflight.js';
import type { Layer, LayerOptions, LayerScenarios } from '../runner/layer.js';
import { replayCommand } from '../runner/replay-command.js';
import { artifactName } from './netem-artifact.js';
import type { NetemScenario } from './netem-scenario.js';
import { runNetemLayer } from './run-netem-layer.js';

/**
 * The netem layer: kernel TCP across tc netem between two namespaces, on the host kernel or in a
 * User-Mode Linux guest, as the preflight finds. Unavailable (and so reported as skipped, with
 * the preflight's reasons) without root, ip/tc/tcpdump, or any kernel with sch_netem.
 */
export function netemLayer(list: LayerScenarios<NetemScenario>): Layer {
  // One preflight per process and backend request: it creates a scratch namespace each time.
  const checked = new Map<string, Promise<Preflight>>();
  const check = (options: LayerOptions): Promise<Preflight> => {
    const requested = options.backend ?? 'auto';
    let p = checked.get(requested);
    if (p === undefined) checked.set(requested, (p = preflight(requested)));
    return p;
  };
  return {
    name: 'netem',
    ...list,
    async unavailable(options) {
      const pf = await check(options);
      return pf.backend === null ? pf.missing.join('; ') : null;
    },
    async run(request, options) {
      const pf = await check(options);
      for (const line of describePreflight(pf)) request.onNote?.(`preflight: ${line}`);
      if (pf.backend === null) throw new Error(`the netem layer cannot run here: ${pf.missing.join('; ')}`);
      const backend = pf.backend;
      const chosen = request.scenarios.map((s) => {
        const found = list.find(s.name);
        if (found === undefined) throw new Error(`unknown netem scenario ${s.name}`);
        return found;
      });
      const workDir = path.join(request.artifactsDir, `.netem-work-${process.pid}`);
      // The guest runs the whole job before the host reads any result: pass its per-run lines on
      // as they come, so a long run shows life (and the log has them even if the guest dies).
      let pending = '';
      const onConsole = (chunk: string): void => {
        pending += chunk;
        const lines = pending.split(/\r?\n/);
        pending = lines.pop()!;
        for (const line of lines) {
          const m = /\b(ok {2}|FAIL) (netem\/\S+ seed \d+ \([0-9.]+ s\))/.exec(line);
          if (m !== null) request.onNote?.(`guest: ${m[1]!.trim()} ${m[2]}`);
        }
      };
      let summary;
      try {
        summary = await runNetemLayer({
          scenarios: chosen,
          seeds: request.seeds,
          backend,
          workDir,
          artifactsDir: request.artifactsDir,
          onConsole,
          onResult: (r, dir) => request.onVerdict({ layer: 'netem', scenario: r.scenario, seed: r.seed, ok: r.ok, failure: r.failure, durationMs: r.durationMs, artifactDir: dir, replay: replayCommand('netem', r.scenario, r.seed, backend) }),
        }, (n) => list.find(n));
      } finally {
        // AERONET_NETEM_KEEP=1 keeps every run's results and captures (passing ones too) for a look.
        if (process.env['AERONET_NETEM_KEEP'] === '1') request.onNote?.(`kept: ${artifactName(workDir)}`);
        else rmSync(workDir, { recursive: true, force: true });
      }
      const boot = summary.umlMs !== null ? `${(summary.umlMs / 1000).toFixed(1)} s in User-Mode Linux ${pf.uml.kernel} (boot included)` : null;
      return { label: `netem layer (backend ${backend})`, notes: [`backend ${backend}`, ...(boot ? [boot] : [])], ...(boot ? { summaryExtra: `, ${boot}` } : {}) };
    },
  };
}
