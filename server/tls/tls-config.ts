import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext, type TlsOptions } from 'node:tls';
import { checkKeyPair } from './key-pair.js';
import { SniTable } from './sni.js';

/** One certificate (optionally followed by its intermediates) and its private key, PEM. */
export interface TlsCertificate {
  cert: string | Buffer;
  key: string | Buffer;
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
}

export interface TlsCertificateFiles {
  certFile: string;
  keyFile: string;
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
  const config: TlsConfig = loadPair(files);
  if (files.sni !== undefined) {
    const sni: Record<string, TlsCertificate> = {};
    for (const [name, pair] of Object.entries(files.sni)) sni[name] = loadPair(pair);
    config.sni = sni;
  }
  return config;
}

function loadPair({ certFile, keyFile }: TlsCertificateFiles): TlsCertificate {
  const cert = readPem(certFile, 'certificate');
  const key = readPem(keyFile, 'key');
  checkKeyPair(cert, key, `certificate file ${JSON.stringify(certFile)}`, `key file ${JSON.stringify(keyFile)}`);
  return { cert, key };
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

/**
 * Builds options for tls.createServer / http2.createSecureServer. Validates everything first
 * and creates every SNI secure context here, once: an SNICallback that built a context per
 * handshake would re-parse PEM and keys on every connection.
 */
export function createTlsServerOptions(config: TlsConfig): TlsOptions {
  const minVersion = config.minVersion ?? DEFAULT_MIN_VERSION;
  if (minVersion !== 'TLSv1.2' && minVersion !== 'TLSv1.3') {
    throw new Error(`TLS config: minVersion must be 'TLSv1.2' or 'TLSv1.3', got ${JSON.stringify(minVersion)}`);
  }
  const alpn = validateAlpn(config.alpn ?? DEFAULT_ALPN);
  checkKeyPair(config.cert, config.key, 'default certificate', 'default key');

  const table = new SniTable<SecureContext>();
  for (const [name, pair] of Object.entries(config.sni ?? {})) {
    const label = `sni[${JSON.stringify(name)}]`;
    checkKeyPair(pair.cert, pair.key, `${label} certificate`, `${label} key`);
    // OpenSSL fixes the version from the default context before SNI runs; the same floor here
    // keeps a switched-to context from ever disagreeing with it.
    table.add(name, createSecureContext({ cert: pair.cert, key: pair.key, minVersion }));
  }

  return {
    cert: config.cert,
    key: config.key,
    minVersion,
    // RFC 7301 §3.2: the server picks; Node/OpenSSL take the first entry of this list that the
    // client also offered, and end the handshake with a no_application_protocol alert when the
    // client offered ALPN but none of its protocols is here. A client without ALPN gets none.
    ALPNProtocols: [...alpn],
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
