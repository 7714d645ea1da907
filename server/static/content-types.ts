import path from 'node:path';

/**
 * Content-Type by file extension (RFC 9110 §8.3). Unknown extensions are
 * application/octet-stream, which §8.3 says a recipient may treat as opaque data; together with
 * `X-Content-Type-Options: nosniff` no browser guesses a script or HTML out of an upload.
 * Text types get `charset=utf-8` (text/* has no reliable default, RFC 6657 §4).
 */
const BUILT_IN: Readonly<Record<string, string>> = {
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  // RFC 9239 §6: text/javascript is the one JavaScript type; application/javascript is obsolete.
  js: 'text/javascript',
  mjs: 'text/javascript',
  cjs: 'text/javascript',
  json: 'application/json',
  map: 'application/json',
  webmanifest: 'application/manifest+json',
  txt: 'text/plain',
  text: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  svg: 'image/svg+xml',
  png: 'image/png',
  apng: 'image/apng',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  wasm: 'application/wasm',
  pdf: 'application/pdf',
  mp4: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** type/subtype with optional parameters: what an extra table entry must look like. */
const MEDIA_TYPE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+(\s*;\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+=("[^"\r\n]*"|[!#$%&'*+\-.^_`|~0-9A-Za-z]+))*$/;
const EXTENSION = /^[a-z0-9][a-z0-9_+-]*$/;

/** Extension (lower case, no dot) → Content-Type field value. */
export type ContentTypeTable = ReadonlyMap<string, string>;

/** The built-in table, extended (and overridden) by `extra`; throws on a malformed entry. */
export function contentTypeTable(extra: Readonly<Record<string, string>> | undefined, where: string): ContentTypeTable {
  const table = new Map<string, string>();
  for (const [ext, type] of Object.entries(BUILT_IN)) table.set(ext, withCharset(type));
  if (extra === undefined) return table;
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) throw new TypeError(`${where}: contentTypes must be an object of extension → type`);
  for (const [rawExt, type] of Object.entries(extra)) {
    const ext = rawExt.replace(/^\./, '').toLowerCase();
    if (!EXTENSION.test(ext)) throw new TypeError(`${where}: contentTypes key ${JSON.stringify(rawExt)} is not a file extension`);
    if (typeof type !== 'string' || !MEDIA_TYPE.test(type)) throw new TypeError(`${where}: contentTypes[${JSON.stringify(rawExt)}] must be a media type such as "text/plain", got ${JSON.stringify(type)}`);
    table.set(ext, withCharset(type));
  }
  return table;
}

/** text/* without parameters gets charset=utf-8. */
function withCharset(type: string): string {
  return type.startsWith('text/') && !type.includes(';') ? `${type}; charset=utf-8` : type;
}

/** The Content-Type for a file name (the last extension counts: `a.tar.gz` is application/gzip). */
export function contentTypeFor(table: ContentTypeTable, fileName: string): string {
  const ext = path.extname(fileName).slice(1).toLowerCase();
  return (ext !== '' && table.get(ext)) || DEFAULT_CONTENT_TYPE;
}
