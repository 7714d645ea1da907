import { CHOPPY, type FaultProfile } from '../sim/faults.js';

/*
 * A conformance suite under faults, whatever the suite (HTTP/2 today, HTTP/1.1 next): the same
 * cases, run again over links that cut, merge, delay and stall the bytes, against a server
 * in-process (TestSocket on virtual time). A case that passes on a clean link and fails under
 * faults is a server that depends on how its input is chunked or timed: a parser that expects a
 * frame header in one read, a state machine that misses a wake-up. The suite supplies two things:
 * a runner (run these cases on that target, say what each did and how many bytes it moved) and a
 * target factory (a fresh in-process target whose links follow a plan).
 */

export type CaseVerdictKind = 'passed' | 'failed' | 'skipped';

/** Bytes a case's connections carried, as the in-process target counts them. */
export interface CaseTraffic {
  /** Client to server, all of the case's connections. */
  clientToServer: number;
  serverToClient: number;
  /** The longest client->server stream of one connection: the splits profile cuts each of these. */
  longestClientStream: number;
}

/** What the generic code needs to know of a case's result. */
export interface CaseOutcome {
  id: string;
  result: CaseVerdictKind;
  expected?: string;
  actual: string;
  /** Known for in-process runs; a case without it counts as large (it gets the fallback profile). */
  traffic?: CaseTraffic;
}

/** How one run's links behave: each connection's two directions, and an optional cut. */
export interface LinkPlan {
  seed: number;
  clientToServer: FaultProfile;
  serverToClient: FaultProfile;
  /** Cut every connection's client->server stream once, at this offset (splits profile). */
  splitClientAt: number | null;
}

/** Run `caseIds` (null: the suite's whole selection) on `target`, in suite order. */
export type SuiteRunner<T, O extends CaseOutcome = CaseOutcome> = (target: T, caseIds: readonly string[] | null) => Promise<O[]>;
/** A fresh in-process target (a new simulated world and server) whose links follow `plan`. */
export type TargetFactory<T> = (plan: LinkPlan) => T;

/** A link that delivers every write whole, at once: nothing cut, merged or delayed. */
export const WHOLE_WRITES: FaultProfile = { maxSegment: [2 ** 30, 2 ** 30] };

/** The clean pass's plan: whole writes both ways. */
export const CLEAN_PLAN: LinkPlan = { seed: 1, clientToServer: WHOLE_WRITES, serverToClient: WHOLE_WRITES, splitClientAt: null };

/**
 * A fault profile as `--faults` names it. `links` are drawn per seed (sim/faults.ts); `small`
 * limits the profile to cases that moved at most `small.bytes` in each direction (or, for splits,
 * whose longest client->server stream is at most that), larger cases running the `small.fallback`
 * profile instead, for the same seeds.
 */
export interface FaultProfileSpec {
  name: string;
  summary: string;
  links?: { clientToServer: FaultProfile; serverToClient: FaultProfile };
  /** Every split point of each connection's client->server stream, one run per point; seeds do not apply. */
  splits?: true;
  small?: { bytes: number; fallback: string };
}

/** Seeds per profile under --faults unless --seeds says otherwise. */
export const DEFAULT_FAULT_SEEDS = 5;

/** Bytes either way under which a case is small enough to run byte by byte. */
export const BYTE_PROFILE_LIMIT = 16 * 1024;
/** The longest client->server stream whose every split point is tried (default of --split-limit). */
export const DEFAULT_SPLIT_LIMIT = 1024;

export const FAULT_PROFILES: readonly FaultProfileSpec[] = [
  {
    name: 'choppy',
    summary: 'the sim\'s CHOPPY profile both ways: 1..1500-octet segments, coalescing, latency and jitter, receiver stalls, smaller windows, EAGAIN/EINTR',
    links: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  },
  {
    name: 'byte',
    summary: `1-octet segments both ways, each up to 5 ms late (in order), for cases that move at most ${BYTE_PROFILE_LIMIT / 1024} KiB each way; larger ones (floods, 16 KiB frames) run choppy`,
    links: { clientToServer: { maxSegment: [1, 1], jitterMs: [0, 5] }, serverToClient: { maxSegment: [1, 1], jitterMs: [0, 5] } },
    small: { bytes: BYTE_PROFILE_LIMIT, fallback: 'choppy' },
  },
  {
    name: 'coalesce',
    summary: 'heavy coalescing both ways: every write merged into the segment still waiting to leave, with 1..20 ms of latency to gather them',
    links: { clientToServer: { maxSegment: [65_536, 65_536], coalesce: [1, 1], latencyMs: [1, 20] }, serverToClient: { maxSegment: [65_536, 65_536], coalesce: [1, 1], latencyMs: [1, 20] } },
  },
  {
    name: 'splits',
    summary: `every split point: for each case whose longest client->server stream is at most ${DEFAULT_SPLIT_LIMIT} octets (--split-limit), one run per offset k, each connection's stream cut once at k, writes otherwise whole; larger cases run choppy`,
    splits: true,
    small: { bytes: DEFAULT_SPLIT_LIMIT, fallback: 'choppy' },
  },
];

