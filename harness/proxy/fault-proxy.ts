/**
 * A fault proxy: Toxiproxy 2.12's control API (harness/proxy/api/) over a registry of proxies
 * (harness/proxy/registry/) whose data plane is harness/proxy/runtime/. Every toxicity draw and
 * random choice is seeded (`${seed}/${proxy}`) and logged, and every applied change is logged, so
 * a run can be explained and replayed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProxyRuntimeFactory, ToxicDecision, WireEvent } from './model.js';
import { createProxyRuntime } from './runtime/index.js';
import { createControlApi, DEFAULT_SETTINGS } from './api/control-api.js';
import { decodePopulateBody, type PopulateEntry } from './api/request-bodies.js';
import { ApiError } from './api/api-error.js';
import { PopulateError, ProxyRegistry } from './registry/registry.js';
import type { ProxyEvent } from './registry/events.js';

export interface FaultProxyOptions {
  /** Roots every random stream (default '1'). */
  seed?: string | number;
  /** Control API host (default '127.0.0.1'). */
  host?: string;
  /** Control API port (default 0: any free port). */
  port?: number;
  /** Serve /metrics (default true; Toxiproxy needs -proxy-metrics). `false`: /metrics is the 404 page. */
  metrics?: boolean;
  /** What GET /version reports (default '2.12.0'). */
  version?: string;
  /** How proxies get their data plane (default createProxyRuntime). */
  runtimeFactory?: ProxyRuntimeFactory;
  /** Capture every proxied connection's two legs (for an artifact's capture.pcap); off by default. */
  onWire?: (e: WireEvent) => void;
}

export interface FaultProxy {
  /** The control API, `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly seed: string;
  /** Every toxicity draw and random choice so far, in order. */
  decisions(): ToxicDecision[];
  /** Every applied change so far, in order. */
  events(): ProxyEvent[];
  /** Same semantics as POST /populate; throws an Error with the API's message on failure. */
  populate(entries: unknown): Promise<void>;
  /** Close the API server, every proxy listener and every proxied connection. Idempotent. */
  close(): Promise<void>;
}

/** Before the control API listens (aeronet proxy --config). */
export interface FaultProxyStartup {
  /** Applied like POST /populate first; on failure everything is stopped and StartupPopulateError thrown. */
  initialProxies?: readonly PopulateEntry[];
}

/** The startup populate failed: nothing is left listening. */
export class StartupPopulateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupPopulateError';
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A JS value as the body POST /populate would get, decoded with the same Go rules. */
function populateEntries(entries: unknown): PopulateEntry[] {
  let text: string | undefined;
  try {
    text = JSON.stringify(entries);
  } catch (err) {
    throw new ApiError(`bad request body: ${messageOf(err)}`, 400);
  }
  return decodePopulateBody(Buffer.from(text ?? '', 'utf8'));
}

export function createFaultProxy(options: FaultProxyOptions = {}): Promise<FaultProxy> {
  return openFaultProxy(options, {});
}

export async function openFaultProxy(options: FaultProxyOptions, startup: FaultProxyStartup): Promise<FaultProxy> {
  const startedAt = performance.now();
  const seed = String(options.seed ?? '1');
  const host = options.host ?? '127.0.0.1';
  const log: ToxicDecision[] = [];
  const registry = new ProxyRegistry({
    seed,
    runtimeFactory: options.runtimeFactory ?? createProxyRuntime,
    onDecision: (d) => log.push(d),
    ...(options.onWire ? { onWire: options.onWire } : {}),
    startedAt,
  });

  if (startup.initialProxies !== undefined) {
    try {
      await registry.populate(startup.initialProxies);
    } catch (err) {
      await registry.close();
      throw new StartupPopulateError(messageOf(err));
    }
  }

  const listener = createControlApi(registry, {
    ...DEFAULT_SETTINGS,
    version: options.version ?? DEFAULT_SETTINGS.version,
    metrics: options.metrics ?? DEFAULT_SETTINGS.metrics,
  });
  // Go's server: 15 s to read a request, 60 s idle keep-alive (reference §1).
  const server = http.createServer({ requestTimeout: 15_000, headersTimeout: 15_000, keepAliveTimeout: 60_000 }, listener);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await registry.close();
    throw err;
  }
  server.on('error', () => {});
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    seed,
    decisions: () => log.map((d) => ({ ...d })),
    events: () => registry.events.list(),
    async populate(entries: unknown): Promise<void> {
      try {
        await registry.populate(populateEntries(entries));
      } catch (err) {
        throw new Error(err instanceof PopulateError ? err.error.message : messageOf(err));
      }
    },
    close(): Promise<void> {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await registry.close();
      })();
      return closing;
    },
  };
}
