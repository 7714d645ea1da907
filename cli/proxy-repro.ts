import path from 'node:path';
import { findProxyScenario } from '../scenarios/proxy/index.js';
import { readProxyManifest, writeProxyArtifact, type ProxyManifest } from '../harness/proxy/layer/proxy-artifact.js';
import { discardLoopbackCapture, runProxyScenario } from '../harness/proxy/layer/run-proxy-scenario.js';
import { shrinkProxyRun } from '../harness/proxy/layer/proxy-shrink.js';
import { failureShape } from '../harness/runner/failure-shape.js';
import type { ProxyScenario } from '../harness/proxy/layer/proxy-scenario.js';
import { compareDecisions } from '../harness/proxy/layer/compare-decisions.js';
import { UsageError } from './usage-error.js';

function load(dir: string): { manifest: ProxyManifest; scenario: ProxyScenario } {
  let manifest: ProxyManifest;
  try {
    manifest = readProxyManifest(dir);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const scenario = findProxyScenario(manifest.scenario);
  if (scenario === undefined) throw new UsageError(`the manifest names proxy scenario "${manifest.scenario}", which this version does not have`);
  return { manifest, scenario };
}

function describeMatch(match: ReturnType<typeof compareDecisions>, recorded: number, now: number): string {
  if (match === 'identical') return `identical to the recording (${now})`;
  if (match === 'same-draws') return `the same draws as the recording (toxicity identical; per-chunk draws the same sequence, ${now} now vs ${recorded} recorded: the kernel split the bytes into another number of reads)`;
  return `differ from the recording (${now} now, ${recorded} recorded): connections were opened in another order, or the scenario changed`;
}

/**
 * `aeronet repro <proxy artifact>`: the same scenario, seed and starting toxics against a fresh
 * `aeronet serve`; reports whether it fails again and whether the proxy made the same decisions.
 */
export async function reproProxy(dir: string): Promise<number> {
  const { manifest, scenario } = load(dir);
  const result = await runProxyScenario(scenario, manifest.seed, manifest.toxicsOverride ? { toxics: manifest.toxicsOverride } : {});
  discardLoopbackCapture(result);
  const decisions = result.decisions === null || manifest.decisions === null
    ? 'not recorded (a real Toxiproxy cannot report them)'
    : describeMatch(compareDecisions(manifest.decisions, result.decisions), manifest.decisions.length, result.decisions.length);
  if (result.ok) {
    process.stdout.write(`PASS ${manifest.scenario} seed ${manifest.seed}: the recorded failure no longer happens\n  decisions: ${decisions}\n`);
    return 0;
  }
  const recorded = manifest.failure;
  const same = recorded !== null && failureShape(recorded) === failureShape(result.failure);
  process.stdout.write(`${same ? 'FAILS AGAIN as recorded' : 'FAILS DIFFERENTLY'}: ${manifest.scenario} seed ${manifest.seed}: ${result.failure!.kind}: ${result.failure!.message.split('\n')[0]}\n`);
  if (!same && recorded !== null) process.stdout.write(`  recorded: ${recorded.kind}: ${recorded.message.split('\n')[0]}\n`);
  process.stdout.write(`  decisions: ${decisions}\n`);
  return 1;
}

/** `aeronet shrink <proxy artifact>`: fewer and milder starting toxics that still fail the same way. */
export async function shrinkProxy(dir: string): Promise<number> {
  const { manifest, scenario } = load(dir);
  const outcome = await shrinkProxyRun(scenario, manifest.seed, manifest.toxicsOverride);
  if (outcome === null) {
    process.stdout.write(`${manifest.scenario} seed ${manifest.seed} passes now: nothing to shrink\n`);
    return 1;
  }
  const out = writeProxyArtifact(outcome.result, path.dirname(path.resolve(dir)));
  process.stdout.write(`shrunk ${manifest.scenario} seed ${manifest.seed} in ${outcome.attempts} runs; ${outcome.steps.length} simplification(s):\n`);
  for (const step of outcome.steps) process.stdout.write(`  ${step}\n`);
  process.stdout.write(`starting toxics now: ${JSON.stringify(outcome.toxics)}\n`);
  process.stdout.write(`still fails: ${outcome.result.failure!.kind}: ${outcome.result.failure!.message.split('\n')[0]}\n`);
  process.stdout.write(`artifact:    ${path.relative(process.cwd(), out)}\n`);
  process.stdout.write(`replay:      npx aeronet repro ${path.relative(process.cwd(), out)}\n`);
  return 0;
}
