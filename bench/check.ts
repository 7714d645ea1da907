/**
 * `npm run bench:check`: a short benchmark subset (about a minute) whose ratios — aeronet over
 * node:http2's stream API on a few h2load scenarios, and over node:http with wrk — are compared
 * with the committed baseline (bench/baseline.json) within its tolerance (bench/lib/ratio-check.ts).
 * Ratios, not absolute figures: both sides of a ratio run on the same machine in the same minute.
 *
 *   node dist/bench/check.js [--strict] [--baseline bench/baseline.json]
 *                            [--history artifacts/bench-check-history.json]
 *                            [--json artifacts/bench-check.json] [--seconds 2] [--rounds 2]
 *                            [--update-baseline]
 *
 * Exit status: 0 when nothing failed — a drop is flagged in the table and with a DROP line, but
 * only fails the run with --strict, and then only when the same check also dropped in the
 * previous run recorded in --history (exit 3), since one noisy run on a shared machine proves
 * nothing; 1 when the benchmark could not run (setup, wrong answers, load-generator errors);
 * 2 on bad flags or a malformed baseline. --update-baseline writes the measured ratios into the
 * baseline file (after an intended change; commit it with the change).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { installCleanupHandlers } from './lib/children.js';
import { benchArgs, BenchError, packageRoot, positiveIntFlag } from './lib/bench-support.js';
import { findH2load } from './lib/h2load.js';
import { benchFiles, makePeers } from './lib/h2-peers.js';
import { bytesSizes, pickScenarios } from './lib/h2-scenarios.js';
import { runScenario } from './lib/h2-matrix-run.js';
import { measureH1Pair } from './lib/h1-pair.js';
import { appendHistory, BaselineError, compareRatios, parseBaseline, parseHistory, strictFailures, type CheckRow } from './lib/ratio-check.js';
import { table } from './lib/stats.js';
import { findWrk } from './lib/wrk.js';

/**
 * The h2load scenarios of the subset: the headline, one stream per connection, 16 KiB, 1 MiB
 * (MB/s: the large-response path, batches and DATA written beside its headers), TLS.
 */
const H2_CHECKS = ['hello-c16-m32', 'streams-1', 'body-16k', 'body-1m', 'tls-hello'];

class UsageError extends Error {}

function fmt(x: number | null, digits = 2): string {
  return x === null ? '-' : x.toFixed(digits);
}

function verdictCell(r: CheckRow): string {
  if (r.verdict === 'drop') return r.droppedBefore ? 'DROP (twice)' : 'DROP';
  return r.verdict;
}

