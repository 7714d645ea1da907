import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readManifestBase } from '../harness/artifacts/artifact-folder.js';
import type { NetemManifest } from '../harness/netem/netem-artifact.js';
import { runNetemLayer } from '../harness/netem/run-netem-layer.js';
import { linkFor, type NetemRunResult } from '../harness/netem/run-netem-scenario.js';
import { describePreflight, preflight } from '../netns/preflight.js';
import { findNetemScenario } from '../scenarios/netem/index.js';
import { UsageError } from './usage-error.js';
import { failureShape } from '../harness/runner/failure-shape.js';

/**
 * `aeronet repro <netem artifact> [--times N]`: the same scenario and seed, so the same link
 * parameters (checked against the manifest), re-created `times` times. Kernel-level runs are
 * not bit-for-bit repeatable (netem and TCP draw from the kernel), so the answer is a rate.
 * Exit 1 when the recorded failure happened again at least once.
 */
export async function reproNetem(dir: string, times: number): Promise<number> {
  const { file, data } = (() => {
    try {
      return readManifestBase(dir);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  })();
  const manifest = data as unknown as NetemManifest;
  const scenario = findNetemScenario(manifest.scenario);
  if (scenario === undefined) throw new UsageError(`${file} names netem scenario "${manifest.scenario}", which this version does not have`);
  const link = linkFor(scenario, manifest.seed);
  const sameLink = JSON.stringify(link) === JSON.stringify(manifest.link);
  if (!sameLink) process.stdout.write(`warning: the scenario now gives seed ${manifest.seed} another link than recorded:\n  recorded ${JSON.stringify(manifest.link)}\n  now      ${JSON.stringify(link)}\n`);
  const pf = await preflight('auto');
  for (const line of describePreflight(pf)) process.stdout.write(`preflight: ${line}\n`);
  if (pf.backend === null) {
    process.stdout.write(`repro: cannot run here: ${pf.missing.join('; ')}\n`);
    return 2;
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'aeronet-netem-repro-'));
  const results: NetemRunResult[] = [];
  try {
    await runNetemLayer({
      scenarios: [scenario],
      seeds: Array.from({ length: times }, () => manifest.seed),
      backend: pf.backend,
      workDir: path.join(scratch, 'work'),
      artifactsDir: path.join(scratch, 'artifacts'),
      onResult: (r) => {
        results.push(r);
        process.stdout.write(`  run ${results.length}/${times}: ${r.ok ? 'passed' : `${r.failure!.kind}: ${r.failure!.message.split('\n')[0]}`}\n`);
      },
    }, findNetemScenario);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const recorded = failureShape(manifest.failure);
  const again = results.filter((r) => failureShape(r.failure) === recorded).length;
  const other = results.filter((r) => !r.ok && failureShape(r.failure) !== recorded).length;
  process.stdout.write(`${manifest.scenario} seed ${manifest.seed} on ${pf.backend}: the recorded failure happened again in ${again} of ${times} runs (${other} failed otherwise, ${results.filter((r) => r.ok).length} passed)\n`);
  process.stdout.write('  kernel-level runs are not bit-for-bit deterministic: the link parameters are the same, netem\'s and TCP\'s random choices are not\n');
  return again > 0 ? 1 : 0;
}
