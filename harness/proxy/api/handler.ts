import type { ProxyRegistry } from '../registry/registry.js';
import type { Reply } from './reply.js';

/** The control API's settings (harness/proxy/fault-proxy.ts fills them from FaultProxyOptions). */
export interface ControlApiSettings {
  /** What GET /version reports (reference §4; "2.12.0" by default so version-checking clients work). */
  version: string;
  /** Whether the /metrics route exists (reference §4: off unless -proxy-metrics; ours is on by default). */
  metrics: boolean;
  /** Largest request body read, in bytes (ours; Toxiproxy has none). */
  maxBodyBytes: number;
  /** Go's http.TimeoutHandler around every routed handler (reference §1: 25 s). */
  handlerTimeoutMs: number;
}

/** What an endpoint gets: its path variables, the registry, and the request body on demand. */
export interface HandlerContext {
  params: Readonly<Record<string, string>>;
  registry: ProxyRegistry;
  settings: ControlApiSettings;
  /** The whole body (at most maxBodyBytes, else a BodyTooLarge error that becomes a 413). */
  body(): Promise<Buffer>;
}

export type Handler = (ctx: HandlerContext) => Promise<Reply>;

/** A path variable the router guarantees is there. */
export function param(ctx: HandlerContext, name: 'proxy' | 'toxic'): string {
  const v = ctx.params[name];
  if (v === undefined) throw new Error(`route has no {${name}}`);
  return v;
}
