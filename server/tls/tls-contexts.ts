import { createHash } from 'node:crypto';
import tls from 'node:tls';
import type { Clock } from '../transport/clock.js';
import type { ClientHelloInfo } from './client-hello.js';
import { SniTable } from './sni.js';
import type { ResolvedTlsConfig, ResolvedTlsEntry } from './tls-config.js';
import { MAX_TICKET_LIFETIME_MS, newTicketKey, TicketKeyRing } from './ticket-keys.js';

/**
 * One SecureContext per server name entry and per ticket-key generation, chosen for each
 * connection from its ClientHello before OpenSSL reads it. Why not Node's own server:
 *
 * - requestCert / rejectUnauthorized are per TLSSocket (per tls.Server), fixed before SNI is
 *   known; here the socket is made after the name is known, so a `none` name sends no
 *   CertificateRequest, and a `required` one has OpenSSL refuse a missing certificate itself.
 * - OpenSSL seals and opens tickets with the keys of the context the socket was created with
 *   (Node's SNI switch copies the certificate and CA store, not the ticket keys), and Node holds
 *   one key per context. A context per generation is how previous keys stay accepted.
 * - A session resumes with the identity verified in its full handshake. Keys per entry mean a
 *   ticket only ever opens under the entry (and so the CA set and policy) that issued it: a
 *   session verified for one name is never resumed under another name's policy.
 */

export interface SelectedContext {
  readonly entry: ResolvedTlsEntry;
  readonly context: tls.SecureContext;
  /** The ticket-key generation of `context`. */
  readonly generation: number;
  /** The client offered a ticket sealed by a key still accepted (the handshake may resume). */
  readonly ticketAccepted: boolean;
}

interface EntryKeys {
  readonly keyName: Buffer;
  readonly context: tls.SecureContext;
}

export class TlsContextSet {
  private readonly entries: readonly ResolvedTlsEntry[];
  private readonly table = new SniTable<number>();
  private readonly ring: TicketKeyRing<readonly EntryKeys[]>;

  constructor(private readonly config: ResolvedTlsConfig, clock: Clock) {
    this.entries = [config.defaultEntry, ...config.sniEntries];
    config.sniEntries.forEach((entry, i) => this.table.add(entry.sniKey!, i + 1));
    this.ring = new TicketKeyRing({
      clock,
      rotation: config.ticketRotation,
      make: () => this.entries.map((entry, i) => this.makeContext(entry, i)),
    });
  }

  /** The entry (by SNI) and the context whose ticket key matches what the client offers. */
  select(hello: ClientHelloInfo | null): SelectedContext {
    const index = hello?.serverName ? (this.table.lookup(hello.serverName) ?? 0) : 0;
    const entry = this.entries[index]!;
    const names = hello?.ticketKeyNames ?? [];
    if (names.length > 0) {
      for (const generation of this.ring.accepted()) {
        const keys = generation.value[index]!;
        if (names.some((n) => n.equals(keys.keyName))) return { entry, context: keys.context, generation: generation.id, ticketAccepted: true };
      }
    }
    const current = this.ring.current;
    return { entry, context: current.value[index]!.context, generation: current.id, ticketAccepted: false };
  }

  start(): void {
    this.ring.start();
  }

  stop(): void {
    this.ring.stop();
  }

  private makeContext(entry: ResolvedTlsEntry, index: number): EntryKeys {
    const ticketKeys = newTicketKey();
    const rotation = this.config.ticketRotation;
    const context = tls.createSecureContext({
      cert: entry.cert,
      key: entry.key,
      minVersion: this.config.minVersion,
      ...(entry.clientAuth.mode !== 'none' ? { ca: [...entry.clientAuth.ca] } : {}),
      ticketKeys,
      // OpenSSL refuses to resume without a session id context once it verifies peers ("session
      // id context uninitialized"). One per entry is a second guard against cross-entry
      // resumption: OpenSSL resumes a session only under the id context it was made in.
      sessionIdContext: createHash('sha256').update(`aeronet/${index}/${entry.sniKey ?? ''}`).digest('hex').slice(0, 32),
      // A ticket's lifetime (RFC 8446 §4.6.1, at most 7 days) should cover how long its key is
      // accepted: up to one interval as the current key plus the window. OpenSSL checks this
      // lifetime against the wall clock, not the injected one.
      ...(rotation !== null ? { sessionTimeout: Math.ceil(Math.min(rotation.intervalMs + rotation.windowMs, MAX_TICKET_LIFETIME_MS) / 1000) } : {}),
    });
    return { keyName: ticketKeys.subarray(0, 16), context };
  }
}
