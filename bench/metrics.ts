/**
 * `npm run bench:metrics`: what metrics cost per request, in-process, for our registry
 * (server/metrics) against prom-client, the usual Prometheus client for Node, and what they add to
 * the HTTP/1.1 core's whole per-request cost. Three parts, each the median of alternating rounds:
 *   (1) one exchange's updates alone: requests in flight up and down, the requests counter by
 *       route, method and status class, and the latency histogram by route and status class.
 *       prom-client twice: looking the children up by label values per request (its usual use),
 *       and with children bound once per label combination and kept (its best case);
 *   (2) the HTTP/1.1 core per GET /hello (as bench:h1-core: no sockets), metrics off and on, and
 *       the access log on with the logger at warn (filtered: nothing is built) and at info;
 *   (3) one scrape of the same series: expose() against prom-client's registry.metrics().
 *
 * Times are CPU time (user + system) of the measuring process, not wall time, so that other
 * processes on a shared machine count less.
 *
 *   node dist/bench/metrics.js [--requests N] [--rounds N]
 */
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import client from 'prom-client';
import type { FinishedExchange } from '../server/core/exchange-observer.js';
import { createServer } from '../server/server.js';
import { createDemoRouter } from '../server/demo/demo-routes.js';
import { createLogger } from '../server/logging/create-logger.js';
import { jsonSink } from '../server/logging/json-sink.js';
import { ServerMetrics } from '../server/metrics/server-metrics.js';
import { STATUS_CLASSES, statusClassIndex } from '../server/metrics/labels.js';
import { NullTransport, REQUEST } from './lib/null-transport.js';
import { median } from './lib/stats.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The exchanges part (1) cycles through: a few routes and statuses, as a demo server sees. */
function exchanges(): FinishedExchange[] {
  const make = (method: string, route: string, status: number, ms: number): FinishedExchange => ({
    request: { method, route, path: route, httpVersion: '1.1', remoteAddress: '127.0.0.1' } as FinishedExchange['request'],
    status, bodyBytesSent: 13, startedAt: 1_000_000, endedAt: 1_000_000 + ms, connectionId: 1, streamId: 0, aborted: false,
  });
  return [make('GET', '/hello', 200, 0), make('GET', '/bytes/:n', 200, 3), make('POST', '/echo', 200, 1), make('GET', '(unmatched)', 404, 0)];
}

type Updater = (ex: FinishedExchange) => void;

function ourUpdater(): Updater {
  const metrics = new ServerMetrics();
  return (ex) => {
    metrics.exchangeStarted();
    metrics.exchangeFinished(ex);
  };
}

function promFamilies() {
  const registry = new client.Registry();
  return {
    registry,
    requests: new client.Counter({ name: 'aeronet_http_requests_total', help: 'requests', labelNames: ['route', 'method', 'status_class'], registers: [registry] }),
    latency: new client.Histogram({ name: 'aeronet_http_request_duration_seconds', help: 'latency', labelNames: ['route', 'status_class'], buckets: LATENCY_BUCKETS, registers: [registry] }),
    inFlight: new client.Gauge({ name: 'aeronet_http_requests_in_flight', help: 'in flight', registers: [registry] }),
  };
}

/** prom-client as it is usually called: label values per request. */
function promLookupUpdater(): Updater {
  const f = promFamilies();
  return (ex) => {
    f.inFlight.inc();
    const cls = STATUS_CLASSES[statusClassIndex(ex.status)]!;
    f.inFlight.dec();
    f.requests.labels(ex.request.route, ex.request.method, cls).inc();
    f.latency.labels(ex.request.route, cls).observe((ex.endedAt - ex.startedAt) / 1000);
  };
}

/** prom-client at its best: the children for each label combination bound once and kept. */
function promBoundUpdater(): Updater {
  const f = promFamilies();
  const bound = new Map<string, { requests: ReturnType<typeof f.requests.labels>; latency: ReturnType<typeof f.latency.labels> }>();
  return (ex) => {
    f.inFlight.inc();
    const cls = STATUS_CLASSES[statusClassIndex(ex.status)]!;
    const key = `${ex.request.route} ${ex.request.method} ${cls}`;
    let children = bound.get(key);
    if (children === undefined) bound.set(key, (children = { requests: f.requests.labels(ex.request.route, ex.request.method, cls), latency: f.latency.labels(ex.request.route, cls) }));
    f.inFlight.dec();
    children.requests.inc();
    children.latency.observe((ex.endedAt - ex.startedAt) / 1000);
  };
}

/**
 * CPU time of this process (user + system), in ns: on a shared machine, wall time also counts the
 * time other processes had the core, which is noise to a per-request figure.
 */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function perExchange(update: Updater, list: FinishedExchange[], n: number): number {
  const start = cpuNs();
  for (let i = 0; i < n; i++) update(list[i & 3]!);
  return (cpuNs() - start) / n;
}

// ---- (2) the HTTP/1.1 core, as bench/h1-core.ts ----


type CoreVariant = { name: string; options: () => Parameters<typeof createServer>[0] };

function coreVariants(): CoreVariant[] {
  const handler = createDemoRouter().handle;
  const nullStream = () => new Writable({ write(_c, _e, cb) { cb(); } });
  const base = { handler, maxRequestsPerConnection: 2 ** 31 };
  return [
    { name: 'metrics off', options: () => ({ ...base }) },
    { name: 'metrics on', options: () => ({ ...base, metrics: true }) },
    { name: 'metrics on, access log (level warn)', options: () => ({ ...base, metrics: true, accessLog: true, logger: createLogger({ level: 'warn', sinks: [jsonSink({ stream: nullStream() })] }) }) },
    { name: 'metrics on, access log (info, null stream)', options: () => ({ ...base, metrics: true, accessLog: true, logger: createLogger({ level: 'info', sinks: [jsonSink({ stream: nullStream() })] }) }) },
  ];
}

