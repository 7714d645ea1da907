import { readFileSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import type { Logger } from '../core/logger.js';
import type { Clock, Timer } from '../transport/clock.js';
import { findResponseFor, OcspParseError, parseOcspResponse, type OcspSingleResponse } from './ocsp-response.js';

/**
 * Passive OCSP stapling (RFC 6066 §8 status_request, RFC 6960 responses): one cached, DER-encoded
 * response per certificate, handed to Node's 'OCSPRequest' event when a client asks. The cache
 * is refreshed on the injected clock, halfway between thisUpdate and nextUpdate; a failed
 * refresh keeps the old response until its nextUpdate, after which nothing is stapled (and that
 * is logged) until a refresh succeeds. A response that is unparseable, not about this
 * certificate, not successful, or outside thisUpdate..nextUpdate is never stapled.
 */

export type OcspConfig = ({ file: string } | { fetch(cert: Buffer, issuer: Buffer): Promise<Buffer> }) & {
  /** The issuer's PEM certificate, when the certificate's own PEM does not include it. */
  issuer?: string | Buffer;
};

export interface OcspStaplerOptions {
  /** Names the certificate in logs and errors ('default certificate', 'sni["a.test"]'). */
  label: string;
  config: OcspConfig;
  leaf: X509Certificate;
  /** Needed by `fetch` (an OCSP request names the issuer) and to check a response's CertID. */
  issuer: X509Certificate | null;
  clock: Clock;
  logger: Logger;
  /** After a failed refresh, and for a response already past its midpoint: try again this soon. Default 60 s. */
  retryMs?: number;
  /** A `fetch` that has not settled after this long counts as failed. Default 30 s. */
  fetchTimeoutMs?: number;
}

/** Clients accept a little clock skew; a response "produced in the future" beyond this is refused. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

interface Cached {
  der: Buffer;
  single: OcspSingleResponse;
}

export class OcspStapler {
  private cached: Cached | null = null;
  private refreshTimer: Timer | null = null;
  private expiryTimer: Timer | null = null;
  private started = false;
  /** Bumped by stop() and by each fetch, so a late answer from an abandoned fetch is ignored. */
  private generation = 0;
  private inFlight = false;
  private readonly retryMs: number;
  private readonly fetchTimeoutMs: number;

  /**
   * With a `file`, the file is read here: a file that cannot be read, or that does not hold an
   * OCSP response for this certificate, fails startup with its name. One that has expired only
   * warns: refusing to start during an OCSP responder outage would turn it into an outage of ours.
   */
  constructor(private readonly options: OcspStaplerOptions) {
    this.retryMs = options.retryMs ?? 60_000;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 30_000;
    if ('file' in options.config) {
      const file = options.config.file;
      let der: Buffer;
      try {
        der = readFileSync(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        throw new Error(`TLS OCSP response file ${JSON.stringify(file)} for ${options.label} ${code === 'ENOENT' ? 'does not exist' : `could not be read (${code})`}`);
      }
      const judged = this.judge(der);
      if ('problem' in judged && !judged.expiredOnly) throw new Error(`TLS OCSP response file ${JSON.stringify(file)} for ${options.label}: ${judged.problem}`);
      if ('problem' in judged) options.logger.log('warn', 'tls.ocsp-not-stapled', { certificate: options.label, file, reason: judged.problem });
      else this.install(judged.cached, file);
    }
  }

  /** The response to staple now, or null. */
  staple(): Buffer | null {
    const c = this.cached;
    return c !== null && this.usableAt(c.single, this.options.clock.now()) ? c.der : null;
  }

  /** Start refreshing (a `fetch` source fetches at once). Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if ('fetch' in this.options.config) this.refresh();
    else this.scheduleRefresh();
    this.scheduleExpiry();
  }

  stop(): void {
    this.started = false;
    this.generation++;
    this.inFlight = false;
    this.refreshTimer?.cancel();
    this.expiryTimer?.cancel();
    this.refreshTimer = this.expiryTimer = null;
  }

  /** Load a fresh response now (what the refresh timer does). */
  refresh(): void {
    if (!this.started || this.inFlight) return;
    const config = this.options.config;
    if ('file' in config) {
      let der: Buffer | null = null;
      try {
        der = readFileSync(config.file);
      } catch (err) {
        this.failed(`cannot read ${JSON.stringify(config.file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      if (der !== null) this.offer(der, config.file);
      return;
    }
    const issuer = this.options.issuer;
    if (issuer === null) return this.failed('no issuer certificate to build a request with');
    const generation = ++this.generation;
    this.inFlight = true;
    const timer = this.options.clock.setTimer(this.fetchTimeoutMs, () => {
      if (generation !== this.generation) return;
      this.generation++;
      this.inFlight = false;
      this.failed(`fetch did not answer within ${this.fetchTimeoutMs} ms`);
    });
    let pending: Promise<Buffer>;
    try {
      pending = Promise.resolve(config.fetch(Buffer.from(this.options.leaf.raw), Buffer.from(issuer.raw)));
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (der) => {
        if (generation !== this.generation) return;
        timer.cancel();
        this.inFlight = false;
        if (!Buffer.isBuffer(der)) this.failed('fetch did not resolve to a Buffer');
        else this.offer(der, 'fetch');
      },
      (err: unknown) => {
        if (generation !== this.generation) return;
        timer.cancel();
        this.inFlight = false;
        this.failed(`fetch failed: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  }

  private offer(der: Buffer, source: string): void {
    const judged = this.judge(der);
    if ('problem' in judged) return this.failed(judged.problem);
    const held = this.cached;
    if (held !== null && judged.cached.single.thisUpdate.getTime() < held.single.thisUpdate.getTime()) {
      return this.failed('the new response is older than the one already held');
    }
    // The same bytes again (a file nobody has renewed yet): nothing to log, only the next try.
    if (held === null || !held.der.equals(der)) this.install(judged.cached, source);
    this.scheduleRefresh();
    this.scheduleExpiry();
  }

  private install(cached: Cached, source: string): void {
    this.cached = cached;
    const s = cached.single;
    this.options.logger.log(s.certStatus === 'good' ? 'info' : 'error', 'tls.ocsp-loaded', {
      certificate: this.options.label, source, certStatus: s.certStatus, thisUpdate: s.thisUpdate.toISOString(), nextUpdate: s.nextUpdate!.toISOString(),
    });
  }

  private failed(reason: string): void {
    const held = this.cached !== null && this.usableAt(this.cached.single, this.options.clock.now());
    this.options.logger.log('warn', 'tls.ocsp-refresh-failed', {
      certificate: this.options.label, reason, keeping: held ? `the response valid until ${this.cached!.single.nextUpdate!.toISOString()}` : 'nothing: no response is stapled',
    });
    this.scheduleRefresh(this.retryMs);
  }

  /** Halfway to nextUpdate; `retryMs` when that has passed (or there is nothing, or it failed). */
  private scheduleRefresh(delayMs?: number): void {
    if (!this.started) return;
    this.refreshTimer?.cancel();
    const now = this.options.clock.now();
    let delay = delayMs;
    if (delay === undefined) {
      const c = this.cached;
      if (c === null) delay = this.retryMs;
      else {
        const from = c.single.thisUpdate.getTime();
        const midpoint = from + (c.single.nextUpdate!.getTime() - from) / 2;
        delay = midpoint > now ? midpoint - now : this.retryMs;
      }
    }
    this.refreshTimer = this.options.clock.setTimer(Math.max(0, Math.ceil(delay)), () => {
      this.refreshTimer = null;
      this.refresh();
    });
  }

  /** At nextUpdate, if no fresher response came: say that nothing is stapled any more. */
  private scheduleExpiry(): void {
    if (!this.started || this.cached === null) return;
    this.expiryTimer?.cancel();
    const held = this.cached;
    const delay = held.single.nextUpdate!.getTime() - this.options.clock.now();
    if (delay <= 0) return;
    this.expiryTimer = this.options.clock.setTimer(delay, () => {
      this.expiryTimer = null;
      if (this.cached === held) {
        this.options.logger.log('error', 'tls.ocsp-expired', { certificate: this.options.label, nextUpdate: held.single.nextUpdate!.toISOString(), message: 'the OCSP response expired and no fresh one could be loaded: stapling nothing' });
      }
    });
  }

  /** Why `der` may not be stapled (expiredOnly: it is fine but for its dates), or the entry to cache. */
  private judge(der: Buffer): { cached: Cached } | { problem: string; expiredOnly: boolean } {
    let single: OcspSingleResponse | null;
    try {
      const info = parseOcspResponse(der);
      if (info.status !== 'successful') return { problem: `the responder answered ${info.status}, not successful`, expiredOnly: false };
      single = findResponseFor(info, this.options.leaf, this.options.issuer);
    } catch (err) {
      if (err instanceof OcspParseError) return { problem: err.message, expiredOnly: false };
      throw err;
    }
    if (single === null) return { problem: `it holds no response for this certificate (serial ${this.options.leaf.serialNumber}${this.options.issuer ? `, issuer ${this.options.issuer.subject.replace(/\n/g, ', ')}` : ''})`, expiredOnly: false };
    // RFC 6960 §4.2.2.1: without nextUpdate, "newer information is always available": there is
    // no time at which it stops being current, so no way to know when to stop stapling it.
    if (single.nextUpdate === null) return { problem: 'it has no nextUpdate, so there is no telling when it expires', expiredOnly: false };
    const now = this.options.clock.now();
    if (!this.usableAt(single, now)) {
      const why = now >= single.nextUpdate.getTime() ? `it expired at ${single.nextUpdate.toISOString()}` : `its thisUpdate ${single.thisUpdate.toISOString()} is in the future`;
      return { problem: why, expiredOnly: true };
    }
    return { cached: { der: Buffer.from(der), single } };
  }

  private usableAt(single: OcspSingleResponse, now: number): boolean {
    return single.thisUpdate.getTime() - FUTURE_SKEW_MS <= now && single.nextUpdate !== null && now < single.nextUpdate.getTime();
  }
}
