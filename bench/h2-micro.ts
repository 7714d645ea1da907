/**
 * `npm run bench:h2-micro`: aeronet's HTTP/2 hot paths in-process, no network, so that a change
 * to one of them shows in a figure of its own instead of disappearing in bench:h2's h2load noise
 * (kernel, loopback and client time). Three parts:
 *   (1) HPACK: HpackDecoder and HpackEncoder on a browser's request fields, fields/s and header
 *       block octets/s, with and without Huffman coding, and with dynamic-table hits (the same
 *       set on every request: after the first block, indexed fields and one short :path literal)
 *       against cold (every value distinct: every literal inserted, evicted, never reused);
 *   (2) FrameReader over a prepared client byte stream (HEADERS, DATA of 64 B to 16 KiB,
 *       WINDOW_UPDATE, PING, SETTINGS), frames/s and octets/s, in 16 KiB reads (frames cut
 *       across reads are copied once) and in one read of the whole buffer (no copy at all);
 *   (3) streams opened and closed per second on ONE HTTP/2 connection of the real server
 *       (createServer, demo routes): batches of 100 HEADERS(END_STREAM) for GET /hello in one
 *       read each, every response awaited and counted from what the server wrote, with the
 *       connection's flow-control credit returned as a client does; metrics off and on.
 * Every workload is checked once against an independent reference before it is timed (decoded
 * fields equal the input, the right frames in the right order, every stream a 200 "hello") and
 * every timed pass counts what it did: a benchmark of a broken path throws instead of printing.
 *
 * Times are CPU time (user + system) of this process, not wall time, so that other processes on a
 * shared machine count less; each figure is the median of --rounds rounds, the workloads run in
 * alternating order after a warm-up of each.
 *
 *   node dist/bench/h2-micro.js [--rounds 5] [--seconds 0.4] [--quick] [--json artifacts/bench-h2-micro.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchError, packageRoot, positiveIntFlag } from './lib/bench-support.js';
import { frameWorkloads, hpackWorkloads, type PassResult, type Workload } from './lib/h2-micro-workloads.js';
import { streamWorkloads } from './lib/h2-micro-streams.js';
import { formatInt, median, table } from './lib/stats.js';

const USAGE = `usage: node dist/bench/h2-micro.js [--rounds N] [--seconds S] [--quick] [--json PATH]
  --rounds N    rounds per measurement, the median is reported (default 5; 3 with --quick)
  --seconds S   CPU seconds per measurement and round, e.g. 0.4 (default 0.4; 0.2 with --quick)
  --quick       about 10 s in all
  --json PATH   where the results go (default artifacts/bench-h2-micro.json)`;

interface Settings {
  rounds: number;
  seconds: number;
  quick: boolean;
  jsonPath: string;
}

function secondsFlag(v: string): number {
  const s = Number(v);
  if (v.trim() === '' || !Number.isFinite(s) || s < 0.01 || s > 30) throw new BenchError(`--seconds must be a number of seconds from 0.01 to 30, got ${JSON.stringify(v)}`);
  return s;
}

function parseFlags(args: string[]): Settings | null {
  let values;
  try {
    values = parseArgs({
      args,
      options: { rounds: { type: 'string' }, seconds: { type: 'string' }, quick: { type: 'boolean' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new BenchError((err as Error).message);
  }
  if (values.help === true) return null;
  const quick = values.quick === true;
  return {
    quick,
    rounds: values.rounds !== undefined ? positiveIntFlag('rounds', values.rounds) : quick ? 3 : 5,
    seconds: values.seconds !== undefined ? secondsFlag(values.seconds) : quick ? 0.2 : 0.4,
    jsonPath: resolve(packageRoot(), values.json ?? 'artifacts/bench-h2-micro.json'),
  };
}

/** CPU time of this process (user + system), in seconds. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

interface Sample {
  perSecond: number;
  bytesPerSecond: number;
  cpuSeconds: number;
  passes: number;
}

/**
 * Passes of `w` until `seconds` of CPU time are spent (or twice that of wall time, should the
 * machine be busy: the rate is still per CPU second), on a fresh runner.
 */
