import { randomBytes } from 'node:crypto';
import type { Clock, Timer } from '../transport/clock.js';

/**
 * Session ticket key rotation (RFC 5077 §5.5 / RFC 8446 §4.6.1 leave key management to the
 * server). Node holds ONE ticket key per SecureContext (`ticketKeys`, setTicketKeys(): 48 bytes,
 * name + HMAC key + AES key) and its ticket callback opens only tickets sealed with that key. So
 * a "previous keys are still accepted" window cannot live inside one context: each generation of
 * keys gets its own contexts, and the connection is given the context whose key sealed the ticket
 * it offers (tls-contexts.ts reads the key name from the ClientHello before OpenSSL does).
 *
 * This ring only keeps time: which generation is current, and which older ones are still
 * accepted. Timers run on the injected Clock, so tests rotate on a virtual clock.
 */

export interface TicketRotation {
  /** A new key becomes current this often. */
  intervalMs: number;
  /** How long a key is still accepted after it stopped being current. Default: intervalMs. */
  windowMs?: number;
}

/** 16-byte name, 16-byte HMAC-SHA256 key, 16-byte AES-128 key: Node's `ticketKeys` layout. */
export const TICKET_KEY_BYTES = 48;
const MIN_INTERVAL_MS = 1000;
/** RFC 8446 §4.6.1: a ticket lifetime is at most 7 days; longer keys would outlive every ticket. */
export const MAX_TICKET_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** Ticket keys come from the system CSPRNG: they seal session secrets. */
export function newTicketKey(): Buffer {
  return randomBytes(TICKET_KEY_BYTES);
}

/** Throws an Error naming the field; returns the rotation with its window filled in. */
export function validateTicketRotation(raw: unknown, label = 'ticketRotation'): Required<TicketRotation> {
  if (raw === null || typeof raw !== 'object') throw new Error(`TLS config: ${label} must be an object { intervalMs, windowMs? }`);
  const { intervalMs, windowMs } = raw as Record<string, unknown>;
  const bad = (name: string, value: unknown, rule: string): Error => new Error(`TLS config: ${label}.${name} must be ${rule}, got ${JSON.stringify(value)}`);
  if (typeof intervalMs !== 'number' || !Number.isInteger(intervalMs) || intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_TICKET_LIFETIME_MS) {
    throw bad('intervalMs', intervalMs, `an integer from ${MIN_INTERVAL_MS} to ${MAX_TICKET_LIFETIME_MS} (7 days)`);
  }
  const window = windowMs ?? intervalMs;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 0 || window > MAX_TICKET_LIFETIME_MS) {
    throw bad('windowMs', windowMs, `an integer from 0 to ${MAX_TICKET_LIFETIME_MS} (7 days)`);
  }
  return { intervalMs, windowMs: window };
}

export interface TicketGeneration<T> {
  /** 0 for the keys made at startup, then 1, 2, ... */
  readonly id: number;
  readonly createdAt: number;
  /** When it stopped being current (null while it is). */
  retiredAt: number | null;
  readonly value: T;
}

export interface TicketKeyRingOptions<T> {
  clock: Clock;
  /** null: one generation for the server's lifetime (no rotation). */
  rotation: Required<TicketRotation> | null;
  /** Make a generation's keys and whatever hangs off them (contexts). */
  make(id: number): T;
  /** After each rotation, with the new current generation and the generations dropped. */
  onRotate?(current: TicketGeneration<T>, dropped: ReadonlyArray<TicketGeneration<T>>): void;
}

export class TicketKeyRing<T> {
  /** Newest first. */
  private generations: Array<TicketGeneration<T>> = [];
  private timer: Timer | null = null;
  private nextId = 0;

  constructor(private readonly options: TicketKeyRingOptions<T>) {
    this.generations.push(this.makeGeneration());
  }

  get current(): TicketGeneration<T> {
    return this.generations[0]!;
  }

  /** Generations whose keys open tickets now, newest first (the current one included). */
  accepted(): Array<TicketGeneration<T>> {
    const now = this.options.clock.now();
    return this.generations.filter((g) => this.acceptedAt(g, now));
  }

  /** Start rotating (a no-op without a rotation, or when already started). */
  start(): void {
    if (this.options.rotation === null || this.timer !== null) return;
    this.schedule();
  }

  /** Stop rotating; the keys stay as they are. */
  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** Make a new current generation now (also what the timer does), and drop expired ones. */
  rotate(): void {
    const now = this.options.clock.now();
    this.current.retiredAt = now;
    this.generations.unshift(this.makeGeneration());
    const dropped = this.generations.filter((g) => !this.acceptedAt(g, now));
    this.generations = this.generations.filter((g) => this.acceptedAt(g, now));
    this.options.onRotate?.(this.current, dropped);
  }

  private schedule(): void {
    const rotation = this.options.rotation!;
    // From the current key's birth, not from now: a late timer does not stretch the next period.
    const delay = Math.max(0, this.current.createdAt + rotation.intervalMs - this.options.clock.now());
    this.timer = this.options.clock.setTimer(delay, () => {
      this.rotate();
      this.schedule();
    });
  }

  private acceptedAt(g: TicketGeneration<T>, now: number): boolean {
    if (g.retiredAt === null) return true;
    return now < g.retiredAt + (this.options.rotation?.windowMs ?? 0);
  }

  private makeGeneration(): TicketGeneration<T> {
    const id = this.nextId++;
    return { id, createdAt: this.options.clock.now(), retiredAt: null, value: this.options.make(id) };
  }
}
