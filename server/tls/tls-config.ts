import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext, type TlsOptions } from 'node:tls';
import { validateClientAuth, type ClientAuthConfig, type ClientAuthMode, type ClientAuthPolicy } from './client-auth.js';
import { validateKeyLog, type KeyLogTarget } from './key-log.js';
import { checkKeyPair } from './key-pair.js';
import type { OcspConfig } from './ocsp-stapler.js';
import { SniTable } from './sni.js';
import { validateTicketRotation, type TicketRotation } from './ticket-keys.js';

/** One certificate (optionally followed by its intermediates) and its private key, PEM. */
export interface TlsCertificate {
  cert: string | Buffer;
  key: string | Buffer;
  /** Client certificates for this server name; default { mode: 'none' }. */
  clientAuth?: ClientAuthConfig;
  /** Staple an OCSP response for this certificate (passive: from a file or your fetch). */
  ocsp?: OcspConfig;
}

/** TLS versions below 1.2 are not offered: HTTP/2 forbids them (RFC 9113 §9.2) and so do we. */
export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3';

export interface TlsConfig {
  /** The default certificate: served without SNI or for a server name no `sni` key matches. */
  cert: string | Buffer;
  key: string | Buffer;
  /** Extra certificates by server name: exact host names or single-label wildcards ('*.example.test'). */
  sni?: Record<string, TlsCertificate>;
  /** ALPN protocols in server preference order; default ['http/1.1']. HTTP/2 puts 'h2' first. */
  alpn?: string[];
  /** Default 'TLSv1.2'. */
  minVersion?: TlsMinVersion;
  /** Client certificates for the default certificate (no SNI, or a name no `sni` key matches). */
  clientAuth?: ClientAuthConfig;
  /** Staple an OCSP response for the default certificate. */
  ocsp?: OcspConfig;
  /** Rotate session ticket keys; older keys stay accepted for `windowMs`. Default: one key per process. */
  ticketRotation?: TicketRotation;
  /** Debugging only: write the session keys (NSS key log format) to this file or function. */
  keyLog?: KeyLogTarget;
}

export interface TlsCertificateFiles {
  certFile: string;
  keyFile: string;
  /** Client-certificate policy with its CA certificates read from PEM files. */
  clientAuth?: { mode: ClientAuthMode; caFile?: string | readonly string[] };
  /** A DER OCSP response for this certificate (re-read when it is due for a refresh). */
  ocspFile?: string;
}

export interface TlsFilesConfig extends TlsCertificateFiles {
  sni?: Record<string, TlsCertificateFiles>;
}

export const DEFAULT_ALPN: readonly string[] = ['http/1.1'];
export const DEFAULT_MIN_VERSION: TlsMinVersion = 'TLSv1.2';

/**
 * Reads every PEM file and checks each pair, so a bad path or a swapped key fails at startup
 * with the file named rather than at the first handshake. Synchronous on purpose: it runs once,
 * before listen, where there is nothing to overlap with.
 */
export function loadTlsConfigFromFiles(files: TlsFilesConfig): TlsConfig {
  const config: TlsConfig = loadPair(files, 'the default certificate');
  if (files.sni !== undefined) {
    const sni: Record<string, TlsCertificate> = {};
    for (const [name, pair] of Object.entries(files.sni)) sni[name] = loadPair(pair, `sni[${JSON.stringify(name)}]`);
    config.sni = sni;
  }
  return config;
}

function loadPair({ certFile, keyFile, clientAuth, ocspFile }: TlsCertificateFiles, label: string): TlsCertificate {
  const cert = readPem(certFile, 'certificate');
  const key = readPem(keyFile, 'key');
  checkKeyPair(cert, key, `certificate file ${JSON.stringify(certFile)}`, `key file ${JSON.stringify(keyFile)}`);
  const pair: TlsCertificate = { cert, key };
  if (clientAuth !== undefined) {
    const files = clientAuth.caFile === undefined ? [] : typeof clientAuth.caFile === 'string' ? [clientAuth.caFile] : [...clientAuth.caFile];
    const ca = files.map((f) => readPem(f, 'client CA'));
    // Checked here too, so a bad CA file is reported by its name, not as "ca[0]".
    validateClientAuth({ mode: clientAuth.mode, ...(ca.length > 0 ? { ca } : {}) }, `clientAuth of ${label}`, files.map((f) => `client CA file ${JSON.stringify(f)}`));
    pair.clientAuth = { mode: clientAuth.mode, ...(ca.length > 0 ? { ca } : {}) };
  }
  if (ocspFile !== undefined) pair.ocsp = { file: ocspFile };
  return pair;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const reason = code === 'ENOENT' ? 'does not exist' : `could not be read (${code})`;
    throw new Error(`TLS ${what} file ${JSON.stringify(file)} ${reason}`);
  }
}

/** One certificate with everything that hangs off it, validated: the default or an SNI entry. */
export interface ResolvedTlsEntry {
  /** 'the default certificate' or 'sni["api.example.com"]': how messages and logs name it. */
  readonly label: string;
  /** The `sni` key, or null for the default certificate. */
  readonly sniKey: string | null;
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly clientAuth: ClientAuthPolicy;
  readonly ocsp: OcspConfig | null;
}

export interface ResolvedTlsConfig {
  readonly minVersion: TlsMinVersion;
  readonly alpn: readonly string[];
  readonly defaultEntry: ResolvedTlsEntry;
  readonly sniEntries: readonly ResolvedTlsEntry[];
  readonly ticketRotation: Required<TicketRotation> | null;
  readonly keyLog: KeyLogTarget | null;
}

