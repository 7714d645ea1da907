import { CLIENT_AUTH_MODES, type ClientAuthMode } from '../server/tls/client-auth.js';
import { KEYLOG_WARNING } from '../server/tls/key-log.js';
import { parseSniKey } from '../server/tls/sni.js';
import { loadTlsConfigFromFiles, type TlsCertificateFiles, type TlsConfig, type TlsFilesConfig } from '../server/tls/tls-config.js';
import { UsageError } from './usage-error.js';

/**
 * `aeronet serve`'s advanced TLS flags, parsed into a TlsConfig. Every malformed value is a
 * UsageError naming the flag; a certificate, key, CA or OCSP file that is wrong is a UsageError
 * naming the file (as loadTlsConfigFromFiles words it). Exit 2 either way.
 */

export const SERVE_TLS_FLAGS = {
  'tls-client-auth': { type: 'string', multiple: true },
  'tls-client-ca': { type: 'string', multiple: true },
  'tls-sni': { type: 'string', multiple: true },
  'tls-ticket-rotation': { type: 'string' },
  'tls-keylog': { type: 'string' },
  'tls-ocsp': { type: 'string' },
} as const;

export interface ServeTlsFlags {
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  'tls-client-auth'?: string[] | undefined;
  'tls-client-ca'?: string[] | undefined;
  'tls-sni'?: string[] | undefined;
  'tls-ticket-rotation'?: string | undefined;
  'tls-keylog'?: string | undefined;
  'tls-ocsp'?: string | undefined;
}

/** The key for the default certificate in the per-target maps below. */
const DEFAULT = '';

