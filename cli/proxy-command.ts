import { readFileSync } from 'node:fs';
import { ApiError } from '../harness/proxy/api/api-error.js';
import { decodePopulateBody, scanBody, type PopulateEntry } from '../harness/proxy/api/request-bodies.js';
import { openFaultProxy, StartupPopulateError } from '../harness/proxy/fault-proxy.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

const SEED = /^[A-Za-z0-9._-]{1,64}$/;
const BAD_BODY = 'bad request body: ';

/** A config problem: `aeronet: --config <file>: <reason>`, exit 2. */
class ConfigError extends Error {}

function withoutPrefix(message: string): string {
  return message.startsWith(BAD_BODY) ? message.slice(BAD_BODY.length) : message;
}

/**
 * `--config FILE`: a JSON array in /populate's format, decoded with the same Go rules. Toxiproxy
 * only logs a bad file and starts anyway; we refuse to start (exit 2), so a typo cannot go unseen.
 */
function readConfig(file: string): PopulateEntry[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new ConfigError(`cannot read it (${(err as Error).message})`);
  }
  if (bytes.toString('utf8').trim() === '') throw new ConfigError('the file is empty; expected a JSON array of proxies (the /populate format)');
  let kind: string;
  try {
    kind = scanBody(bytes).kind;
  } catch (err) {
    throw new ConfigError(`invalid JSON: ${withoutPrefix((err as Error).message)}`);
  }
  if (kind !== 'array' && kind !== 'null') throw new ConfigError(`expected a JSON array of proxies (the /populate format), got ${kind === 'object' || kind === 'array' ? 'an' : 'a'} ${kind}`);
  try {
    return decodePopulateBody(bytes);
  } catch (err) {
    throw new ConfigError(err instanceof ApiError ? withoutPrefix(err.message) : String(err));
  }
}

/**
 * `aeronet proxy`: the Toxiproxy-compatible fault proxy as a process. Its control API speaks
 * Toxiproxy 2.12 (any Toxiproxy client works); the URL is printed on stdout once listening.
 */
export async function proxyCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8474' },
    config: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'no-metrics': { type: 'boolean', default: false },
  });
  if (values.host === '') throw new UsageError('--host must not be empty');
  if (!/^[0-9]{1,5}$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  if (!SEED.test(values.seed)) throw new UsageError(`--seed must be 1 to 64 characters from A-Z a-z 0-9 . _ -, got "${values.seed}"`);

  const configFile = values.config;
  let initialProxies: PopulateEntry[] | undefined;
  if (configFile !== undefined) {
    try {
      initialProxies = readConfig(configFile);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      process.stderr.write(`aeronet: --config ${configFile}: ${err.message}\n`);
      return 2;
    }
  }

  let proxy;
  try {
    proxy = await openFaultProxy(
      { host: values.host, port: Number(values.port), seed: values.seed, metrics: !values['no-metrics'] },
      initialProxies !== undefined ? { initialProxies } : {},
    );
  } catch (err) {
    if (err instanceof StartupPopulateError) {
      process.stderr.write(`aeronet: --config ${configFile}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`aeronet proxy: cannot listen on ${values.host}:${values.port}: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`aeronet proxy listening on ${proxy.url} (seed ${proxy.seed})\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stdout.write(`aeronet proxy: ${signal}, closing\n`);
      void proxy.close().then(() => resolve());
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
