/**
 * `npm run bench:logging`: what one log record costs, in-process, for our logger (createLogger
 * with its JSON sink) against pino, the usual fast Node logger, both writing the same shape of
 * line. Two cases, each the median of alternating rounds:
 *   (a) a record filtered out by level (a debug record on an info logger): the cost every log
 *       call site in the server pays when its level is off;
 *   (b) an access-log-sized record written (the `http.access` fields), to a null stream
 *       (formatting only), and to /dev/null: synchronously (what stderr is when it is a file or a
 *       pipe: one write(2) per record) and asynchronously (our fileSink, pino.destination
 *       {sync: false}), the time counted until everything is flushed.
 * pino is configured to write what ours writes (ISO time, level by name, event as the message
 * key, no pid or hostname), so the comparison is of the machinery, not of the line.
 *
 *   node dist/bench/logging.js [--records N] [--rounds N] [--json artifacts/bench-logging.json]
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { jsonLinesLogger, type Logger } from '../server/core/logger.js';
import { createLogger } from '../server/logging/create-logger.js';
import { fileSink } from '../server/logging/file-sink.js';
import { jsonSink } from '../server/logging/json-sink.js';
import { median } from './lib/stats.js';
import { packageRoot } from './lib/bench-support.js';

/** What one access record carries (server/logging/access-log.ts). */
const ACCESS = { method: 'GET', path: '/hello', route: '/hello', status: 200, bytes: 13, durationMs: 0, protocol: '1.1', connection: 12345, remote: '127.0.0.1', aborted: false };

/** A Writable that drops what it is given: formatting and stream machinery, no I/O. */
const nullStream = () => new Writable({ write(_chunk, _encoding, callback) { callback(); } });

/** stderr on a file or a pipe: Node writes it synchronously, one write(2) per record. */
function syncDevNull(): { stream: Writable; close(): void } {
  const fd = openSync('/dev/null', 'w');
  return { stream: new Writable({ write(chunk: Buffer, _e, cb) { writeSync(fd, chunk); cb(); } }), close: () => closeSync(fd) };
}

function pinoOptions(level: string): pino.LoggerOptions {
  return { level, base: null, messageKey: 'event', timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } };
}

interface Case {
  name: string;
  /** Make a fresh logger; `log` writes one record; `finish` flushes and releases (counted in the time). */
  make(): { log(): void; finish(): Promise<void> | void };
}

/**
 * A written record gets a fresh fields object, as the access log makes one per exchange; a
 * filtered one reuses one object, so (a) measures the logger's own work and not the caller's
 * allocation (which both loggers' callers pay alike).
 */
const ours = (filtered: boolean, make: () => { logger: Logger & { close?(): Promise<void> }; after?(): void }): Case['make'] => () => {
  const { logger, after } = make();
  return {
    log: filtered ? () => logger.log('debug', 'http.access', ACCESS) : () => logger.log('info', 'http.access', { ...ACCESS }),
    finish: async () => { await logger.close?.(); after?.(); },
  };
};

const viaPino = (filtered: boolean, make: () => { logger: pino.Logger; finish(): Promise<void> | void }): Case['make'] => () => {
  const { logger, finish } = make();
  return {
    log: filtered ? () => logger.debug(ACCESS, 'http.access') : () => logger.info({ ...ACCESS }, 'http.access'),
    finish,
  };
};

