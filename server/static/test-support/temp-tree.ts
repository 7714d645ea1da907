import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway directory tree for static-file tests: `root/` (what is served) next to
 * `outside/` (what must never be), both under one temporary folder removed by cleanup().
 */
export interface TempTree {
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  /** Write a file under root (parents created); returns its real path. */
  file(rel: string, content: string | Uint8Array): string;
  /** A symlink under root pointing at `target` (absolute, or relative to the link's folder). */
  symlink(rel: string, target: string): void;
  cleanup(): void;
}

export function tempTree(): TempTree {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aeronet-static-')));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside the root\n');
  return {
    base,
    root,
    outside,
    file(rel, content) {
      const p = path.join(root, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
      return p;
    },
    symlink(rel, target) {
      const p = path.join(root, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.symlinkSync(target, p);
    },
    cleanup() {
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** How many of this process's descriptors are open on `file` (Linux: /proc/self/fd). */
export function fdsOpenOn(file: string): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === file) n++;
    } catch {
      // closed while we looked (the readdir's own descriptor, for one)
    }
  }
  return n;
}
