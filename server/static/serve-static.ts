import path from 'node:path';
import { negotiateEncoding } from '../core/accept-encoding.js';
import type { Handler, Request, Response } from '../core/types.js';
import { contentTypeFor } from './content-types.js';
import { fileEntityTag } from './entity-tag.js';
import { readFileRange, type RangeSource } from './range-source.js';
import { openStaticRoot, openUnderRoot, type OpenedFile, type StaticRoot } from './resolve-file.js';
import { decodeStaticPath } from './safe-path.js';
import { sendRepresentation } from './send-ranged.js';
import { appendVary } from './vary.js';
import { PRECOMPRESSED_SUFFIX, resolveStaticOptions, type PrecompressedCoding, type ServeStaticOptions, type StaticConfig } from './static-options.js';

const TEXT_PLAIN = 'text/plain; charset=utf-8';

/**
 * A Handler serving the files under `root`: GET and HEAD, with conditional requests (RFC 9110
 * §13), range requests (§14), precompressed siblings, and nothing outside the root.
 *
 *   router.get('/static/*', serveStatic('public'))                      // the wildcard part is the file
 *   router.get('/static/*', serveStatic('public', { prefix: '/static/' })) // the same, said explicitly
 *   createServer({ handler: serveStatic('public') })                    // the whole path is the file
 *
 * The root is checked now (it must exist and be a directory), as is every option: a mistake is a
 * TypeError or Error here, never a 500 later. The file is mapped from the raw, still
 * percent-encoded request path (decoded once, here: the Router's decoded wildcard would turn
 * %2F into a separator and invite decoding twice).
 */
export function serveStatic(root: string, options?: ServeStaticOptions): Handler {
  const where = 'serveStatic';
  const config = resolveStaticOptions(options, where);
  const staticRoot = openStaticRoot(root, { followSymlinks: config.followSymlinks, dotfiles: config.dotfiles }, where);
  return (req, res) => serve(staticRoot, config, req, res);
}

async function serve(root: StaticRoot, config: StaticConfig, req: Request, res: Response): Promise<void> {
  // Only GET and HEAD read a file (the Router sends HEAD to a GET route; mounted directly, we
  // answer the rest ourselves). RFC 9110 §15.5.6: a 405 carries Allow.
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    await res.status(405).setHeader('allow', 'GET, HEAD').setHeader('content-type', TEXT_PLAIN).send('method not allowed\n');
    return;
  }
  const raw = rawRelativePath(req, config.prefix);
  if (raw === undefined) return notFound(res);
  const decoded = decodeStaticPath(raw, { dotfiles: config.dotfiles });
  if (!decoded.ok) {
    if (decoded.status === 400) {
      await res.status(400).setHeader('content-type', TEXT_PLAIN).send('bad request: malformed path\n');
      return;
    }
    return notFound(res);
  }

  let opened = await openUnderRoot(root, path.join(root.real, ...decoded.segments));
  let name = decoded.segments[decoded.segments.length - 1] ?? '';
  if (opened.kind === 'directory') {
    if (config.index === false) return notFound(res);
    const index = await openUnderRoot(root, path.join(opened.real, config.index));
    if (index.kind !== 'file') return notFound(res);
    if (!decoded.trailingSlash) {
      // Served as /dir, the index's relative links would resolve against the parent: send the
      // client to /dir/ instead (RFC 9110 §15.4.2). The path is the client's own, starting with
      // one "/" (a leading "//" never gets here), so the Location cannot leave this origin.
      await index.file.handle.close();
      res.status(301).setHeader('location', `${req.path}/${req.search === '' ? '' : `?${req.search}`}`);
      await res.setHeader('content-type', TEXT_PLAIN).send('moved permanently\n');
      return;
    }
    opened = index;
    name = config.index;
  } else if (opened.kind === 'file' && decoded.trailingSlash) {
    // `file.txt/` names a directory that does not exist.
    await opened.file.handle.close();
    return notFound(res);
  }
  if (opened.kind !== 'file') return notFound(res);

  const identity = opened.file;
  let file: OpenedFile = identity;
  let coding: PrecompressedCoding | null = null;
  try {
    if (config.precompressed.length > 0) {
      const sibling = await precompressedSibling(root, config.precompressed, identity.real, req.header('accept-encoding'));
      if (sibling !== null) {
        ({ file, coding } = sibling);
        await identity.handle.close();
      }
    }
  } catch (err) {
    await identity.handle.close();
    throw err;
  }

  try {
    const { stat, handle } = file;
    const source: RangeSource = {
      size: Number(stat.size),
      etag: config.etag ? fileEntityTag(stat, coding) : undefined,
      lastModified: config.lastModified ? Number(stat.mtimeNs / 1_000_000n) : undefined,
      // The type of what the file is, whatever coding it was stored in (`app.js.br` is JavaScript).
      contentType: contentTypeFor(config.contentTypes, name),
      read: (start, end, signal) => readFileRange(handle, start, end, config.chunkSize, signal),
    };
    // The browser must not guess a type from the content (an uploaded .txt that looks like HTML).
    res.setHeader('x-content-type-options', 'nosniff');
    if (config.cacheControl !== false) res.setHeader('cache-control', config.cacheControl);
    // Whether we looked for a sibling depended on Accept-Encoding, so every answer varies on it
    // (RFC 9110 §12.5.5), the identity one too: a cache must not hand it to a br client.
    if (config.precompressed.length > 0) appendVary(res, 'accept-encoding');
    if (coding !== null) res.setHeader('content-encoding', coding);
    await sendRepresentation(req, res, source, { maxRanges: config.maxRanges, coalesceGap: config.coalesceGap, onTheFlyCompression: config.onTheFlyCompression });
  } finally {
    // Closed however the exchange ends: done, peer gone (the read loop stopped), or failed.
    await file.handle.close();
  }
}