export function faultProfile(name: string): FaultProfileSpec | undefined {
  return FAULT_PROFILES.find((p) => p.name === name);
}

/** One case's result under one faulted run (or, for splits, under all its split points). */
export interface FaultedResult {
  /** The profile that ran: a fallback's name when the requested one did not apply to the case. */
  profile: string;
  /** The seed; null for the splits profile, which is deterministic. */
  seed: number | null;
  result: CaseVerdictKind;
  expected?: string;
  actual: string;
  /** Set when `profile` ran in place of this one (a case too large for it). */
  insteadOf?: string;
  /** Splits: offsets tried (1..length-1) and those where the case failed. */
  splitPoints?: { tried: number; failed: number[] };
}

/** One suite run under faults, for the report's summary. */
export interface FaultRun {
  profile: string;
  seed: number | null;
  /** Splits: the offset. */
  splitAt?: number;
  cases: number;
  failed: number;
  /** Real time the run took. */
  ms: number;
}

export interface FaultsOutcome<O extends CaseOutcome = CaseOutcome> {
  clean: O[];
  /** Per case id, its faulted results in the order they ran. */
  faulted: Map<string, FaultedResult[]>;
  /** Cases that passed on the clean pass and failed in at least one faulted run, in suite order. */
  passCleanFailFaults: string[];
  runs: FaultRun[];
  profiles: FaultProfileSpec[];
  seeds: number[];
  splitLimit: number;
}

export interface RunUnderFaultsOptions<O extends CaseOutcome> {
  /** The clean pass, if already run (with traffic); otherwise it runs first, on CLEAN_PLAN. */
  clean?: O[];
  /** Longest client->server stream whose split points are all tried (default DEFAULT_SPLIT_LIMIT). */
  splitLimit?: number;
  /** Called after each run, for progress output. */
  onRun?: (run: FaultRun) => void;
  /**
   * Under a seeded profile, run each case in a world of its own, seeded by caseWorldSeed(seed,
   * id), rather than all of a run's cases in one world seeded by `seed`. The Sim draws a
   * connection's faults from its number in its world, so in a shared world what a case meets
   * depends on the cases before it; alone, it meets the same faults in any selection, and
   * `--faults P --seed S ID` replays exactly what it met in a whole run. (Not for splits, whose
   * links draw nothing: every world gives the same cut.)
   */
  caseWorlds?: boolean;
}

/**
 * The seed of a case's own world under a run's seed (RunUnderFaultsOptions.caseWorlds): FNV-1a
 * of "seed/id", so that each case draws its own link parameters, stably on every machine.
 */
export function caseWorldSeed(seed: number, id: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(`${seed}/${id}`, 'utf8')) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const planFor = (spec: FaultProfileSpec, seed: number): LinkPlan => ({
  seed,
  clientToServer: spec.links?.clientToServer ?? WHOLE_WRITES,
  serverToClient: spec.links?.serverToClient ?? WHOLE_WRITES,
  splitClientAt: null,
});

/**
 * Run a suite clean, then under each profile for each seed, and say which cases pass clean but
 * fail under faults. Cases skipped on the clean pass are not run again. A run that throws (the
 * simulation hung) fails every case it was running, with the error as `actual`.
 */
