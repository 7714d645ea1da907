import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Flags<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'];

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

/**
 * A command's flags, strictly: unknown flags, missing values and stray positionals become a
 * UsageError (usage printed, exit 2), and `--help`/`-h` prints the usage (exit 0).
 */
export function parseFlags<O extends Options>(args: string[], options: O): Flags<O> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, strict: true, allowPositionals: false, options: { ...options, ...HELP } }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values['help'] === true) throw new UsageError(null);
  return values as Flags<O>;
}

/**
 * The same for commands that also take positionals (a capture file, a suite and case ids):
 * strict flags, `--help`/`-h`, and every parse error as a UsageError. Values stay loosely typed,
 * as the conformance commands hand them on to shared checks.
 */
export function parseFlagsAndPositionals(args: string[], options: Options): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { ...options, ...HELP } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.values['help'] === true) throw new UsageError(null);
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}
