import path from 'node:path';
import { ALL_SCENARIOS, findScenario, isSelftest } from '../scenarios/index.js';
import { runSimLayer } from '../harness/runner/run-layer.js';
import { runDifferential, type DifferentialVerdict } from '../harness/differential/differential.js';
import type { Scenario } from '../harness/runner/scenario.js';
import { UsageError } from './usage-error.js';
import { PROXY_SCENARIOS, PROXY_SELFTESTS, findProxyScenario } from '../scenarios/proxy/index.js';
import { runProxyLayer } from '../harness/proxy/layer/run-proxy-layer.js';
import { parseFlags } from './parse-flags.js';
import { printVerdict, summaryLine } from './layer-report.js';
import { netemLayerCommand } from './netem-command.js';

/** Default seeds per scenario for the PR gate. */
export const DEFAULT_SEEDS = 50;
/** The proxy layer runs real processes and real time: fewer seeds by default. */
export const DEFAULT_PROXY_SEEDS = 2;
/** The netem layer runs in a kernel (often a User-Mode Linux guest): one seed by default. */
export const DEFAULT_NETEM_SEEDS = 1;

/** `aeronet run --layer sim [--list] [--scenario NAME] [--seed N | --seeds N] [--trace-hash | --differential]` */
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
  });
  if (values.layer !== 'sim' && values.layer !== 'proxy' && values.layer !== 'netem') throw new UsageError(`--layer must be sim, proxy or netem, got "${values.layer}"`);
  if ((values.backend !== undefined || values.smoke) && values.layer !== 'netem') throw new UsageError('--backend and --smoke apply to --layer netem only');
  if (values.layer === 'netem') {
    if (values['trace-hash'] || values.differential) throw new UsageError('--trace-hash and --differential apply to the sim layer only');
    return netemLayerCommand(values, seedsFrom(values, DEFAULT_NETEM_SEEDS));
  }
  if (values.layer === 'proxy') return proxyLayerCommand(values);
  if (values.list) {
    for (const s of ALL_SCENARIOS) process.stdout.write(`${s.name}\n`);
    return 0;
  }
  let scenarios = ALL_SCENARIOS.filter((s) => !isSelftest(s));
  if (values.scenario !== undefined) {
    const found = findScenario(values.scenario);
    if (found === undefined) throw new UsageError(`unknown scenario "${values.scenario}" (see --list)`);
    scenarios = [found];
  }
  const seeds = seedsFrom(values, DEFAULT_SEEDS);

  if (values.differential) {
    if (values['trace-hash']) throw new UsageError('--trace-hash applies to a sim run, not to --differential');
    return differentialCommand(values.scenario !== undefined ? scenarios : scenarios.filter((s) => s.name.startsWith('h1/')), seeds);
  }

  const started = process.hrtime.bigint();
  const summary = await runSimLayer({
    scenarios,
    seeds,
    artifactsDir: path.resolve(values.artifacts),
    onResult: (result, dir) => printVerdict(result, `npx aeronet run --layer sim --scenario ${result.scenario} --seed ${result.seed}`, dir, false),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(summaryLine('sim layer', scenarios.length, seeds.length, summary.runs, summary.failed.length, seconds));
  if (values['trace-hash']) process.stdout.write(`${summary.traceHash}\n`);
  return summary.failed.length > 0 ? 1 : 0;
}

/** `run --layer proxy`: the proxy-layer scenarios against `aeronet serve` processes. */
async function proxyLayerCommand(values: { list: boolean; scenario?: string | undefined; seed?: string | undefined; seeds?: string | undefined; 'trace-hash': boolean; differential: boolean; artifacts: string }): Promise<number> {
  if (values.list) {
    for (const s of [...PROXY_SCENARIOS, ...PROXY_SELFTESTS]) process.stdout.write(`${s.name}\n`);
    return 0;
  }
  if (values['trace-hash'] || values.differential) throw new UsageError('--trace-hash and --differential apply to the sim layer only');
  let scenarios = PROXY_SCENARIOS;
  if (values.scenario !== undefined) {
    const found = findProxyScenario(values.scenario);
    if (found === undefined) throw new UsageError(`unknown proxy scenario "${values.scenario}" (see --layer proxy --list)`);
    scenarios = [found];
  }
  const seeds = seedsFrom(values, DEFAULT_PROXY_SEEDS);
  const started = process.hrtime.bigint();
  const summary = await runProxyLayer({
    scenarios,
    seeds,
    artifactsDir: path.resolve(values.artifacts),
    onResult: (result, dir) => printVerdict(result, `npx aeronet run --layer proxy --scenario ${result.scenario} --seed ${result.seed}`, dir, true),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const which = summary.proxyKind === 'toxiproxy' ? `Toxiproxy at ${process.env['TOXIPROXY_URL']}, not seeded` : 'aeronet proxy, seeded';
  process.stdout.write(summaryLine(`proxy layer (${which})`, scenarios.length, seeds.length, summary.runs, summary.failed.length, seconds));
  return summary.failed.length > 0 ? 1 : 0;
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