export async function runUnderFaults<T, O extends CaseOutcome>(
  suiteRunner: SuiteRunner<T, O>,
  targetFactory: TargetFactory<T>,
  profiles: readonly FaultProfileSpec[],
  seeds: readonly number[],
  options: RunUnderFaultsOptions<O> = {},
): Promise<FaultsOutcome<O>> {
  const splitLimit = options.splitLimit ?? DEFAULT_SPLIT_LIMIT;
  const clean = options.clean ?? (await suiteRunner(targetFactory(CLEAN_PLAN), null));
  const runs: FaultRun[] = [];
  const runnable = clean.filter((c) => c.result !== 'skipped');
  const order = new Map(clean.map((c, k) => [c.id, k]));

  /** One suite run; per case id, its outcome. */
  const runOnce = async (plan: LinkPlan, ids: readonly string[], label: { profile: string; seed: number | null; splitAt?: number }): Promise<Map<string, CaseOutcome>> => {
    const started = performance.now();
    const guarded = async (p: LinkPlan, some: readonly string[]): Promise<CaseOutcome[]> => {
      try {
        return await suiteRunner(targetFactory(p), some);
      } catch (err) {
        const why = `the run did not finish: ${err instanceof Error ? err.message : String(err)}`;
        return some.map((id) => ({ id, result: 'failed', actual: why }));
      }
    };
    let outcomes: CaseOutcome[] = [];
    if (options.caseWorlds === true && plan.splitClientAt === null) {
      for (const id of ids) outcomes.push(...(await guarded({ ...plan, seed: caseWorldSeed(plan.seed, id) }, [id])));
    } else {
      outcomes = await guarded(plan, ids);
    }
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    // A case the runner did not report (it should not happen) counts as failed, not as passed.
    for (const id of ids) if (!byId.has(id)) byId.set(id, { id, result: 'failed', actual: 'the run did not report this case' });
    const run: FaultRun = { ...label, cases: ids.length, failed: [...byId.values()].filter((o) => o.result === 'failed').length, ms: Math.round(performance.now() - started) };
    runs.push(run);
    options.onRun?.(run);
    return byId;
  };

  // Per "profile/seed": results already run, so that a fallback (choppy for the cases too large
  // for byte) and the profile itself share runs instead of repeating them.
  const done = new Map<string, Map<string, FaultedResult>>();
  const faulted = new Map<string, FaultedResult[]>();
  const record = (id: string, r: FaultedResult) => {
    let list = faulted.get(id);
    if (list === undefined) faulted.set(id, (list = []));
    // The same run may be recorded twice: as its own profile, and in place of another one (a
    // case too large for byte runs choppy; with choppy asked for too, that run is shared).
    if (!list.some((x) => x.profile === r.profile && x.seed === r.seed && x.insteadOf === r.insteadOf)) list.push(r);
  };
  const runLinks = async (spec: FaultProfileSpec, ids: readonly string[], insteadOf?: string) => {
    if (ids.length === 0) return;
    for (const seed of seeds) {
      const key = `${spec.name}/${seed}`;
      let results = done.get(key);
      if (results === undefined) done.set(key, (results = new Map()));
      const missing = ids.filter((id) => !results!.has(id));
      if (missing.length > 0) {
        const outcomes = await runOnce(planFor(spec, seed), missing, { profile: spec.name, seed });
        for (const [id, o] of outcomes) results.set(id, { profile: spec.name, seed, result: o.result, ...(o.expected !== undefined ? { expected: o.expected } : {}), actual: o.actual });
      }
      for (const id of ids) record(id, { ...results.get(id)!, ...(insteadOf !== undefined ? { insteadOf } : {}) });
    }
  };

  for (const spec of profiles) {
    const limit = spec.splits === true ? splitLimit : spec.small?.bytes;
    const size = (c: CaseOutcome) => (c.traffic === undefined ? Infinity : spec.splits === true ? c.traffic.longestClientStream : Math.max(c.traffic.clientToServer, c.traffic.serverToClient));
    const small = limit === undefined ? runnable : runnable.filter((c) => size(c) <= limit);
    const large = limit === undefined ? [] : runnable.filter((c) => size(c) > limit);
    if (large.length > 0) {
      const fallback = faultProfile(spec.small!.fallback);
      if (fallback === undefined) throw new Error(`fault profile ${spec.name}: unknown fallback ${spec.small!.fallback}`);
      await runLinks(fallback, large.map((c) => c.id), spec.name);
    }
    if (spec.splits !== true) {
      await runLinks(spec, small.map((c) => c.id));
      continue;
    }
    // Splits: one run per offset k, of the small cases whose streams are longer than k (a cut at
    // or past the end is no cut). Each case's results are gathered into one entry.
    const failedAt = new Map<string, Array<{ k: number; outcome: CaseOutcome }>>(small.map((c) => [c.id, []]));
    const longest = Math.max(0, ...small.map((c) => c.traffic!.longestClientStream));
    for (let k = 1; k < longest; k++) {
      const ids = small.filter((c) => c.traffic!.longestClientStream > k).map((c) => c.id);
      const outcomes = await runOnce({ ...CLEAN_PLAN, splitClientAt: k }, ids, { profile: spec.name, seed: null, splitAt: k });
      for (const [id, o] of outcomes) if (o.result === 'failed') failedAt.get(id)!.push({ k, outcome: o });
    }
    for (const c of small) {
      const tried = Math.max(0, c.traffic!.longestClientStream - 1);
      const failures = failedAt.get(c.id)!;
      const first = failures[0];
      record(c.id, {
        profile: spec.name,
        seed: null,
        result: failures.length > 0 ? 'failed' : 'passed',
        ...(first?.outcome.expected !== undefined ? { expected: first.outcome.expected } : {}),
        actual: first === undefined
          ? `passed at all ${tried} split points`
          : `failed at ${failures.length} of ${tried} split points (${compactRanges(failures.map((f) => f.k))}); at ${first.k}: ${first.outcome.actual}`,
        splitPoints: { tried, failed: failures.map((f) => f.k) },
      });
    }
  }

  for (const list of faulted.values()) list.sort((a, b) => profileRank(profiles, a) - profileRank(profiles, b) || (a.seed ?? 0) - (b.seed ?? 0));
  const passCleanFailFaults = clean
    .filter((c) => c.result === 'passed' && (faulted.get(c.id) ?? []).some((r) => r.result === 'failed'))
    .map((c) => c.id)
    .sort((a, b) => order.get(a)! - order.get(b)!);
  return { clean, faulted, passCleanFailFaults, runs, profiles: [...profiles], seeds: [...seeds], splitLimit };
}

