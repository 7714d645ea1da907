import { createHash } from 'node:crypto';
import path from 'node:path';
import { runDifferential, type DifferentialVerdict } from '../harness/differential/differential.js';
import type { Scenario } from '../harness/runner/scenario.js';
import type { LayerOptions, LayerScenario } from '../harness/runner/layer.js';
import { Progress } from '../harness/runner/progress.js';
import { runLayers, type PlannedLayer } from '../harness/runner/run-layers.js';
import { parseShard, shardGroups, type Shard } from '../harness/runner/shard.js';
import { buildReport } from '../harness/report/build-report.js';
import { reportDirProblem, writeReports } from '../harness/report/write-report.js';
import type { LayerName } from '../harness/report/report-model.js';
import { findScenario } from '../scenarios/index.js';
import { UsageError } from './usage-error.js';
import { parseFlags } from './parse-flags.js';
import { formatVerdict, summaryLine } from './layer-report.js';
import { LAYER_ORDER, layerByName } from './layers.js';

export { DEFAULT_SEEDS, DEFAULT_PROXY_SEEDS, DEFAULT_NETEM_SEEDS } from './layers.js';

/**
 * `aeronet run --layer sim,proxy,netem|all [--seeds N] [--shard i/n] [--report DIR] ...`: the
 * layers in order (sim, proxy, netem), every scenario x seed, one verdict line format and one
 * summary line per layer; a layer that cannot run here is reported as skipped with the reason.
 * `--report DIR` writes report.json, junit.xml and report.html there.
 */
