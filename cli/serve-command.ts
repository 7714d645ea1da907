import { statSync } from 'node:fs';
import type { LogLevel } from '../server/core/logger.js';
import { createLogger } from '../server/logging/create-logger.js';
import { jsonSink } from '../server/logging/json-sink.js';
import { prettySink } from '../server/logging/pretty-sink.js';
import { fileSink, LogFileError } from '../server/logging/file-sink.js';
import type { LogSink } from '../server/logging/sink.js';
import { startMetricsListener } from '../server/metrics/metrics-listener.js';
import { createDemoRouter } from '../server/demo/demo-routes.js';
import { serveStatic } from '../server/static/index.js';
import { createServer } from '../server/server.js';
import { keyLogBanner, SERVE_TLS_FLAGS, tlsConfigFromFlags } from './serve-tls-flags.js';
import { systemClock } from '../server/transport/system-clock.js';
import { countingClock } from '../server/transport/counting-clock.js';
import { startDebugListener } from '../server/debug/debug-registry.js';
import { UsageError } from './usage-error.js';
import { parseFlags } from './parse-flags.js';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const LOG_FORMATS = ['json', 'pretty', 'auto'] as const;

/** `--log-format`: auto is pretty for a person at a terminal, JSON lines for everything else (tests, the harness, shippers). */
function stderrSink(format: (typeof LOG_FORMATS)[number]): LogSink {
  const pretty = format === 'pretty' || (format === 'auto' && process.stderr.isTTY === true);
  return pretty ? prettySink() : jsonSink();
}

function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`${flag} must be an integer from 0 to 65535, got "${value}"`);
  return Number(value);
}

/** `--timeout name=ms`: the server's timeouts by name (Http1Timeouts, Http2Timeouts). */
const TIMEOUTS = {
  headers: ['http1', 'headersMs'],
  body: ['http1', 'bodyMs'],
  'keep-alive': ['http1', 'keepAliveMs'],
  'send-stall': ['http1', 'sendStallMs'],
  linger: ['http1', 'lingerMs'],
  'h2-idle': ['http2', 'idleMs'],
  'h2-settings-ack': ['http2', 'settingsAckMs'],
  'h2-send-stall': ['http2', 'sendStallMs'],
} as const;

function parseTimeouts(raw: readonly string[]): { http1: Record<string, number>; http2: Record<string, number> } {
  const out = { http1: {} as Record<string, number>, http2: {} as Record<string, number> };
  for (const item of raw) {
    const m = /^([a-z0-9-]+)=([0-9]{1,9})$/.exec(item);
    const target = m ? TIMEOUTS[m[1] as keyof typeof TIMEOUTS] : undefined;
    if (!m || target === undefined) throw new UsageError(`--timeout must be <name>=<ms> with name one of ${Object.keys(TIMEOUTS).join(', ')} (0 disables), got "${item}"`);
    out[target[0]][target[1]] = Number(m[2]);
  }
  return out;
}

