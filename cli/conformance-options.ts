import { UsageError } from './usage-error.js';
import { DEFAULT_FAULT_SEEDS, DEFAULT_SPLIT_LIMIT, parseFaultProfiles, type FaultProfileSpec, type FaultRun } from '../harness/conformance/faults.js';

/** parseArgs' values, as both conformance commands receive them. */
export type FlagValues = Record<string, string | boolean | undefined>;

/** Where a remote run goes: --host, --port and the TLS flags, checked the same way for both suites. */
export interface RemoteEndpoint {
  host: string;
  port: number;
  tls: boolean;
  insecure: boolean;
  servername?: string;
}

export function remoteEndpoint(values: FlagValues, suite: 'h1' | 'h2'): RemoteEndpoint {
  const tls = values['tls'] === true;
  if (!tls && values['insecure'] === true) throw new UsageError('--insecure applies to --tls only');
  if (!tls && values['servername'] !== undefined) throw new UsageError('--servername applies to --tls only');
  const host = values['host'];
  if (typeof host !== 'string' || host === '') throw new UsageError(`conformance ${suite} needs --host (or --faults, to run in-process against aeronet)`);
  const rawPort = values['port'];
  if (typeof rawPort !== 'string') throw new UsageError(`conformance ${suite} needs --port`);
  if (!/^[0-9]{1,5}$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) throw new UsageError(`--port must be an integer from 1 to 65535, got "${rawPort}"`);
  return { host, port: Number(rawPort), tls, insecure: values['insecure'] === true, ...(typeof values['servername'] === 'string' ? { servername: values['servername'] } : {}) };
}

/** One connection first, so that a server that is not there is one error, not a report of failed cases. */
export async function reachable(target: { describe: string; connect(): Promise<{ close(): void }> }): Promise<boolean> {
  try {
    (await target.connect()).close();
    return true;
  } catch (err) {
    process.stderr.write(`aeronet: cannot reach ${target.describe}: ${(err as Error).message}\n`);
    return false;
  }
}

export interface FaultsFlags {
  profiles: FaultProfileSpec[];
  seeds: number[];
  splitLimit: number;
  /** Progress on a terminal, nothing otherwise. */
  onRun?: (run: FaultRun) => void;
  /** Clear the progress line once done. */
  done(): void;
}

/**
 * --faults and its companions, for either suite: the runs are in-process against aeronet, so a
 * remote host or TLS flags make no sense with them and are refused, naming why.
 */
export function faultsFlags(values: FlagValues, protocol: string): FaultsFlags {
  if (values['host'] !== undefined || values['port'] !== undefined) {
    throw new UsageError(
      '--faults runs the suite in-process against aeronet, over the simulated network, so it takes no --host/--port. Through the fault proxy or across a netem link, against an `aeronet serve` it starts itself: --faults P --matrix --layers proxy,netem (or --via-proxy TOXIC / --via-netem PROFILE). Drop --host/--port.',
    );
  }
  for (const flag of ['tls', 'insecure'] as const) if (values[flag] === true) throw new UsageError(`--${flag} does not apply to --faults (the in-process runs are cleartext ${protocol})`);
  if (values['servername'] !== undefined) throw new UsageError('--servername does not apply to --faults');
  const { profiles, unknown } = parseFaultProfiles(values['faults'] as string);
  if (unknown.length > 0) throw new UsageError(`unknown fault profile${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => `"${u}"`).join(', ')} (available: choppy, byte, coalesce, splits, all)`);
  const count = (flag: string, max: number): number | undefined => {
    const raw = values[flag];
    if (typeof raw !== 'string') return undefined;
    if (!/^[0-9]{1,7}$/.test(raw) || Number(raw) === 0 || Number(raw) > max) throw new UsageError(`--${flag} must be an integer from 1 to ${max}, got "${raw}"`);
    return Number(raw);
  };
  const seedCount = count('seeds', 1000) ?? DEFAULT_FAULT_SEEDS;
  // --seed N: that one seed (a repro line of the matrix), instead of 1..--seeds.
  const oneSeed = count('seed', 1_000_000);
  if (oneSeed !== undefined && values['seeds'] !== undefined) throw new UsageError('give --seed or --seeds, not both');
  const progress = process.stderr.isTTY === true;
  return {
    profiles,
    seeds: oneSeed !== undefined ? [oneSeed] : Array.from({ length: seedCount }, (_, k) => k + 1),
    splitLimit: count('split-limit', 65_536) ?? DEFAULT_SPLIT_LIMIT,
    ...(progress ? { onRun: (run: FaultRun) => process.stderr.write(`\r\x1b[Kfaults: ${run.profile}${run.splitAt !== undefined ? ` at ${run.splitAt}` : ` seed ${run.seed}`}: ${run.cases} cases, ${run.failed} failed`) } : {}),
    done: () => {
      if (progress) process.stderr.write('\r\x1b[K');
    },
  };
}

/** --seeds, --seed and --split-limit only mean something with --faults (--seed: or --via-proxy). */
export function refuseFaultOnlyFlags(values: FlagValues): void {
  for (const flag of ['seeds', 'split-limit'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to --faults only`);
  if (values['seed'] !== undefined) throw new UsageError('--seed applies to --faults and --via-proxy only');
}