/**
 * The best precompressed sibling the client accepts (RFC 9110 §12.5.3 weights, then our order),
 * skipping codings whose file is not there; null for identity. Siblings are trusted to hold the
 * same content as the file they sit next to.
 */
async function precompressedSibling(
  root: StaticRoot,
  codings: readonly PrecompressedCoding[],
  real: string,
  acceptEncoding: string | undefined,
): Promise<{ file: OpenedFile; coding: PrecompressedCoding } | null> {
  let remaining = [...codings];
  while (remaining.length > 0) {
    const chosen = negotiateEncoding(acceptEncoding, remaining);
    if (chosen === null || chosen === 'identity') return null;
    const coding = chosen as PrecompressedCoding;
    const sibling = await openUnderRoot(root, real + PRECOMPRESSED_SUFFIX[coding]);
    if (sibling.kind === 'file') return { file: sibling.file, coding };
    remaining = remaining.filter((c) => c !== coding);
  }
  return null;
}

/**
 * The request path below the mount point, still percent-encoded: after `prefix`, or the raw
 * form of the Router's wildcard capture, or the whole path. undefined when it is not below.
 */
function rawRelativePath(req: Request, prefix: string | undefined): string | undefined {
  const p = req.path;
  if (prefix !== undefined) return p.startsWith(prefix) ? p.slice(prefix.length) : undefined;
  const rest = req.params['*'];
  if (rest === undefined) return p.charCodeAt(0) === 0x2f ? p.slice(1) : undefined;
  return rawSuffix(p, rest);
}

/**
 * The raw suffix of `path` whose segment-wise decoding is the Router's `*` capture. The Router
 * splits before decoding, so the capture is some last k raw segments, decoded and joined by "/";
 * each extra segment makes the decoded string longer, so at most one k fits.
 */
function rawSuffix(p: string, rest: string): string | undefined {
  const segments = p.slice(1).split('/');
  for (let k = 1; k <= segments.length; k++) {
    const tail = segments.slice(segments.length - k);
    let decoded: string;
    try {
      decoded = tail.map((s) => (s.includes('%') ? decodeURIComponent(s) : s)).join('/');
    } catch {
      return undefined;
    }
    if (decoded === rest) return tail.join('/');
    if (decoded.length > rest.length) return undefined;
  }
  return undefined;
}

function notFound(res: Response): Promise<void> {
  return res.status(404).setHeader('content-type', TEXT_PLAIN).send('not found\n');
}
