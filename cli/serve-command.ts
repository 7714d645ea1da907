import { jsonLinesLogger, type LogLevel } from '../server/core/logger.js';
import { createDemoRouter } from '../server/demo/demo-routes.js';
import { createServer } from '../server/server.js';
import { loadTlsConfigFromFiles } from '../server/tls/tls-config.js';
import { systemClock } from '../server/transport/system-clock.js';
import { countingClock } from '../server/transport/counting-clock.js';
import { startDebugListener } from '../server/debug/debug-registry.js';
import { UsageError } from './usage-error.js';
import { parseFlags } from './parse-flags.js';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

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
    'connect-allow': { type: 'string', multiple: true },
    'log-level': { type: 'string', default: 'info' },
    'no-compression': { type: 'boolean', default: false },
    'debug-port': { type: 'string' },
    timeout: { type: 'string', multiple: true },
  });
  const timeouts = parseTimeouts(values.timeout ?? []);
  if (!/^[0-9]{1,5}$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  const debugPort = values['debug-port'];
  if (debugPort !== undefined && (!/^[0-9]{1,5}$/.test(debugPort) || Number(debugPort) > 65535)) throw new UsageError(`--debug-port must be an integer from 0 to 65535, got "${debugPort}"`);
  const level = values['log-level'] as LogLevel;
  if (!LEVELS.includes(level)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, got "${values['log-level']}"`);
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--tls-cert and --tls-key must be given together');

  const logger = jsonLinesLogger((line) => process.stderr.write(line), level);
  let tlsConfig;
  if (certFile !== undefined && keyFile !== undefined) {
    try {
      tlsConfig = loadTlsConfigFromFiles({ certFile, keyFile });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const connectAllow = values['connect-allow'];
  // The counting clock only when the debug registry is asked for: it reports pending timers.
  const clock = debugPort !== undefined ? countingClock(systemClock) : null;
  let server;
  try {
    server = createServer({
      ...(clock ? { clock } : {}),
      handler: createDemoRouter().handle,
      logger,
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
  let debug: { url: string; close(): Promise<void> } | null = null;
  if (clock !== null && debugPort !== undefined) {
    debug = await startDebugListener(server, clock, { host: '127.0.0.1', port: Number(debugPort) });
    process.stdout.write(`aeronet debug registry on ${debug.url}\n`);
  }

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(`aeronet: ${signal}, draining\n`);
      void Promise.all([server.close({ deadlineMs: 5000 }), debug?.close()]).then(() => resolve());
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
