import { $ as zx } from 'zx';

/** POSIX single-quoting (zx's default quote emits bash's $'...', which /bin/sh does not read). */
export function posixQuote(arg: string): string {
  if (arg === '') return "''";
  if (/^[A-Za-z0-9_./:%=@+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * zx's `$` on /bin/sh, quiet and never throwing (callers read exitCode). Inside User-Mode Linux a
 * bash takes about 6 s to start against 50 ms for sh (measured), and every ip/tc command of a
 * run goes through here; sh needs no prefix (zx's default `set -euo pipefail;` is bash's).
 */
export const $ = zx({ shell: '/bin/sh', prefix: '', postfix: '', quote: posixQuote, quiet: true, nothrow: true });