/** `aeronet serve`: the demo server, one process, URL on stdout once listening. */
export async function serveCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    ...SERVE_TLS_FLAGS,
    'connect-allow': { type: 'string', multiple: true },
    'log-level': { type: 'string', default: 'info' },
    'no-compression': { type: 'boolean', default: false },
    'debug-port': { type: 'string' },
    static: { type: 'string' },
    timeout: { type: 'string', multiple: true },
    'log-format': { type: 'string', default: 'auto' },
    'log-file': { type: 'string' },
    'access-log': { type: 'boolean', default: false },
    'metrics-port': { type: 'string' },
    'metrics-host': { type: 'string' },
  });
  const timeouts = parseTimeouts(values.timeout ?? []);
  if (!/^[0-9]{1,5}$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  const debugPort = values['debug-port'];
  if (debugPort !== undefined && (!/^[0-9]{1,5}$/.test(debugPort) || Number(debugPort) > 65535)) throw new UsageError(`--debug-port must be an integer from 0 to 65535, got "${debugPort}"`);
  const staticDir = values.static;
  if (staticDir !== undefined) {
    let stat;
    try {
      stat = statSync(staticDir);
    } catch {
      throw new UsageError(`--static must name a directory, and "${staticDir}" does not exist`);
    }
    if (!stat.isDirectory()) throw new UsageError(`--static must name a directory, and "${staticDir}" is not one`);
  }
  const level = values['log-level'] as LogLevel;
  if (!LEVELS.includes(level)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, got "${values['log-level']}"`);
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--tls-cert and --tls-key must be given together');
  const logFormat = values['log-format'] as (typeof LOG_FORMATS)[number];
  if (!LOG_FORMATS.includes(logFormat)) throw new UsageError(`--log-format must be one of ${LOG_FORMATS.join(', ')}, got "${values['log-format']}"`);
  const logFile = values['log-file'];
  if (logFile === '') throw new UsageError('--log-file needs a path');
  const metricsPort = parsePort(values['metrics-port'], '--metrics-port');
  const metricsHost = values['metrics-host'];
  if (metricsHost !== undefined && metricsPort === undefined) throw new UsageError('--metrics-host needs --metrics-port');
  if (metricsHost === '') throw new UsageError('--metrics-host needs an address');

  // The log file is opened here, once: a path that cannot be written stops start-up (exit 2).
  const sinks: LogSink[] = [stderrSink(logFormat)];
  if (logFile !== undefined) {
    try {
      sinks.push(fileSink(logFile));
    } catch (err) {
      if (err instanceof LogFileError) throw new UsageError(`--log-file: ${err.message}`);
      throw err;
    }
  }
  // Client-certificate policies, SNI entries, ticket rotation, key log, OCSP (serve-tls-flags.ts).
  const tlsConfig = tlsConfigFromFlags(values);
  // Loud on purpose, before the server's own warn record: this file decrypts all of its traffic.
  if (typeof tlsConfig?.keyLog === 'string') process.stderr.write(keyLogBanner(tlsConfig.keyLog));
  const connectAllow = values['connect-allow'];
  // The counting clock only when the debug registry is asked for: it reports pending timers.
  const clock = debugPort !== undefined ? countingClock(systemClock) : null;
  const logger = createLogger({ level, sinks, clock: clock ?? systemClock });
  let server;
  try {
    server = createServer({
      ...(clock ? { clock } : {}),
      handler: demoRoutes(staticDir, !values['no-compression']).handle,
      logger,
      ...(values['access-log'] ? { accessLog: true } : {}),
      ...(metricsPort !== undefined ? { metrics: true } : {}),
      ...(tlsConfig ? { tls: tlsConfig } : {}),
      ...(connectAllow && connectAllow.length > 0 ? { connect: { allow: connectAllow } } : {}),
      ...(values['no-compression'] ? { compression: false as const } : {}),
      ...(Object.keys(timeouts.http1).length > 0 ? { timeouts: timeouts.http1 } : {}),
      ...(Object.keys(timeouts.http2).length > 0 ? { http2: { timeouts: timeouts.http2 } } : {}),
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { url } = await server.listen({ port: Number(values.port), host: values.host });
  process.stdout.write(`aeronet listening on ${url}\n`);
  // After the listening line, which benches and tests read for the server's URL.
  let metricsListener: { url: string; close(): Promise<void> } | null = null;
  if (metricsPort !== undefined) {
    metricsListener = await startMetricsListener(server, { host: metricsHost ?? '127.0.0.1', port: metricsPort });
    process.stdout.write(`aeronet metrics on ${metricsListener.url}\n`);
  }
  let debug: { url: string; close(): Promise<void> } | null = null;
  if (clock !== null && debugPort !== undefined) {
    debug = await startDebugListener(server, clock, { host: '127.0.0.1', port: Number(debugPort) });
    process.stdout.write(`aeronet debug registry on ${debug.url}\n`);
  }

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(`aeronet: ${signal}, draining\n`);
      void Promise.all([server.close({ deadlineMs: 5000 }), debug?.close(), metricsListener?.close()])
        .then(() => logger.close()) // the log file is flushed before the process exits
        .then(() => resolve());
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

/** The demo routes, plus `serveStatic(dir)` under /static/ with `--static DIR`. */
function demoRoutes(staticDir: string | undefined, compression: boolean) {
  const router = createDemoRouter();
  if (staticDir !== undefined) router.get('/static/*', serveStatic(staticDir, { onTheFlyCompression: compression }));
  return router;
}
