import { assertFieldValue } from '../core/field-validation.js';
import { contentTypeTable, type ContentTypeTable } from './content-types.js';
import { DEFAULT_CHUNK_SIZE } from './range-source.js';
import { checkRangeOptions, DEFAULT_COALESCE_GAP, DEFAULT_MAX_RANGES } from './ranges.js';

/** Precompressed siblings serveStatic looks for: `file.br`, `file.gz`. */
export type PrecompressedCoding = 'br' | 'gzip';
export const PRECOMPRESSED_SUFFIX: Readonly<Record<PrecompressedCoding, string>> = { br: '.br', gzip: '.gz' };

export interface ServeStaticOptions {
  /**
   * The part of the request path to remove before mapping the rest to a file, e.g. '/static/'
   * (must start and end with '/'). Without it, a route ending in `*` maps its wildcard part, and
   * anything else maps the whole path.
   */
  prefix?: string;
  /** The file served for a directory (its path ending in '/'), or false for none. Default 'index.html'. */
  index?: string | false;
  /** 'ignore' (default): any segment starting with '.' is a 404. 'allow': served like any file. */
  dotfiles?: 'ignore' | 'allow';
  /** Serve files whose real path (symlinks resolved) is outside the root. Default false. */
  followSymlinks?: boolean;
  /** Send a strong ETag (inode, size, mtime in ns). Default true. */
  etag?: boolean;
  /** Send Last-Modified. Default true. */
  lastModified?: boolean;
  /** The Cache-Control field value, or false for none. Default 'no-cache' (store, but revalidate: with ETag that is a cheap 304). */
  cacheControl?: string | false;
  /** Serve `file.br` / `file.gz` when they exist and Accept-Encoding allows; true means ['br', 'gzip'] (that preference). Default true. */
  precompressed?: boolean | readonly PrecompressedCoding[];
  /** Extra or replacement Content-Types by extension: `{ glb: 'model/gltf-binary' }`. */
  contentTypes?: Readonly<Record<string, string>>;
  /** Most ranges one response serves after coalescing; past it the Range field is ignored (200). Default 16. */
  maxRanges?: number;
  /** Ranges closer than this many octets are served as one. Default 80. */
  coalesceGap?: number;
  /** See SendRangedOptions.onTheFlyCompression: set false when the server runs with `compression: false`. Default true. */
  onTheFlyCompression?: boolean;
  /** Octets per read from disk. Default 64 KiB. */
  chunkSize?: number;
}

/** The options resolved and checked once, at construction. */
export interface StaticConfig {
  readonly prefix: string | undefined;
  readonly index: string | false;
  readonly dotfiles: 'ignore' | 'allow';
  readonly followSymlinks: boolean;
  readonly etag: boolean;
  readonly lastModified: boolean;
  readonly cacheControl: string | false;
  readonly precompressed: readonly PrecompressedCoding[];
  readonly contentTypes: ContentTypeTable;
  readonly maxRanges: number;
  readonly coalesceGap: number;
  readonly onTheFlyCompression: boolean;
  readonly chunkSize: number;
}

const KNOWN = new Set<string>([
  'prefix', 'index', 'dotfiles', 'followSymlinks', 'etag', 'lastModified', 'cacheControl', 'precompressed',
  'contentTypes', 'maxRanges', 'coalesceGap', 'onTheFlyCompression', 'chunkSize',
]);

/** Every mistake in the options is a TypeError naming the option, thrown when serveStatic is called. */
export function resolveStaticOptions(options: ServeStaticOptions | undefined, where: string): StaticConfig {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new TypeError(`${where}: options must be an object`);
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new TypeError(`${where}: unknown option ${JSON.stringify(key)} (known: ${[...KNOWN].join(', ')})`);
  }
  const bool = (name: keyof ServeStaticOptions, fallback: boolean): boolean => {
    const v = o[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new TypeError(`${where}: ${name} must be a boolean, got ${JSON.stringify(v)}`);
    return v;
  };

  const prefix = o.prefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || !prefix.startsWith('/') || !prefix.endsWith('/'))) {
    throw new TypeError(`${where}: prefix must be a path that starts and ends with "/", such as "/static/", got ${JSON.stringify(prefix)}`);
  }
  const index = o.index ?? 'index.html';
  if (index !== false && (typeof index !== 'string' || index === '' || index === '.' || index === '..' || /[/\\\0]/.test(index))) {
    throw new TypeError(`${where}: index must be a file name (no "/") or false, got ${JSON.stringify(index)}`);
  }
  const dotfiles = o.dotfiles ?? 'ignore';
  if (dotfiles !== 'ignore' && dotfiles !== 'allow') throw new TypeError(`${where}: dotfiles must be "ignore" or "allow", got ${JSON.stringify(dotfiles)}`);
  const cacheControl = o.cacheControl ?? 'no-cache';
  if (cacheControl !== false) {
    if (typeof cacheControl !== 'string' || cacheControl.trim() === '') throw new TypeError(`${where}: cacheControl must be a non-empty string or false, got ${JSON.stringify(cacheControl)}`);
    assertFieldValue('cache-control', cacheControl);
  }
  const pre = o.precompressed ?? true;
  let precompressed: PrecompressedCoding[];
  if (pre === true) precompressed = ['br', 'gzip'];
  else if (pre === false) precompressed = [];
  else if (Array.isArray(pre) && pre.every((c) => c === 'br' || c === 'gzip') && new Set(pre).size === pre.length) precompressed = [...pre];
  else throw new TypeError(`${where}: precompressed must be a boolean or a list of "br" and "gzip" (each once), got ${JSON.stringify(pre)}`);
  const chunkSize = o.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1024 || chunkSize > 16 * 1024 * 1024) {
    throw new TypeError(`${where}: chunkSize must be an integer from 1024 to 16777216, got ${String(chunkSize)}`);
  }
  checkRangeOptions({ maxRanges: o.maxRanges, coalesceGap: o.coalesceGap }, where);
  return {
    prefix,
    index,
    dotfiles,
    followSymlinks: bool('followSymlinks', false),
    etag: bool('etag', true),
    lastModified: bool('lastModified', true),
    cacheControl,
    precompressed,
    contentTypes: contentTypeTable(o.contentTypes, where),
    maxRanges: o.maxRanges ?? DEFAULT_MAX_RANGES,
    coalesceGap: o.coalesceGap ?? DEFAULT_COALESCE_GAP,
    onTheFlyCompression: bool('onTheFlyCompression', true),
    chunkSize,
  };
}
