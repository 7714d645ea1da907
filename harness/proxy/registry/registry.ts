/**
 * The proxies of one fault proxy, by name, with Toxiproxy 2.12's collection semantics
 * (reference §4): create, PATCH, delete, /populate, /reset and the toxic operations. It owns each
 * proxy's runtime (the data plane) and drives it; the runtime only executes.
 *
 * Every mutation runs under one async lock, so concurrent API calls cannot interleave a stop and
 * a start. Where Toxiproxy checks in a given order (404, then body, then 409...), the caller
 * passes the body decoding in as a callback that runs under the lock at the right step.
 */
import type { Direction, ProxyRuntime, ProxyRuntimeFactory, ProxyRuntimeOptions, ToxicConfig, ToxicDecision } from '../model.js';
import { resolveListen } from '../runtime/listen-address.js';
import { ApiError, API_MESSAGES, internalFailure, missingField, proxyNotFound, toxicNotFound, unexpectedFailure } from '../api/api-error.js';
import type { PopulateEntry, ProxyFields, ToxicAttributes } from '../api/request-bodies.js';
import { compareUtf8 } from '../api/go-json-encode.js';
import { ByteCounters, type ByteSeries } from './byte-counters.js';
import { EventLog } from './events.js';
import { Mutex } from './mutex.js';
import { copyToxic, type ProxyView, type ToxicView } from './views.js';

export interface RegistryOptions {
  /** The fault proxy's seed; proxy `p` gets `${seed}/p`. */
  seed: string;
  runtimeFactory: ProxyRuntimeFactory;
  onDecision: (d: ToxicDecision) => void;
  /** The capture tap handed to every runtime (ProxyRuntimeOptions.onWire); absent = no capture. */
  onWire?: ProxyRuntimeOptions['onWire'];
  /** performance.now() when the fault proxy started: event times count from here. */
  startedAt: number;
}

/** A /populate that stopped at an error: `applied` are the entries handled before it (§4). */
export class PopulateError extends Error {
  constructor(
    readonly error: ApiError,
    readonly applied: ProxyView[],
  ) {
    super(error.message);
    this.name = 'PopulateError';
  }
}

/** PATCH /proxies/{proxy}: decode the body onto the current listen/upstream/enabled. */
export type ProxyPatch = (current: ProxyFields) => ProxyFields;
/** POST /proxies/{proxy}/toxics: build the toxic, checking names with `nameTaken` (either stream). */
export type ToxicBuild = (nameTaken: (name: string) => boolean) => ToxicView;
/** PATCH /proxies/{proxy}/toxics/{toxic}: the new attributes and toxicity from the current ones. */
export type ToxicPatch = (current: ToxicView) => { attributes: ToxicAttributes; toxicity: number };

interface ProxyRecord {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Record<Direction, ToxicView[]>;
  runtime: ProxyRuntime;
}

const DIRECTIONS: readonly Direction[] = ['upstream', 'downstream'];

function view(p: ProxyRecord): ProxyView {
  return {
    name: p.name,
    listen: p.listen,
    upstream: p.upstream,
    enabled: p.enabled,
    toxics: [...p.toxics.upstream, ...p.toxics.downstream].map(copyToxic),
  };
}

/** What the runtime is given: numbers (int64 attributes beyond 2^53 lose precision there only). */
function runtimeConfig(t: ToxicView): ToxicConfig {
  const attributes: Record<string, number> = {};
  for (const [k, v] of Object.entries(t.attributes)) attributes[k] = Number(v);
  return { name: t.name, type: t.type, stream: t.stream, direction: t.direction, toxicity: t.toxicity, attributes };
}

/** Attributes for the event log: plain numbers, so an artifact can JSON.stringify it. */
function plainAttributes(a: ToxicAttributes): Record<string, number> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, Number(v)]));
}