export function tlsConfigFromFlags(values: ServeTlsFlags): TlsConfig | null {
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  const advanced = (Object.keys(SERVE_TLS_FLAGS) as Array<keyof typeof SERVE_TLS_FLAGS>).filter((f) => values[f] !== undefined && (!Array.isArray(values[f]) || values[f].length > 0));
  if (certFile === undefined || keyFile === undefined) {
    if (advanced.length > 0) throw new UsageError(`--${advanced[0]} needs --tls-cert and --tls-key`);
    return null;
  }

  const sni = new Map<string, SniSpec>();
  for (const spec of values['tls-sni'] ?? []) {
    const parsed = parseSniSpec(spec);
    if (sni.has(parsed.key)) throw new UsageError(`--tls-sni names ${JSON.stringify(parsed.name)} twice`);
    sni.set(parsed.key, parsed);
  }
  const target = (flag: string, value: string, rest: string): string => {
    if (value === DEFAULT) return DEFAULT;
    const key = sniKeyOf(value, flag);
    if (!sni.has(key)) throw new UsageError(`${flag} ${value}=${rest} names an SNI entry no --tls-sni configures (--tls-sni ${value}=CERT,KEY)`);
    return key;
  };

  const auth = new Map<string, ClientAuthMode>();
  for (const item of values['tls-client-auth'] ?? []) {
    const eq = item.lastIndexOf('=');
    const [name, mode] = eq < 0 ? [DEFAULT, item] : [item.slice(0, eq), item.slice(eq + 1)];
    const key = target('--tls-client-auth', name, mode);
    if (auth.has(key)) throw new UsageError(`--tls-client-auth is given twice for ${key === DEFAULT ? 'the default certificate' : key}`);
    auth.set(key, clientAuthMode(mode, '--tls-client-auth'));
  }
  const cas = new Map<string, string[]>();
  for (const item of values['tls-client-ca'] ?? []) {
    // NAME=FILE names an SNI entry; a path (anything with a '/' before its '=') is the default's.
    const eq = item.indexOf('=');
    const named = eq > 0 && !item.slice(0, eq).includes('/');
    const [name, file] = named ? [item.slice(0, eq), item.slice(eq + 1)] : [DEFAULT, item];
    if (file === '') throw new UsageError(`--tls-client-ca needs a file, got "${item}"`);
    const key = target('--tls-client-ca', name, file);
    cas.set(key, [...(cas.get(key) ?? []), file]);
  }
  for (const [key, { entry }] of sni) {
    if (entry.auth !== undefined) {
      if (auth.has(key)) throw new UsageError(`the client-certificate mode of ${key} is given both in --tls-sni (auth=) and in --tls-client-auth`);
      auth.set(key, entry.auth);
    }
    if (entry.caFiles.length > 0) cas.set(key, [...entry.caFiles, ...(cas.get(key) ?? [])]);
  }

  const files: TlsFilesConfig = { certFile, keyFile };
  const policy = (key: string): TlsCertificateFiles['clientAuth'] | undefined => {
    const caFile = cas.get(key) ?? [];
    // A CA without a mode means "require certificates from it": the safe reading.
    const mode = auth.get(key) ?? (caFile.length > 0 ? 'required' : undefined);
    const where = key === DEFAULT ? 'the default certificate (--tls-client-ca FILE)' : `${key} (--tls-client-ca ${key}=FILE or ca= in --tls-sni)`;
    if (mode === undefined) return undefined;
    if (mode !== 'none' && caFile.length === 0) throw new UsageError(`client-certificate mode '${mode}' for ${key === DEFAULT ? 'the default certificate' : key} needs a CA file: give one for ${where}`);
    if (mode === 'none' && caFile.length > 0) throw new UsageError(`client-certificate mode 'none' for ${key === DEFAULT ? 'the default certificate' : key} contradicts its CA file(s) ${caFile.join(', ')}`);
    return { mode, ...(caFile.length > 0 ? { caFile } : {}) };
  };
  const defaultPolicy = policy(DEFAULT);
  if (defaultPolicy !== undefined) files.clientAuth = defaultPolicy;
  const ocsp = values['tls-ocsp'];
  if (ocsp !== undefined) {
    if (ocsp === '') throw new UsageError('--tls-ocsp needs a file (a DER OCSP response)');
    files.ocspFile = ocsp;
  }
  if (sni.size > 0) {
    files.sni = {};
    for (const [key, { name, entry }] of sni) {
      const p = policy(key);
      files.sni[name] = { certFile: entry.certFile, keyFile: entry.keyFile, ...(p !== undefined ? { clientAuth: p } : {}), ...(entry.ocsp !== undefined ? { ocspFile: entry.ocsp } : {}) };
    }
  }

  let config: TlsConfig;
  try {
    config = loadTlsConfigFromFiles(files);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const rotation = values['tls-ticket-rotation'];
  if (rotation !== undefined) {
    const m = /^([0-9]{1,10})(?:,window=([0-9]{1,10}))?$/.exec(rotation);
    if (m === null) throw new UsageError(`--tls-ticket-rotation must be MS or MS,window=MS (milliseconds), got "${rotation}"`);
    config.ticketRotation = { intervalMs: Number(m[1]), ...(m[2] !== undefined ? { windowMs: Number(m[2]) } : {}) };
  }
  const keyLog = values['tls-keylog'];
  if (keyLog !== undefined) {
    if (keyLog === '') throw new UsageError('--tls-keylog needs a file');
    config.keyLog = keyLog;
  }
  return config;
}

/** The line `serve` prints on stderr before anything else when the key log is on. */
export function keyLogBanner(file: string): string {
  return `aeronet: WARNING: --tls-keylog ${file}: ${KEYLOG_WARNING}\n`;
}

interface SniSpec {
  /** As given on the command line, and normalised (lower case, no trailing dot). */
  name: string;
  key: string;
  entry: TlsCertificateFiles & { auth?: ClientAuthMode; caFiles: string[]; ocsp?: string };
}

/** NAME=CERT,KEY[,ca=FILE][,auth=MODE][,ocsp=FILE] */
function parseSniSpec(spec: string): SniSpec {
  const usage = `--tls-sni must be NAME=CERT,KEY[,ca=FILE][,auth=none|optional|required][,ocsp=FILE], got "${spec}"`;
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(usage);
  const name = spec.slice(0, eq);
  const key = sniKeyOf(name, '--tls-sni');
  const [certFile, keyFile, ...options] = spec.slice(eq + 1).split(',');
  if (!certFile || !keyFile) throw new UsageError(usage);
  const entry: TlsCertificateFiles & { auth?: ClientAuthMode; caFiles: string[]; ocsp?: string } = { certFile, keyFile, caFiles: [] };
  for (const option of options) {
    const m = /^(ca|auth|ocsp)=(.+)$/.exec(option);
    if (m === null) throw new UsageError(`--tls-sni ${name}: unknown option "${option}"; the options are ca=FILE, auth=MODE and ocsp=FILE`);
    if (m[1] === 'ca') entry.caFiles.push(m[2]!);
    else if (m[1] === 'ocsp') entry.ocsp = m[2]!;
    else if (entry.auth !== undefined) throw new UsageError(`--tls-sni ${name}: auth= is given twice`);
    else entry.auth = clientAuthMode(m[2]!, `--tls-sni ${name}: auth`);
  }
  return { name, key, entry };
}

/** The same normal form SniTable uses, so `A.test` and `a.test.` are one name. */
function sniKeyOf(name: string, flag: string): string {
  try {
    const key = parseSniKey(name);
    return key.kind === 'exact' ? key.name : `*.${key.suffix}`;
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message.replace(/^TLS config: /, '')}`);
  }
}

function clientAuthMode(mode: string, flag: string): ClientAuthMode {
  if (!(CLIENT_AUTH_MODES as readonly string[]).includes(mode)) throw new UsageError(`${flag} must be one of ${CLIENT_AUTH_MODES.join(', ')}, got "${mode}"`);
  return mode as ClientAuthMode;
}