/** Validate a whole TlsConfig, every error naming the key (or certificate) it is about. */
export function resolveTlsConfig(config: TlsConfig): ResolvedTlsConfig {
  if (config === null || typeof config !== 'object') throw new Error('TLS config must be an object { cert, key, ... }');
  const minVersion = config.minVersion ?? DEFAULT_MIN_VERSION;
  if (minVersion !== 'TLSv1.2' && minVersion !== 'TLSv1.3') {
    throw new Error(`TLS config: minVersion must be 'TLSv1.2' or 'TLSv1.3', got ${JSON.stringify(minVersion)}`);
  }
  const alpn = validateAlpn(config.alpn ?? DEFAULT_ALPN);
  checkKeyPair(config.cert, config.key, 'default certificate', 'default key');
  const defaultEntry = resolveEntry('the default certificate', null, config, 'clientAuth', 'ocsp');
  // Parses every key once (case, wildcards, duplicates) before anything is built from them.
  const names = new SniTable<true>();
  const sniEntries: ResolvedTlsEntry[] = [];
  for (const [name, pair] of Object.entries(config.sni ?? {})) {
    const label = `sni[${JSON.stringify(name)}]`;
    names.add(name, true);
    if (pair === null || typeof pair !== 'object') throw new Error(`TLS config: ${label} must be an object { cert, key, ... }`);
    checkKeyPair(pair.cert, pair.key, `${label} certificate`, `${label} key`);
    sniEntries.push(resolveEntry(label, name, pair, `${label}.clientAuth`, `${label}.ocsp`));
  }
  return {
    minVersion,
    alpn,
    defaultEntry,
    sniEntries,
    ticketRotation: config.ticketRotation === undefined ? null : validateTicketRotation(config.ticketRotation, 'ticketRotation'),
    keyLog: config.keyLog === undefined ? null : validateKeyLog(config.keyLog),
  };
}

function resolveEntry(label: string, sniKey: string | null, pair: TlsCertificate, authKey: string, ocspKey: string): ResolvedTlsEntry {
  return {
    label,
    sniKey,
    cert: pair.cert,
    key: pair.key,
    clientAuth: validateClientAuth(pair.clientAuth, authKey),
    ocsp: pair.ocsp === undefined ? null : validateOcsp(pair.ocsp, ocspKey),
  };
}

function validateOcsp(raw: unknown, label: string): OcspConfig {
  const o = raw as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object') throw new Error(`TLS config: ${label} must be { file } or { fetch(cert, issuer) }`);
  const hasFile = 'file' in o;
  const hasFetch = 'fetch' in o;
  if (hasFile === hasFetch) throw new Error(`TLS config: ${label} must have exactly one of file and fetch`);
  if (hasFile && (typeof o['file'] !== 'string' || o['file'] === '')) throw new Error(`TLS config: ${label}.file must be a file path`);
  if (hasFetch && typeof o['fetch'] !== 'function') throw new Error(`TLS config: ${label}.fetch must be a function (cert: Buffer, issuer: Buffer) => Promise<Buffer>`);
  const issuer = o['issuer'];
  if (issuer !== undefined && typeof issuer !== 'string' && !Buffer.isBuffer(issuer)) throw new Error(`TLS config: ${label}.issuer must be a PEM certificate (string or Buffer)`);
  return raw as OcspConfig;
}

/** Whether any server name asks for client certificates (then each connection gets its own context). */
export function wantsClientCertificates(resolved: ResolvedTlsConfig): boolean {
  return [resolved.defaultEntry, ...resolved.sniEntries].some((e) => e.clientAuth.mode !== 'none');
}

/**
 * Builds options for tls.createServer / http2.createSecureServer. Validates everything first
 * and creates every SNI secure context here, once: an SNICallback that built a context per
 * handshake would re-parse PEM and keys on every connection. These are the options of Node's own
 * server, which has one verify mode and one ticket key for all names; client-certificate
 * policies and ticket rotation need a context per connection (tls-contexts.ts), not these.
 */
export function createTlsServerOptions(config: TlsConfig): TlsOptions {
  const resolved = resolveTlsConfig(config);
  const { minVersion } = resolved;
  const table = new SniTable<SecureContext>();
  for (const entry of resolved.sniEntries) {
    // OpenSSL fixes the version from the default context before SNI runs; the same floor here
    // keeps a switched-to context from ever disagreeing with it.
    table.add(entry.sniKey!, createSecureContext({ cert: entry.cert, key: entry.key, minVersion }));
  }

  return {
    cert: config.cert,
    key: config.key,
    minVersion,
    // RFC 7301 §3.2: the server picks; Node/OpenSSL take the first entry of this list that the
    // client also offered, and end the handshake with a no_application_protocol alert when the
    // client offered ALPN but none of its protocols is here. A client without ALPN gets none.
    ALPNProtocols: [...resolved.alpn],
    // RFC 6066 §3: called only when the client sent a server_name. Answering with no context
    // keeps the default certificate, which is what an unknown name should get.
    SNICallback: (servername, cb) => cb(null, table.lookup(servername)),
  };
}

function validateAlpn(alpn: readonly string[]): readonly string[] {
  if (!Array.isArray(alpn) || alpn.length === 0) {
    throw new Error('TLS config: alpn must list at least one protocol (e.g. ["http/1.1"])');
  }
  const seen = new Set<string>();
  for (const id of alpn) {
    // RFC 7301 §3.1: protocol names are non-empty and carry a one-byte length.
    if (typeof id !== 'string' || id.length === 0 || Buffer.byteLength(id) > 255) {
      throw new Error(`TLS config: alpn protocol ${JSON.stringify(id)} must be a non-empty string of at most 255 bytes`);
    }
    if (seen.has(id)) throw new Error(`TLS config: alpn protocol ${JSON.stringify(id)} is listed twice`);
    seen.add(id);
  }
  return alpn;
}