/** ns per GET /hello through one connection; each request its own turn, as a socket delivers them. */
async function perRequest(variant: CoreVariant, n: number): Promise<number> {
  const server = createServer(variant.options());
  const transport = new NullTransport();
  server.accept(transport);
  const start = cpuNs();
  for (let i = 0; i < n; i++) {
    transport.events!.onData(Buffer.from(REQUEST));
    await undefined;
  }
  const ns = (cpuNs() - start) / n;
  if (transport.written / n < 100) throw new Error(`${variant.name}: responses went missing`);
  if (server.metrics !== null && server.metrics.snapshot().requests.total !== n) throw new Error(`${variant.name}: the metrics lost requests`);
  return ns;
}

/** Part (2) runs each variant in a process of its own, as production runs one configuration: no JIT state shared between them. */
function runCoreChild(variant: string, n: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [fileURLToPath(import.meta.url), '--core', variant, '--requests', String(n)], { timeout: 300_000 }, (err, stdout, stderr) => {
      if (err !== null) return reject(new Error(`${variant}: ${err.message}\n${stderr}`));
      resolvePromise(Number(stdout.trim()));
    });
  });
}

async function coreChild(name: string, n: number): Promise<void> {
  const variant = coreVariants().find((v) => v.name === name);
  if (variant === undefined) throw new Error(`no variant ${name}`);
  await perRequest(variant, 200_000); // warm up the JIT
  process.stdout.write(`${await perRequest(variant, n)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '7' }, core: { type: 'string' } } });
  const n = Number(values.requests);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(n) || n < 10_000 || !Number.isInteger(rounds) || rounds < 1) throw new Error('usage: metrics [--requests N>=10000] [--rounds N]');
  if (values.core !== undefined) return coreChild(values.core, n);
  console.log(`bench:metrics  median (and min) of ${rounds} rounds | node ${process.version} | prom-client ${(await import('prom-client/package.json', { with: { type: 'json' } })).default.version} | ${cpus().length} CPU(s)`);

  const list = exchanges();
  const updaters: Array<[string, () => Updater]> = [['ours (ServerMetrics)', ourUpdater], ['prom-client, labels() per request', promLookupUpdater], ['prom-client, children bound once', promBoundUpdater]];
  const one = new Map<string, number[]>(updaters.map(([name]) => [name, []]));
  for (const [, make] of updaters) perExchange(make(), list, 200_000); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [name, make] of r % 2 === 0 ? updaters : [...updaters].reverse()) one.get(name)!.push(perExchange(make(), list, n));
  }
  console.log('\n(1) one exchange\'s metric updates (in flight +1/-1, requests counter, latency histogram)');
  const ourNs = median(one.get('ours (ServerMetrics)')!);
  for (const [name, xs] of one) console.log(`  ${name.padEnd(36)} ${median(xs).toFixed(1).padStart(8)} CPU ns/request (min ${Math.min(...xs).toFixed(1)})  ${(median(xs) / ourNs).toFixed(1)}x ours`);

  const variants = coreVariants();
  const core = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const coreN = Math.max(50_000, Math.floor(n / 2));
  for (let r = 0; r < rounds; r++) {
    for (const v of r % 2 === 0 ? variants : [...variants].reverse()) core.get(v.name)!.push(await runCoreChild(v.name, coreN));
  }
  console.log(`\n(2) HTTP/1.1 core per GET /hello (${coreN} requests per round, each variant in its own process, JS only)`);
  const off = median(core.get('metrics off')!);
  const offMin = Math.min(...core.get('metrics off')!);
  for (const [name, xs] of core) {
    const ns = median(xs);
    const min = Math.min(...xs);
    console.log(`  ${name.padEnd(42)} ${ns.toFixed(0).padStart(6)} CPU ns/request (min ${min.toFixed(0)})  median ${ns >= off ? '+' : ''}${((ns / off - 1) * 100).toFixed(1)}%, min ${min >= offMin ? '+' : ''}${((min / offMin - 1) * 100).toFixed(1)}%`);
  }

  // (3) A scrape, with the series the exchanges above made.
  const ours = new ServerMetrics();
  const prom = promFamilies();
  for (const ex of list) {
    ours.exchangeStarted();
    ours.exchangeFinished(ex);
    const cls = STATUS_CLASSES[statusClassIndex(ex.status)]!;
    prom.requests.labels(ex.request.route, ex.request.method, cls).inc();
    prom.latency.labels(ex.request.route, cls).observe(0);
  }
  const scrapes = 2000;
  let t = process.hrtime.bigint();
  for (let i = 0; i < scrapes; i++) ours.expose();
  const oursScrape = Number(process.hrtime.bigint() - t) / scrapes / 1000;
  t = process.hrtime.bigint();
  for (let i = 0; i < scrapes; i++) await prom.registry.metrics();
  const promScrape = Number(process.hrtime.bigint() - t) / scrapes / 1000;
  console.log(`\n(3) one scrape: ours ${oursScrape.toFixed(1)} µs (${ours.expose().split('\n').length} lines, every aeronet family), prom-client ${promScrape.toFixed(1)} µs (3 families only)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