export async function runCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, {
    layer: { type: 'string', default: 'sim' },
    list: { type: 'boolean', default: false },
    scenario: { type: 'string' },
    seed: { type: 'string' },
    seeds: { type: 'string' },
    'trace-hash': { type: 'boolean', default: false },
    artifacts: { type: 'string', default: 'artifacts' },
    differential: { type: 'boolean', default: false },
    backend: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    shard: { type: 'string' },
    report: { type: 'string' },
    progress: { type: 'string' },
  });
  const names = parseLayers(values.layer);
  const onlySim = names.length === 1 && names[0] === 'sim';
  if ((values['trace-hash'] || values.differential) && !onlySim) throw new UsageError('--trace-hash and --differential apply to the sim layer only');
  if (values.backend !== undefined && !names.includes('netem')) throw new UsageError('--backend applies to the netem layer only');
  if (values.smoke && !names.includes('netem')) throw new UsageError('--smoke applies to the netem layer only (the others have no smoke set)');
  const backend = values.backend ?? 'auto';
  if (backend !== 'host' && backend !== 'uml' && backend !== 'auto') throw new UsageError(`--backend must be host, uml or auto, got "${backend}"`);
  let shard: Shard | null = null;
  if (values.shard !== undefined) {
    const parsed = parseShard(values.shard);
    if (typeof parsed === 'string') throw new UsageError(parsed);
    shard = parsed;
  }
  const progressMode = values.progress ?? 'auto';
  if (progressMode !== 'auto' && progressMode !== 'live' && progressMode !== 'lines' && progressMode !== 'off') throw new UsageError(`--progress must be auto, live, lines or off, got "${progressMode}"`);

  // Which scenarios: all of each layer (netem's smoke set with --smoke), or the one named.
  let selected: Array<{ name: LayerName; scenarios: readonly LayerScenario[] }> = names.map((name) => {
    const layer = layerByName(name);
    return { name, scenarios: name === 'netem' && values.smoke ? layer.scenarios.filter((s) => s.smoke) : layer.scenarios };
  });
  if (values.scenario !== undefined) {
    const wanted = values.scenario;
    const owner = names.find((n) => layerByName(n).find(wanted) !== undefined);
    if (owner === undefined) throw new UsageError(`unknown ${names.length === 1 ? `${names[0]} ` : ''}scenario "${wanted}" (see ${names.length === 1 ? `--layer ${names[0]} ` : ''}--list)`);
    selected = [{ name: owner, scenarios: [layerByName(owner).find(wanted)!] }];
  }
  if (values.report !== undefined && !values.list) {
    const problem = reportDirProblem(path.resolve(values.report));
    if (problem !== null) throw new UsageError(`--report: ${problem}`);
  }
  if (values.list) {
    // With --shard, the shard's share (what a CI matrix job would run); else every scenario, self-tests too.
    const lists = shard !== null ? shardGroups(selected.map((s) => s.scenarios), shard) : selected.map((s) => (values.smoke || values.scenario !== undefined ? s.scenarios : [...layerByName(s.name).scenarios, ...layerByName(s.name).selftests]));
    for (const s of lists.flat()) process.stdout.write(`${s.name}${s.smoke ? ' (smoke)' : ''}\n`);
    return 0;
  }
  const seedsFor = (name: LayerName): number[] => seedsFrom(values, layerByName(name).defaultSeeds);
  for (const n of names) seedsFor(n); // flag errors before anything runs

  if (values.differential) {
    if (values['trace-hash']) throw new UsageError('--trace-hash applies to a sim run, not to --differential');
    const sims = selected[0]!.scenarios.map((s) => findScenario(s.name)!);
    return differentialCommand(values.scenario !== undefined ? sims : sims.filter((s) => s.name.startsWith('h1/')), seedsFor('sim'));
  }

  const sharded = shardGroups(selected.map((s) => s.scenarios), shard);
  const plan: PlannedLayer[] = selected.map((s, i) => ({ layer: layerByName(s.name), scenarios: sharded[i]!, seeds: seedsFor(s.name) }));
  const live = progressMode === 'live' || (progressMode === 'auto' && process.stdout.isTTY === true && process.env['CI'] === undefined);
  const progress = new Progress(plan.map((p) => ({ name: p.layer.name, runs: p.scenarios.length * p.seeds.length })), {
    live,
    enabled: progressMode !== 'off',
    write: (text) => process.stdout.write(text),
    now: () => performance.now(),
    intervalMs: 10_000,
  });
  const say = (text: string): void => progress.print(text);
  if (shard !== null) say(`shard ${shard.index}/${shard.count}: ${plan.map((p) => `${p.layer.name} ${p.scenarios.length} of ${selected.find((s) => s.name === p.layer.name)!.scenarios.length} scenario(s)`).join(', ')}\n`);

  const startedAt = new Date();
  const started = performance.now();
  const traceHash = createHash('sha256');
  const layerOptions: LayerOptions = { backend };
  let showOk = false;
  const result = await runLayers(plan, {
    artifactsDir: path.resolve(values.artifacts),
    layerOptions,
    onLayerStart: (p, reason) => {
      // Real-time layers print every verdict (each takes seconds); the sim only its failures.
      showOk = p.layer.name !== 'sim';
      if (reason === null) progress.startLayer(p.layer.name);
      else progress.dropLayer(p.layer.name);
    },
    onVerdict: (v) => {
      if (v.traceHash !== undefined) traceHash.update(`${v.scenario} ${v.seed} ${v.traceHash}\n`);
      const text = formatVerdict(v.layer === 'sim' ? { ...v, durationMs: undefined } : v, v.replay, v.artifactDir, showOk);
      if (text !== '') say(text);
      progress.tick(v.ok);
    },
    onNote: (line) => say(`${line}\n`),
    onLayerEnd: (summary, label, extra) => {
      if (summary.status === 'skipped') say(`${label}: skipped: ${summary.skipReason}\n`);
      else say(summaryLine(label, summary.scenarios, summary.seeds, summary.runs, summary.failed, summary.durationMs / 1000, extra));
    },
  });
  progress.clear();
  const failed = result.verdicts.filter((v) => !v.ok).length;
  if (plan.length > 1) {
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`all layers: ${result.verdicts.length} runs, ${failed} failed, ${result.skipped.length} skipped (${result.summaries.filter((s) => s.status === 'skipped').map((s) => s.layer).join(', ') || 'none'}), in ${seconds.toFixed(1)} s\n`);
  }
  if (values['trace-hash']) process.stdout.write(`${traceHash.digest('hex')}\n`);
  if (values.report !== undefined) {
    const reportDir = path.resolve(values.report);
    const report = buildReport({ result, reportDir, startedAt, command: `aeronet run ${args.join(' ')}`, shard });
    const files = await writeReports(reportDir, report);
    process.stdout.write(`report: ${files.map((f) => path.relative(process.cwd(), f) || f).join(', ')}\n`);
  }
  // A layer asked for by name that cannot run here fails the command; under `all` it is a skip.
  const explicitSkip = values.layer !== 'all' && result.summaries.some((s) => s.status === 'skipped');
  return failed > 0 || explicitSkip ? 1 : 0;
}