/** Requested profiles in their order; a fallback's results sort with the profile that asked for it. */
function profileRank(profiles: readonly FaultProfileSpec[], r: FaultedResult): number {
  const k = profiles.findIndex((p) => p.name === (r.insteadOf ?? r.profile));
  return k === -1 ? profiles.length : k;
}

/** 3, 4, 5, 9 -> "3-5, 9". */
export function compactRanges(values: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    out.push(j === i ? String(values[i]) : `${values[i]}-${values[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** Parse "--faults choppy,byte" (or "all"): the profiles, or the names that are unknown. */
export function parseFaultProfiles(value: string): { profiles: FaultProfileSpec[]; unknown: string[] } {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 1 && names[0] === 'all') return { profiles: [...FAULT_PROFILES], unknown: [] };
  const unknown = names.filter((n) => faultProfile(n) === undefined);
  const profiles = [...new Set(names)].map(faultProfile).filter((p): p is FaultProfileSpec => p !== undefined);
  return { profiles, unknown: names.length === 0 ? [''] : unknown };
}

/** What a report says about the faulted runs as a whole (JSON: the top-level "faults"). */
export interface FaultsSummary {
  /** Where the faulted runs ran ("in-process: ..."). */
  where: string;
  profiles: Array<{ name: string; summary: string }>;
  seeds: number[];
  splitLimit: number;
  /** Suite runs, failed case runs among them, and the real time they took. */
  runs: number;
  caseRuns: number;
  failedCaseRuns: number;
  ms: number;
  passCleanFailFaults: string[];
}

export function summarizeFaults(outcome: FaultsOutcome, where: string): FaultsSummary {
  return {
    where,
    profiles: outcome.profiles.map(({ name, summary }) => ({ name, summary })),
    seeds: outcome.seeds,
    splitLimit: outcome.splitLimit,
    runs: outcome.runs.length,
    caseRuns: outcome.runs.reduce((n, r) => n + r.cases, 0),
    failedCaseRuns: outcome.runs.reduce((n, r) => n + r.failed, 0),
    ms: outcome.runs.reduce((n, r) => n + r.ms, 0),
    passCleanFailFaults: outcome.passCleanFailFaults,
  };
}

/**
 * Per case, the bytes moved by the connections it opened, for a suite running on `sim`: cases run
 * one at a time and open connections in order, so each case's are those opened since the last call.
 */
export function trafficCounter(sim: { readonly connections: ReadonlyArray<{ c2s: { sentBytes: number }; s2c: { sentBytes: number } }> }): () => CaseTraffic {
  let seen = 0;
  return () => {
    const conns = sim.connections.slice(seen);
    seen = sim.connections.length;
    return {
      clientToServer: conns.reduce((n, c) => n + c.c2s.sentBytes, 0),
      serverToClient: conns.reduce((n, c) => n + c.s2c.sentBytes, 0),
      longestClientStream: Math.max(0, ...conns.map((c) => c.c2s.sentBytes)),
    };
  };
}

/** What a suite needs to run clean and under faults, whichever protocol it checks. */
export interface SuiteFaultsOptions<T> {
  profiles: readonly FaultProfileSpec[];
  seeds: readonly number[];
  splitLimit?: number;
  onRun?: (run: FaultRun) => void;
  /** Where each run goes (aeronet in-process, by default, for both suites). */
  targets?: TargetFactory<T>;
  /** What the report calls the target (default AERONET_IN_PROCESS). */
  describe?: string;
}

export const AERONET_IN_PROCESS = 'aeronet in-process (demo routes, simulated network on virtual time)';

/**
 * A suite clean (whole writes both ways) and under each profile and seed, as one report: the
 * clean pass's cases, each with its faulted results, and the summary with the cases that pass
 * clean but fail under faults. `runner(onCase)` makes the suite's runner; the clean pass reports
 * progress through the caller's onCase, the faulted runs through onRun.
 */
export async function runSuiteUnderFaults<T, R extends CaseOutcome>(
  runner: (quiet: boolean) => SuiteRunner<T, R>,
  defaultTargets: TargetFactory<T>,
  faults: SuiteFaultsOptions<T>,
): Promise<{ target: string; cases: Array<Omit<R, 'traffic'> & { faults?: FaultedResult[] }>; faults: FaultsSummary }> {
  const targets = faults.targets ?? defaultTargets;
  const clean = await runner(false)(targets(CLEAN_PLAN), null);
  const outcome = await runUnderFaults(runner(true), targets, faults.profiles, faults.seeds, {
    clean,
    // A case meets the same faults alone as in the whole run: `--seed S ID` replays it exactly.
    caseWorlds: true,
    ...(faults.splitLimit !== undefined ? { splitLimit: faults.splitLimit } : {}),
    ...(faults.onRun !== undefined ? { onRun: faults.onRun } : {}),
  });
  const describe = faults.describe ?? AERONET_IN_PROCESS;
  return {
    target: describe,
    cases: clean.map(({ traffic: _traffic, ...c }) => {
      const list = outcome.faulted.get(c.id);
      return list !== undefined ? { ...c, faults: list } : c;
    }),
    faults: summarizeFaults(outcome, describe),
  };
}

/** An in-process target: its connections live in a Sim, and work on it runs on virtual time. */
export interface InProcessTarget {
  readonly sim: Parameters<typeof trafficCounter>[0];
  run<W>(work: Promise<W>): Promise<W>;
}

/**
 * A suite as runUnderFaults drives it, for either protocol: run the chosen cases on an
 * in-process target and attach to each result the bytes its connections moved.
 */
export function measuredSuiteRunner<T extends InProcessTarget, R extends CaseOutcome, O extends { filter?: readonly string[]; onCase?: (result: R) => void }>(
  runSuite: (target: T, options: O) => Promise<unknown>,
  options: O,
): SuiteRunner<T, R & { traffic: CaseTraffic }> {
  return async (target, caseIds) => {
    const results: Array<R & { traffic: CaseTraffic }> = [];
    const traffic = trafficCounter(target.sim);
    await target.run(
      runSuite(target, {
        ...options,
        ...(caseIds !== null ? { filter: caseIds } : {}),
        onCase: (result: R) => {
          results.push({ ...result, traffic: traffic() });
          options.onCase?.(result);
        },
      }),
    );
    return results;
  };
}

/** A plan's links as a sim target's options (seed, faults both ways, the split point). */
export function simLinkOptions(plan: LinkPlan): { seed: number; faults: { clientToServer: FaultProfile; serverToClient: FaultProfile }; splitClientAt: number | null } {
  return { seed: plan.seed, faults: { clientToServer: plan.clientToServer, serverToClient: plan.serverToClient }, splitClientAt: plan.splitClientAt };
}
