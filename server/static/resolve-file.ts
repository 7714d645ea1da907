import fs from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Opening a file under a root, confined to it. The order matters:
 *
 * 1. realpath() the candidate: every symlink on the way is resolved, so what we check is where
 *    the path really leads, not how it is spelt;
 * 2. unless followSymlinks, refuse a real path outside the root's real path (a symlink inside
 *    the tree may point elsewhere inside it; one that leaves it is treated as absent); with
 *    dotfiles ignored, also refuse a real path with a dot-segment below the root (a symlink
 *    `public.txt -> .env` does not publish `.env`);
 * 3. open() the real path with O_NOFOLLOW (a last component swapped for a symlink since step 1
 *    fails with ELOOP) and O_NONBLOCK (opening a FIFO never waits for a writer, which would hold
 *    a libuv thread forever);
 * 4. fstat() the descriptor: size, type and mtime come from the file we will read, so nothing
 *    can change between the stat and the read (no TOCTOU), and only regular files are served.
 *
 * Absent, unreadable and refused files all come back as `missing` (a 404: a probe learns nothing
 * about what exists outside the tree); unexpected errors (EMFILE, EIO) are thrown (a 500).
 */
export interface StaticRoot {
  /** The root's real path, resolved once at construction. */
  readonly real: string;
  readonly followSymlinks: boolean;
  readonly dotfiles: 'ignore' | 'allow';
}

export interface OpenedFile {
  readonly handle: FileHandle;
  readonly stat: fs.BigIntStats;
  readonly real: string;
}

export type OpenResult =
  | { readonly kind: 'file'; readonly file: OpenedFile }
  | { readonly kind: 'directory'; readonly real: string }
  | { readonly kind: 'missing'; readonly reason: string };

/** Errors that mean "no such file for this request", not "the server is broken". */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'EACCES', 'EPERM', 'ENAMETOOLONG', 'EISDIR', 'ENXIO', 'EINVAL']);

const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/** Check the root at construction: it must exist and be a directory. Throws a clear error otherwise. */
export function openStaticRoot(root: unknown, options: { followSymlinks: boolean; dotfiles: 'ignore' | 'allow' }, where: string): StaticRoot {
  if (typeof root !== 'string' || root === '') throw new TypeError(`${where}: root must be a directory path, got ${JSON.stringify(root)}`);
  let real: string;
  try {
    real = fs.realpathSync(root);
  } catch (err) {
    throw new Error(`${where}: root ${JSON.stringify(root)} does not exist or cannot be resolved (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (!fs.statSync(real).isDirectory()) throw new Error(`${where}: root ${JSON.stringify(root)} is not a directory`);
  return { real, ...options };
}

function absent(err: unknown): boolean {
  return ABSENT.has((err as NodeJS.ErrnoException).code ?? '');
}

/** Whether `real` is the root or below it, and (dotfiles ignored) names no dotfile below it. */
function confined(root: StaticRoot, real: string): string | null {
  const rel = path.relative(root.real, real);
  if (rel === '') return null;
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    return root.followSymlinks ? null : 'its real path is outside the root';
  }
  if (root.dotfiles === 'ignore' && rel.split(path.sep).some((seg) => seg.startsWith('.'))) return 'its real path has a dotfile below the root';
  return null;
}

/** Open `candidate` (an absolute path built under the root) as described above. */
export async function openUnderRoot(root: StaticRoot, candidate: string): Promise<OpenResult> {
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (err) {
    if (absent(err)) return { kind: 'missing', reason: (err as NodeJS.ErrnoException).code! };
    throw err;
  }
  const refused = confined(root, real);
  if (refused !== null) return { kind: 'missing', reason: refused };
  let handle: FileHandle;
  try {
    handle = await open(real, OPEN_FLAGS);
  } catch (err) {
    if (absent(err)) return { kind: 'missing', reason: (err as NodeJS.ErrnoException).code! };
    throw err;
  }
  let stat: fs.BigIntStats;
  try {
    stat = await handle.stat({ bigint: true });
  } catch (err) {
    await handle.close();
    throw err;
  }
  if (stat.isFile()) return { kind: 'file', file: { handle, stat, real } };
  await handle.close();
  if (stat.isDirectory()) return { kind: 'directory', real };
  return { kind: 'missing', reason: 'not a regular file' };
}