/** `sim`, `sim,proxy`, `all`: the layers in run order, each once. */
export function parseLayers(raw: string): LayerName[] {
  if (raw === 'all') return [...LAYER_ORDER];
  const parts = raw.split(',');
  for (const p of parts) if (!(LAYER_ORDER as readonly string[]).includes(p)) throw new UsageError(`--layer must be sim, proxy, netem, a comma-separated list of them, or all; got "${raw}"`);
  if (new Set(parts).size !== parts.length) throw new UsageError(`--layer names a layer twice: "${raw}"`);
  return LAYER_ORDER.filter((l) => parts.includes(l));
}

/**
 * `--differential`: each scenario against aeronet and node:http over the same simulated network.
 * One line per scenario with its verdicts over the seeds; exit 1 if the two servers were both
 * right yet answered differently, or aeronet failed.
 */
async function differentialCommand(scenarios: readonly Scenario[], seeds: readonly number[]): Promise<number> {
  const started = process.hrtime.bigint();
  const totals = new Map<DifferentialVerdict, number>();
  for (const scenario of scenarios) {
    const verdicts = new Map<DifferentialVerdict, string>();
    const counts = new Map<DifferentialVerdict, number>();
    for (const seed of seeds) {
      const r = await runDifferential(scenario, seed);
      counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
      totals.set(r.verdict, (totals.get(r.verdict) ?? 0) + 1);
      if (!verdicts.has(r.verdict)) verdicts.set(r.verdict, r.verdict === 'skipped' ? r.detail : `seed ${seed}: ${r.detail}`);
    }
    const parts = [...counts].map(([v, n]) => `${v} ${n}/${seeds.length}`).join(', ');
    process.stdout.write(`${scenario.name}: ${parts}\n`);
    for (const [v, detail] of verdicts) if (v !== 'agree') process.stdout.write(`  ${v}: ${firstLine(detail)}\n`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const line = (['agree', 'differ', 'node-deviates', 'aeronet-failed', 'skipped'] as const).map((v) => `${totals.get(v) ?? 0} ${v}`).join(', ');
  process.stdout.write(`differential vs node:http: ${scenarios.length} scenario(s) x ${seeds.length} seed(s): ${line}, in ${seconds.toFixed(1)} s\n`);
  return (totals.get('differ') ?? 0) + (totals.get('aeronet-failed') ?? 0) > 0 ? 1 : 0;
}

/** `--seed N` (that one seed) or `--seeds N` (1..N), `defaultCount` seeds when neither is given. */
function seedsFrom(values: { seed?: string | undefined; seeds?: string | undefined }, defaultCount: number): number[] {
  if (values.seed !== undefined && values.seeds !== undefined) throw new UsageError('give --seed or --seeds, not both');
  return values.seed !== undefined ? [positiveInt(values.seed, '--seed', true)] : range(positiveInt(values.seeds ?? String(defaultCount), '--seeds', false));
}

function positiveInt(raw: string, flag: string, allowZero: boolean): number {
  if (!/^[0-9]{1,9}$/.test(raw) || (!allowZero && Number(raw) === 0)) throw new UsageError(`${flag} must be ${allowZero ? 'a non-negative' : 'a positive'} integer, got "${raw}"`);
  return Number(raw);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!;
}