function cases(): { filtered: Case[]; written: Case[] } {
  const filtered: Case[] = [
    { name: 'ours (createLogger)', make: ours(true, () => ({ logger: createLogger({ level: 'info', sinks: [jsonSink({ stream: nullStream() })] }) })) },
    { name: 'jsonLinesLogger (before)', make: ours(true, () => ({ logger: jsonLinesLogger(() => {}, 'info') })) },
    { name: 'pino', make: viaPino(true, () => ({ logger: pino(pinoOptions('info'), nullStream()), finish: () => {} })) },
  ];
  const written: Case[] = [
    { name: 'ours -> null stream', make: ours(false, () => ({ logger: createLogger({ sinks: [jsonSink({ stream: nullStream() })] }) })) },
    { name: 'pino -> null stream', make: viaPino(false, () => ({ logger: pino(pinoOptions('info'), nullStream()), finish: () => {} })) },
    // pino's own default line (epoch-ms time, numeric level, pid and hostname): what its speed is usually quoted for.
    { name: 'pino default line -> null stream', make: viaPino(false, () => ({ logger: pino({ level: 'info' }, nullStream()), finish: () => {} })) },
    {
      name: 'ours -> /dev/null sync',
      make: ours(false, () => {
        const dev = syncDevNull();
        return { logger: createLogger({ sinks: [jsonSink({ stream: dev.stream })] }), after: dev.close };
      }),
    },
    {
      name: 'pino -> /dev/null sync',
      make: viaPino(false, () => {
        const dest = pino.destination({ dest: '/dev/null', sync: true });
        return { logger: pino(pinoOptions('info'), dest), finish: () => dest.end() };
      }),
    },
    { name: 'ours fileSink -> /dev/null (async)', make: ours(false, () => ({ logger: createLogger({ sinks: [fileSink('/dev/null')] }) })) },
    {
      name: 'pino -> /dev/null async',
      make: viaPino(false, () => {
        const dest = pino.destination({ dest: '/dev/null', sync: false });
        return {
          logger: pino(pinoOptions('info'), dest),
          finish: () => new Promise<void>((resolve) => {
            dest.flush(() => { dest.end(); resolve(); });
          }),
        };
      }),
    },
  ];
  return { filtered, written };
}

/**
 * ns per record for one round of `n` records. Written records give the event loop a turn every
 * 1,000, as a server's would, so asynchronous sinks can drain; filtered ones queue nothing, and a
 * turn would cost more than the records.
 */
async function round(c: Case, n: number, yieldEvery: number): Promise<number> {
  const logger = c.make();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    logger.log();
    if (i % yieldEvery === yieldEvery - 1) await yieldToLoop();
  }
  await logger.finish();
  return Number(process.hrtime.bigint() - start) / n;
}

async function measure(list: Case[], n: number, rounds: number, yieldEvery: number): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>(list.map((c) => [c.name, []]));
  for (const c of list) await round(c, Math.min(n, 50_000), yieldEvery); // warm-up: let V8 optimise each path
  for (let r = 0; r < rounds; r++) {
    // Alternate the order so no case always runs on a warmer or busier machine.
    const order = r % 2 === 0 ? list : [...list].reverse();
    for (const c of order) samples.get(c.name)!.push(await round(c, n, yieldEvery));
  }
  return new Map([...samples].map(([name, xs]) => [name, median(xs)]));
}

function print(title: string, results: Map<string, number>, pairs: Array<[string, string]>): void {
  console.log(`\n${title}`);
  for (const [name, ns] of results) console.log(`  ${name.padEnd(38)} ${ns.toFixed(1).padStart(9)} ns/record`);
  for (const [a, b] of pairs) console.log(`  ratio ${a} / ${b}: ${(results.get(a)! / results.get(b)!).toFixed(2)}x`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { records: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' }, json: { type: 'string', default: 'artifacts/bench-logging.json' } } });
  const records = Number(values.records);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(records) || records < 1000 || !Number.isInteger(rounds) || rounds < 1) throw new Error('usage: logging [--records N>=1000] [--rounds N]');
  console.log(`bench:logging  ${records} records per round, median of ${rounds} rounds | node ${process.version} | pino ${pino.version} | ${cpus().length} CPU(s)`);
  const { filtered, written } = cases();
  // Filtered records are nearly free: many more of them for a stable figure.
  const a = await measure(filtered, records * 10, rounds, Number.MAX_SAFE_INTEGER);
  print('(a) filtered out by level (debug record, info logger)', a, [['ours (createLogger)', 'pino']]);
  const b = await measure(written, records, rounds, 1000);
  print('(b) access-log record written', b, [['ours -> null stream', 'pino -> null stream'], ['ours -> /dev/null sync', 'pino -> /dev/null sync'], ['ours fileSink -> /dev/null (async)', 'pino -> /dev/null async']]);
  const jsonPath = resolve(packageRoot(), values.json!);
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify({ benchmark: 'logging', date: new Date().toISOString(), records, rounds, node: process.version, pino: pino.version, nsPerRecord: { filtered: Object.fromEntries(a), written: Object.fromEntries(b) } }, null, 2) + '\n');
  console.log(`\nresults: ${jsonPath}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
