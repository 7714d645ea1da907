/**
 * `npm run bench:h2`: aeronet's HTTP/2 throughput against a plain node:http2 server with the same
 * route, both measured by h2load (Debian nghttp2-client) with identical settings, h2c with prior
 * knowledge. Each measurement starts the server fresh, checks that GET /hello answers 200 with the
 * right body over HTTP/2, warms up, measures, and stops it; the servers alternate (ABBA) for
 * --runs rounds and the medians are compared.
 *
 * Exit status: 0 whatever the ratio (a benchmark is not a test); 1 on a setup failure or when
 * h2load saw failed, errored or non-2xx requests, because then the figure measures failures.
 *
 *   node dist/bench/h2.js [--clients 16] [--streams 32] [--duration 8] [--warmup 2] [--runs 3]
 *                         [--json artifacts/bench-h2.json]
 */
import http2 from 'node:http2';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { installCleanupHandlers } from './lib/children.js';
import { describeCommand, startServer, type ServerCommand } from './lib/server-process.js';
import { formatInt, median } from './lib/stats.js';
import { findH2load, h2loadProblems, runH2load } from './lib/h2load.js';
import { BenchError, packageRoot, positiveIntFlag } from './lib/bench-support.js';

const TARGET_RATIO = 1.3;
const ROUTE = '/hello';
const BODY = 'hello, world\n';


/** One GET /hello over HTTP/2 with node's client: the server must really speak h2 and serve the route. */
function checkHello(base: string): Promise<void> {
  return new Promise((resolveCheck, reject) => {
    const session = http2.connect(base);
    session.on('error', reject);
    const req = session.request({ ':path': ROUTE });
    let status = 0;
    let body = '';
    req.setEncoding('utf8');
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      session.close();
      if (status !== 200 || body !== BODY) reject(new BenchError(`GET ${ROUTE} over h2 gave ${status} ${JSON.stringify(body)}`));
      else resolveCheck();
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<number> {
  const root = packageRoot();
  let values;
  try {
    values = parseArgs({
      options: {
        clients: { type: 'string', default: '16' },
        streams: { type: 'string', default: '32' },
        duration: { type: 'string', default: '8' },
        warmup: { type: 'string', default: '2' },
        runs: { type: 'string', default: '3' },
        json: { type: 'string', default: join('artifacts', 'bench-h2.json') },
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new BenchError((err as Error).message);
  }
  const clients = positiveIntFlag('clients', values.clients!);
  const streams = positiveIntFlag('streams', values.streams!);
  const duration = positiveIntFlag('duration', values.duration!);
  const warmup = positiveIntFlag('warmup', values.warmup!);
  const runs = positiveIntFlag('runs', values.runs!);
  const h2load = findH2load();
  if (h2load === null) throw new BenchError('h2load is not installed. Install it: apt-get install nghttp2-client');
  const node = process.execPath;
  const servers: ServerCommand[] = [
    // Metrics on (its own listener on a free port): the ratio is measured with every request and frame counted.
    { name: 'aeronet', command: node, args: [join(root, 'dist/cli/aeronet.js'), 'serve', '--host', '127.0.0.1', '--port', '0', '--log-level', 'error', '--metrics-port', '0'], cwd: root },
    { name: 'node:http2', command: node, args: [join(root, 'dist/bench/node-http2-hello.js'), '--host', '127.0.0.1', '--port', '0'], cwd: root },
  ];
  for (const s of servers) if (!existsSync(s.args[0]!)) throw new BenchError(`${s.args[0]} does not exist. Build first: npm run build`);
  installCleanupHandlers();

  const args = [`-c${clients}`, `-m${streams}`, `-D${duration}`];
  console.log(`bench:h2  h2load ${args.join(' ')} (warm-up ${warmup}s), ${runs} run(s) each, GET ${ROUTE}, h2c prior knowledge`);
  console.log(`  node ${process.version} | ${cpus().length} CPU(s): ${cpus()[0]?.model ?? '?'}`);
  console.log('  aeronet metrics: on (serve --metrics-port 0), so the ratio is with metrics on');
  const rates: Record<string, number[]> = { aeronet: [], 'node:http2': [] };
  const measurements: Array<{ server: string; round: number; requestsPerSec: number }> = [];
  for (let round = 1; round <= runs; round++) {
    const order = round % 2 === 1 ? servers : [...servers].reverse();
    for (const cmd of order) {
      const server = await startServer(cmd);
      try {
        await checkHello(server.url);
        const url = server.url + ROUTE;
        await runH2load(h2load, url, [`-c${clients}`, `-m${streams}`, `-D${warmup}`]);
        const run = await runH2load(h2load, url, args);
        if (run.result === null) throw new BenchError(`${cmd.name}: could not read h2load's output:\n${run.raw}`);
        const problems = h2loadProblems(run.result);
        if (problems.length > 0) throw new BenchError(`BENCHMARK INVALID: h2load saw errors against ${cmd.name}: ${problems.join('; ')}\n${run.raw}`);
        rates[cmd.name]!.push(run.result.requestsPerSec);
        measurements.push({ server: cmd.name, round, requestsPerSec: run.result.requestsPerSec });
        console.log(`  round ${round}/${runs} ${cmd.name.padEnd(10)} ${formatInt(run.result.requestsPerSec).padStart(9)} req/s`);
      } finally {
        await server.stop();
      }
    }
  }
  const a = median(rates['aeronet']!);
  const b = median(rates['node:http2']!);
  const ratio = a / b;
  console.log(`aeronet ${formatInt(a)} req/s vs node:http2 ${formatInt(b)} req/s (medians): ${ratio.toFixed(2)}x (target >= ${TARGET_RATIO}x)`);
  const jsonPath = resolve(root, values.json!);
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify({ benchmark: 'h2', date: new Date().toISOString(), settings: { clients, streams, duration, warmup, runs, route: ROUTE, aeronetMetrics: true }, commands: Object.fromEntries(servers.map((s) => [s.name, describeCommand(s)])), summary: { aeronet: a, 'node:http2': b, ratio, target: TARGET_RATIO }, measurements }, null, 2) + '\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof BenchError ? err.message : err);
    process.exit(1);
  },
);
