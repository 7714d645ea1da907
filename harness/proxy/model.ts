/**
 * The proxy layer's shared model: what the Toxiproxy-compatible control API (harness/proxy/api/)
 * asks of the data plane (harness/proxy/runtime/), and the JSON shapes both speak. Toxiproxy 2.12
 * is the reference (../shared/reference/toxiproxy-api.md): names, defaults and semantics follow it.
 */

/** upstream = client -> server; downstream = server -> client (Toxiproxy's words). */
export type Direction = 'upstream' | 'downstream';

/** The toxic types a proxy knows, with their attribute names (every one is present, 0 by default). */
export const TOXIC_ATTRIBUTES = {
  latency: ['latency', 'jitter'],
  bandwidth: ['rate'],
  slow_close: ['delay'],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
  slicer: ['average_size', 'size_variation', 'delay'],
  limit_data: ['bytes'],
  noop: [],
} as const satisfies Record<string, readonly string[]>;

export type ToxicType = keyof typeof TOXIC_ATTRIBUTES;

/** One toxic as configured (and as the API returns it, less `direction`). */
export interface ToxicConfig {
  name: string;
  type: ToxicType;
  /** The stream string as the client sent it ("UpStream" stays "UpStream"); `direction` is its meaning. */
  stream: string;
  direction: Direction;
  /** The chance that the toxic acts on a given link (drawn once per link when the toxic starts there). */
  toxicity: number;
  attributes: Record<string, number>;
}

/** A toxicity draw or another random choice a toxic made, recorded so a run can be replayed. */
export interface ToxicDecision {
  /** ms since the proxy started (real time). */
  at: number;
  proxy: string;
  /** Connection number within the proxy, from 1 in accept order. */
  connection: number;
  direction: Direction;
  toxic: string;
  /** 'toxicity' (value: the draw, active: whether the toxic acts), 'jitter' (value: ms), 'slice' (value: bytes). */
  kind: 'toxicity' | 'jitter' | 'slice';
  value: number;
  active?: boolean;
}

/** Byte counters as Toxiproxy's /metrics reports them: added when a link finishes. */
export interface LinkTotals {
  direction: Direction;
  received: number;
  sent: number;
}

/**
 * One proxy's data plane: a listener, the upstream it dials for each accepted connection, and the
 * toxic chains of both directions on every live connection. Created and driven by the registry
 * behind the control API; it never decides API semantics (validation, defaults, naming).
 */
export interface ProxyRuntime {
  readonly name: string;
  /** Start listening on `listen` ("host:port", port 0 for any); resolves to the bound address as Toxiproxy reports it ("127.0.0.1:39989", "[::]:39989" for an empty host). Rejects with Go's error text on failure ("listen tcp 127.0.0.1:3310: bind: address already in use"). */
  start(listen: string): Promise<string>;
  /** Close the listener and every connection (clients see EOF). Idempotent. */
  stop(): Promise<void>;
  readonly running: boolean;
  /** Where new connections go ("host:port"); existing ones keep theirs. */
  upstream: string;
  /** Append to its direction's chain, on every live connection too (toxicity drawn for each). */
  addToxic(toxic: ToxicConfig): void;
  /** New attributes/toxicity for a toxic already added (restarted on every live link, toxicity re-drawn). */
  updateToxic(toxic: ToxicConfig): void;
  /** Remove from the chain and from every live link: buffered data is flushed, not dropped; a timeout toxic's removal closes the proxy's connections. */
  removeToxic(name: string): void;
  /** Live connection count. */
  readonly connections: number;
  /** Totals of finished links so far, for /metrics. */
  totals(): LinkTotals[];
}

/**
 * What one proxied connection did on the wire, for the artifact's capture (both legs: the client's
 * connection to the proxy, and the proxy's connection to the server). `from` names the leg's
 * initiating end ('client') or accepting end ('server'): on the client leg the proxy is the
 * 'server', on the server leg it is the 'client'. Data is recorded as handed over, not as TCP
 * segmented it; closes are FIN unless the socket was reset.
 */
export interface WireEvent {
  /** Wall time, ms since the Unix epoch (fractional): captures carry real timestamps. */
  at: number;
  proxy: string;
  /** The connection number (as in ToxicDecision). */
  connection: number;
  leg: 'client' | 'server';
  kind: 'open' | 'data' | 'fin' | 'rst';
  from: 'client' | 'server';
  bytes?: Buffer;
  /** On 'open': the leg's real addresses. */
  endpoints?: { clientAddress: string; clientPort: number; serverAddress: string; serverPort: number };
}

export interface ProxyRuntimeOptions {
  /** Roots every random stream of that proxy. */
  seed: string;
  onDecision: (d: ToxicDecision) => void;
  /** When set, every byte relayed and every open/close on both legs is reported (costs a copy-free callback per read and write). */
  onWire?: (e: WireEvent) => void;
}

/** How a registry makes a runtime. */
export type ProxyRuntimeFactory = (name: string, upstream: string, options: ProxyRuntimeOptions) => ProxyRuntime;
