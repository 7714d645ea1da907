import { jsonLinesLogger, type LogLevel } from '../core/logger.js';
import { createDemoRouter } from '../demo/demo-routes.js';
import { createServer } from '../server.js';
import { loadTlsConfigFromFiles } from '../tls/tls-config.js';
import { UsageError } from './usage-error.js';
import { parseFlags } from './parse-flags.js';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

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
  });
  if (!/^[0-9]{1,5}$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
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
  let server;
  try {
    server = createServer({
      handler: createDemoRouter().handle,
      logger,
      ...(tlsConfig ? { tls: tlsConfig } : {}),
      ...(connectAllow && connectAllow.length > 0 ? { connect: { allow: connectAllow } } : {}),
      ...(values['no-compression'] ? { compression: false as const } : {}),
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { url } = await server.listen({ port: Number(values.port), host: values.host });
  process.stdout.write(`aeronet listening on ${url}\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(`aeronet: ${signal}, draining\n`);
      void server.close({ deadlineMs: 5000 }).then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