/** Let the destroyed connections report their close (their totals count for the old labels). */
async function settle(runtime: ProxyRuntime): Promise<void> {
  for (let i = 0; i < 50 && runtime.connections > 0; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class ProxyRegistry {
  readonly events: EventLog;
  private readonly proxies = new Map<string, ProxyRecord>();
  private readonly lock = new Mutex();
  private readonly counters = new ByteCounters();
  private closed = false;

  constructor(private readonly options: RegistryOptions) {
    this.events = new EventLog(options.startedAt);
  }

  /** Whether a proxy exists right now (a handler's early 404, before reading the body). */
  has(name: string): boolean {
    return this.proxies.has(name);
  }

  /** GET /proxies: every proxy, in Go's map-key order (UTF-8 bytes). */
  list(): Promise<ProxyView[]> {
    return this.lock.run(() => [...this.proxies.values()].sort((a, b) => compareUtf8(a.name, b.name)).map(view));
  }

  get(name: string): Promise<ProxyView> {
    return this.lock.run(() => view(this.find(name)));
  }

  /** POST /proxies (§4): name, upstream, unique name (409), then start if enabled (bind error 500, not added). */
  create(input: ProxyFields): Promise<ProxyView> {
    return this.mutate(async () => {
      if (input.name === '') throw missingField('name');
      if (input.upstream === '') throw missingField('upstream');
      if (this.proxies.has(input.name)) throw new ApiError(API_MESSAGES.proxyExists, 409);
      const p = this.record(input.name, input.listen, input.upstream);
      if (input.enabled) await this.start(p);
      this.proxies.set(p.name, p);
      this.events.add('proxy-created', { proxy: p.name, detail: { listen: p.listen, upstream: p.upstream, enabled: p.enabled } });
      return view(p);
    });
  }

  /**
   * PATCH (or POST) /proxies/{proxy}, reference §4's algorithm: if the resolved new listen differs
   * from the current listen, or the upstream differs, stop (dropping every connection) and take
   * both; then start or stop if `enabled` differs from the state now. A bind failure leaves the
   * proxy disabled with the new listen. `listen: "localhost:<same port>"` therefore restarts
   * nothing, and a changed upstream restarts on the same port.
   */
  update(name: string, patch: ProxyPatch): Promise<ProxyView> {
    return this.mutate(async () => {
      const p = this.find(name);
      const input = patch({ name: '', listen: p.listen, upstream: p.upstream, enabled: p.enabled });
      let resolved: string;
      try {
        resolved = (await resolveListen(input.listen)).resolved;
      } catch (err) {
        throw internalFailure(err);
      }
      const before = { listen: p.listen, upstream: p.upstream, enabled: p.enabled };
      const differs = resolved !== p.listen || input.upstream !== p.upstream;
      try {
        if (differs) {
          await this.stop(p);
          p.listen = input.listen;
          p.upstream = input.upstream;
          p.runtime.upstream = input.upstream;
        }
        if (input.enabled !== p.enabled) {
          if (input.enabled) await this.start(p);
          else await this.stop(p);
        }
      } finally {
        // Log what was applied, also when the start failed part way. A never-started proxy's
        // listen turning into its bound address is part of enabling it, not an update.
        if (differs && (input.listen !== before.listen || input.upstream !== before.upstream)) {
          this.events.add('proxy-updated', {
            proxy: name,
            detail: { from: { listen: before.listen, upstream: before.upstream }, to: { listen: p.listen, upstream: p.upstream } },
          });
        }
        if (p.enabled !== before.enabled) this.events.add(p.enabled ? 'proxy-enabled' : 'proxy-disabled', { proxy: name, detail: { listen: p.listen } });
      }
      return view(p);
    });
  }

  /** DELETE /proxies/{proxy}: stop (listener and connections) and remove. */
  remove(name: string): Promise<void> {
    return this.mutate(async () => {
      const p = this.find(name);
      await this.stop(p);
      this.proxies.delete(name);
      this.events.add('proxy-deleted', { proxy: name });
    });
  }

  /**
   * POST /populate (§4): validate every entry first (name, then upstream, 1-based `at proxy N`),
   * then in order: an existing proxy whose listen (resolved) and upstream are the same is kept as
   * it is (toxics and enabled state too; the entry's `enabled` is ignored); otherwise it is stopped
   * and replaced by a fresh proxy, started if the entry is enabled (default true). The first
   * failure ends it; entries before it stay applied and are returned in the PopulateError.
   *
   * When a replacement fails to start, the proxy it was to replace stays registered, stopped: that
   * is what Toxiproxy's AddOrReplace leaves behind. A kept proxy is listed as it is in the registry.
   */
  populate(entries: readonly PopulateEntry[]): Promise<ProxyView[]> {
    return this.mutate(async () => {
      entries.forEach((e, i) => {
        if (e.name === '') throw new PopulateError(missingField(`name at proxy ${i + 1}`), []);
        if (e.upstream === '') throw new PopulateError(missingField(`upstream at proxy ${i + 1}`), []);
      });
      const applied: ProxyView[] = [];
      const detail: { created: string[]; replaced: string[]; kept: string[]; disabled?: string[] } = { created: [], replaced: [], kept: [] };
      // A proxy stopped for a replacement that has not started yet (left disabled if it fails).
      let stopped: string | null = null;
      try {
        for (const e of entries) {
          const existing = this.proxies.get(e.name);
          if (existing !== undefined) {
            if (await this.sameAddresses(existing, e)) {
              detail.kept.push(e.name);
              applied.push(view(existing));
              continue;
            }
            if (existing.enabled) stopped = e.name;
            await this.stop(existing);
          }
          const p = this.record(e.name, e.listen, e.upstream);
          if (e.enabled ?? true) await this.start(p);
          stopped = null;
          this.proxies.set(p.name, p);
          (existing !== undefined ? detail.replaced : detail.created).push(e.name);
          applied.push(view(p));
        }
      } catch (err) {
        const error = unexpectedFailure(err);
        if (stopped !== null) detail.disabled = [stopped];
        this.events.add('populate', { detail: { ...detail, error: error.message } });
        throw new PopulateError(error, applied);
      }
      this.events.add('populate', { detail });
      return applied;
    });
  }

  /**
   * POST /reset (§4): for each proxy (in name order; Toxiproxy's is Go's random map order), start
   * it if disabled (a bind error aborts, later proxies untouched), then remove all its toxics,
   * upstream chain first, as DELETE would (a timeout toxic's removal closes its connections).
   */
  reset(): Promise<void> {
    return this.mutate(async () => {
      const enabled: string[] = [];
      const toxicsRemoved: { proxy: string; toxic: string }[] = [];
      try {
        for (const name of [...this.proxies.keys()].sort(compareUtf8)) {
          const p = this.proxies.get(name)!;
          if (!p.enabled) {
            await this.start(p);
            enabled.push(name);
          }
          for (const direction of DIRECTIONS) {
            for (const t of p.toxics[direction].splice(0)) {
              p.runtime.removeToxic(t.name);
              toxicsRemoved.push({ proxy: name, toxic: t.name });
            }
          }
        }
      } catch (err) {
        const error = unexpectedFailure(err);
        this.events.add('reset', { detail: { enabled, toxicsRemoved, error: error.message } });
        throw error;
      }
      this.events.add('reset', { detail: { enabled, toxicsRemoved } });
    });
  }

  /** GET /proxies/{proxy}/toxics: upstream toxics, then downstream, each in insertion order. */
  toxics(proxy: string): Promise<ToxicView[]> {
    return this.lock.run(() => view(this.find(proxy)).toxics);
  }

  toxic(proxy: string, toxic: string): Promise<ToxicView> {
    return this.lock.run(() => copyToxic(this.findToxic(this.find(proxy), toxic).toxic));
  }

  /** POST /proxies/{proxy}/toxics: appended to its direction, live on every connection (§4). Disabled proxies take toxics too. */
  addToxic(proxy: string, build: ToxicBuild): Promise<ToxicView> {
    return this.mutate(() => {
      const p = this.find(proxy);
      const taken = (name: string): boolean => DIRECTIONS.some((d) => p.toxics[d].some((t) => t.name === name));
      const t = copyToxic(build(taken));
      if (taken(t.name)) throw new ApiError(API_MESSAGES.toxicExists, 409);
      p.toxics[t.direction].push(t);
      p.runtime.addToxic(runtimeConfig(t));
      this.events.add('toxic-added', {
        proxy,
        toxic: t.name,
        detail: { type: t.type, stream: t.stream, toxicity: t.toxicity, attributes: plainAttributes(t.attributes) },
      });
      return copyToxic(t);
    });
  }

  /** PATCH /proxies/{proxy}/toxics/{toxic}: new attributes/toxicity; name, type and stream stay. */
  updateToxic(proxy: string, toxic: string, patch: ToxicPatch): Promise<ToxicView> {
    return this.mutate(() => {
      const p = this.find(proxy);
      const { toxic: t } = this.findToxic(p, toxic);
      const next = patch(copyToxic(t));
      t.attributes = { ...next.attributes };
      t.toxicity = next.toxicity;
      p.runtime.updateToxic(runtimeConfig(t));
      this.events.add('toxic-updated', { proxy, toxic, detail: { toxicity: t.toxicity, attributes: plainAttributes(t.attributes) } });
      return copyToxic(t);
    });
  }

  /** DELETE /proxies/{proxy}/toxics/{toxic}: out of the chain and every live connection (data flushed). */
  removeToxic(proxy: string, toxic: string): Promise<void> {
    return this.mutate(() => {
      const p = this.find(proxy);
      const { direction, index } = this.findToxic(p, toxic);
      p.toxics[direction].splice(index, 1);
      p.runtime.removeToxic(toxic);
      this.events.add('toxic-removed', { proxy, toxic });
    });
  }

  /** The /metrics series, every proxy's finished links counted first. */
  byteSeries(): Promise<ByteSeries[]> {
    return this.lock.run(() => {
      for (const p of this.proxies.values()) this.harvest(p);
      return this.counters.list();
    });
  }

  /** Stop every proxy (listeners and connections); later mutations are refused. Idempotent. */
  close(): Promise<void> {
    return this.lock.run(async () => {
      this.closed = true;
      for (const p of this.proxies.values()) await this.stop(p);
    });
  }

  /** The one place runtimes are made: one more runtime option is one more line here. */
  private newRuntime(name: string, upstream: string): ProxyRuntime {
    return this.options.runtimeFactory(name, upstream, {
      seed: `${this.options.seed}/${name}`,
      onDecision: this.options.onDecision,
      ...(this.options.onWire ? { onWire: this.options.onWire } : {}),
    });
  }

  private record(name: string, listen: string, upstream: string): ProxyRecord {
    return { name, listen, upstream, enabled: false, toxics: { upstream: [], downstream: [] }, runtime: this.newRuntime(name, upstream) };
  }

  private mutate<T>(task: () => Promise<T> | T): Promise<T> {
    return this.lock.run(() => {
      if (this.closed) throw new ApiError('the fault proxy is closed', 503);
      return task();
    });
  }

  private find(name: string): ProxyRecord {
    const p = this.proxies.get(name);
    if (p === undefined) throw proxyNotFound();
    return p;
  }

  private findToxic(p: ProxyRecord, name: string): { toxic: ToxicView; direction: Direction; index: number } {
    for (const direction of DIRECTIONS) {
      const index = p.toxics[direction].findIndex((t) => t.name === name);
      if (index >= 0) return { toxic: p.toxics[direction][index]!, direction, index };
    }
    throw toxicNotFound();
  }

  /** /populate's keep test: the entry's listen, resolved, and its upstream equal the proxy's (an unresolvable listen differs). */
  private async sameAddresses(p: ProxyRecord, e: PopulateEntry): Promise<boolean> {
    if (e.upstream !== p.upstream) return false;
    try {
      return (await resolveListen(e.listen)).resolved === p.listen;
    } catch {
      return false;
    }
  }

  /** Listen on `p.listen`; it becomes the bound address. A failure is a 500 with Go's text and leaves `p` disabled. */
  private async start(p: ProxyRecord): Promise<void> {
    try {
      p.listen = await p.runtime.start(p.listen);
    } catch (err) {
      throw internalFailure(err);
    }
    p.enabled = true;
  }

  /** Close the listener and every connection, and count their bytes under the labels of now. */
  private async stop(p: ProxyRecord): Promise<void> {
    if (p.runtime.running) {
      await p.runtime.stop();
      await settle(p.runtime);
    }
    this.harvest(p);
    p.enabled = false;
  }

  private harvest(p: ProxyRecord): void {
    this.counters.harvest(p.runtime, { proxy: p.name, listener: p.listen, upstream: p.upstream });
  }
}