async function main(): Promise<number> {
  const root = packageRoot();
  let values;
  try {
    values = benchArgs({
      strict: { type: 'boolean', default: false },
      baseline: { type: 'string', default: join('bench', 'baseline.json') },
      history: { type: 'string', default: join('artifacts', 'bench-check-history.json') },
      json: { type: 'string', default: join('artifacts', 'bench-check.json') },
      seconds: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '2' },
      'update-baseline': { type: 'boolean', default: false },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let seconds: number;
  let rounds: number;
  try {
    seconds = positiveIntFlag('seconds', values.seconds!);
    rounds = positiveIntFlag('rounds', values.rounds!);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const baselinePath = resolve(root, values.baseline!);
  if (!existsSync(baselinePath)) throw new UsageError(`--baseline: ${baselinePath} does not exist`);
  const baseline = parseBaseline(readFileSync(baselinePath, 'utf8'), baselinePath);
  const historyPath = resolve(root, values.history!);
  const history = parseHistory(existsSync(historyPath) ? readFileSync(historyPath, 'utf8') : null);

  const h2load = findH2load();
  if (h2load === null) throw new BenchError('h2load is not installed. Install it: apt-get install nghttp2-client');
  const wrk = findWrk();
  if (wrk === null) throw new BenchError('wrk is not installed. Install it: apt-get install wrk');
  installCleanupHandlers();

  const started = Date.now();
  console.log(`bench:check  ${H2_CHECKS.length} h2load scenario(s) + HTTP/1.1 /hello, ${rounds} alternating round(s) of ${seconds}s; baseline ${values.baseline} (tolerance ${(baseline.tolerance * 100).toFixed(0)}%)`);
  console.log(`  node ${process.version} | ${cpus().length} CPU(s): ${cpus()[0]?.model ?? '?'}`);
  const measured: Record<string, number> = {};
  const details: Record<string, unknown> = {};
  const scenarios = pickScenarios(H2_CHECKS.join(','));
  const files = benchFiles(bytesSizes(scenarios));
  try {
    const peers = makePeers(root, files, ['aeronet', 'node:http2']);
    for (const s of scenarios) {
      const r = await runScenario({ seconds, warmup: 1, rounds, h2load, files, log: console.log }, peers, s);
      measured[`h2:${s.id}`] = r.ratio;
      details[`h2:${s.id}`] = r;
      console.log(`  h2:${s.id.padEnd(14)} ${r.ratio.toFixed(2)}x node:http2`);
    }
  } finally {
    rmSync(files.dir, { recursive: true, force: true });
  }
  const h1 = await measureH1Pair(root, wrk, { connections: 64, seconds, warmup: 1, rounds });
  measured['h1:hello-c64'] = h1.ratio;
  details['h1:hello-c64'] = h1;
  console.log(`  h1:hello-c64        ${h1.ratio.toFixed(2)}x node:http`);

  const rows = compareRatios(baseline, measured, history);
  console.log('');
  for (const line of table(['check', 'baseline', 'now', 'change', 'verdict'], rows.map((r) => [r.name, fmt(r.baseline), fmt(r.now), r.change === null ? '-' : `${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(0)}%`, verdictCell(r)]))) console.log(line);
  console.log('');
  const drops = rows.filter((r) => r.verdict === 'drop');
  for (const r of drops) console.log(`DROP ${r.name}: ${fmt(r.now)}x against a baseline of ${fmt(r.baseline)}x (more than ${(baseline.tolerance * 100).toFixed(0)}% below)${r.droppedBefore ? ', also in the previous run' : ''}`);
  for (const r of rows.filter((x) => x.verdict === 'missing' || x.verdict === 'new')) console.log(`note: ${r.name} is ${r.verdict === 'new' ? 'not in the baseline (add it with --update-baseline)' : 'in the baseline but was not measured'}`);

  const date = new Date().toISOString();
  mkdirSync(dirname(historyPath), { recursive: true });
  writeFileSync(historyPath, JSON.stringify(appendHistory(history, rows, date), null, 2) + '\n');
  const jsonPath = resolve(root, values.json!);
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify({ benchmark: 'check', date, strict: values.strict, seconds, rounds, baseline: values.baseline, tolerance: baseline.tolerance, rows, details }, null, 2) + '\n');
  if (values['update-baseline']) {
    const next = { tolerance: baseline.tolerance, measuredOn: `${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}`, date, ratios: Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, Math.round(v * 100) / 100])) };
    writeFileSync(baselinePath, JSON.stringify(next, null, 2) + '\n');
    console.log(`baseline updated: ${baselinePath}`);
  }
  console.log(`bench:check took ${((Date.now() - started) / 1000).toFixed(0)} s; ${drops.length} drop(s); results ${jsonPath}`);
  const failures = strictFailures(rows);
  if (values.strict && failures.length > 0) {
    console.log(`bench:check --strict FAILED: dropped twice in a row: ${failures.map((r) => r.name).join(', ')}`);
    return 3;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof BaselineError) {
      console.error(`bench:check: ${err.message}`);
      process.exit(2);
    }
    console.error(err instanceof BenchError ? `bench:check: ${err.message}` : err);
    process.exit(1);
  },
);