async function measure(w: Workload, seconds: number): Promise<Sample> {
  const runner = await w.open();
  try {
    let items = 0;
    let bytes = 0;
    let passes = 0;
    const wallEnd = performance.now() + 2000 * seconds;
    const start = cpuSeconds();
    let spent = 0;
    do {
      let r: PassResult | Promise<PassResult> = runner.pass();
      if (r instanceof Promise) r = await r;
      items += r.items;
      bytes += r.bytes;
      passes++;
      spent = cpuSeconds() - start;
    } while (spent < seconds && performance.now() < wallEnd);
    return { perSecond: items / spent, bytesPerSecond: bytes / spent, cpuSeconds: spent, passes };
  } finally {
    runner.close();
  }
}

async function run(settings: Settings): Promise<void> {
  const workloads = [...hpackWorkloads(), ...frameWorkloads(), ...streamWorkloads()];
  console.log(`bench:h2-micro  CPU time, median of ${settings.rounds} rounds of ${settings.seconds} s per measurement${settings.quick ? ' (--quick)' : ''} | node ${process.version} | ${cpus().length} CPU(s): ${cpus()[0]?.model ?? '?'}`);
  for (const w of workloads) await w.check();
  console.log(`  checked: ${workloads.length} workloads give the right answers`);
  // Warm-up: every path compiled and optimised before any round counts.
  for (const w of workloads) await measure(w, Math.min(0.2, settings.seconds));
  const samples = new Map<Workload, Sample[]>(workloads.map((w) => [w, []]));
  for (let r = 0; r < settings.rounds; r++) {
    // Alternate the order so no workload always runs on a warmer or busier machine.
    for (const w of r % 2 === 0 ? workloads : [...workloads].reverse()) samples.get(w)!.push(await measure(w, settings.seconds));
  }

  const results = workloads.map((w) => {
    const xs = samples.get(w)!;
    const rates = xs.map((s) => s.perSecond);
    const perSecond = median(rates);
    return { w, xs, perSecond, bytesPerSecond: median(xs.map((s) => s.bytesPerSecond)), spread: (Math.max(...rates) - Math.min(...rates)) / 2 / perSecond };
  });
  const rows = results.map(({ w, perSecond, bytesPerSecond, spread }) => [
    `${w.group}: ${w.variant}`,
    `${formatInt(perSecond)} ${w.unit}/s`,
    (bytesPerSecond / 1e6).toFixed(1),
    (bytesPerSecond / perSecond).toFixed(1),
    (1e9 / perSecond).toFixed(0),
    `±${(spread * 100).toFixed(1)}%`,
  ]);
  console.log('');
  for (const line of table(['measurement', 'rate', 'MB/s', 'octets each', 'CPU ns each', 'min-max'], rows)) console.log(`  ${line}`);
  console.log('\n  MB/s: header block octets (HPACK), frame octets read (frame reader), response octets written (streams).');

  mkdirSync(dirname(settings.jsonPath), { recursive: true });
  const report = {
    benchmark: 'h2-micro',
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    settings: { rounds: settings.rounds, seconds: settings.seconds, quick: settings.quick, time: 'process CPU (user + system)' },
    results: results.map(({ w, xs, perSecond, bytesPerSecond }) => ({ group: w.group, variant: w.variant, unit: w.unit, bytes: w.bytesWhat, perSecond, bytesPerSecond, cpuNsEach: 1e9 / perSecond, samples: xs })),
  };
  writeFileSync(settings.jsonPath, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nresults: ${settings.jsonPath}`);
}

let settings: Settings | null;
try {
  settings = parseFlags(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof BenchError)) throw err;
  console.error(`bench:h2-micro: ${err.message}\n${USAGE}`);
  process.exit(2);
}
if (settings === null) console.log(USAGE);
else {
  run(settings).catch((err: unknown) => {
    console.error(err instanceof BenchError ? `bench:h2-micro FAILED: ${err.message}` : err);
    process.exit(1);
  });
}
