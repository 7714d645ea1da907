import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineNetemScenario, type NetemScenario } from '../../netem/netem-scenario.js';
import { aeronetCli } from '../../proxy/layer/serve-process.js';
import type { CaseResultKind } from '../h2/run-suite.js';
import { netemMatrixProfile } from './netem-profiles.js';
import { matrixSuite, type SuiteName } from './suites.js';

/*
 * A netem scenario that runs a conformance suite across the link and hands back each case's
 * verdict. The netem layer runs scenarios by name, in a User-Mode Linux guest and in the client
 * namespace's own process, and a name is all that reaches them (job.json, `netem-client
 * --scenario`): so the plan (suite, link profile, wait, strict, case filter) is spelled into the
 * name, and scenarios/netem/index.ts's findNetemScenario builds the scenario back from it. The
 * verdicts come back in the run's notes (result.json), which the host reads anyway.
 */

export interface NetemMatrixPlan {
  suite: SuiteName;
  /** A netem-profiles.ts name. */
  profile: string;
  timeoutMs: number;
  /** h2 --strict. */
  strict: boolean;
  /** h2 --stall-limit, null for none. */
  stallLimitMs: number | null;
  /** The case filter, or null for the whole suite. */
  filter: readonly string[] | null;
}

const PREFIX = 'netem/matrix-';
/** Longer names would make artifact folders with unwieldy names: the filter is then applied on the host. */
export const MAX_NAME_LENGTH = 200;

// Filter entries are case ids and groups ([a-z0-9./-]); a scenario name allows [a-z0-9-]. "-" escapes.
const ESCAPES: Record<string, string> = { '/': 's', '.': 'd', '-': 'h', ',': 'c' };
const UNESCAPES: Record<string, string> = Object.fromEntries(Object.entries(ESCAPES).map(([k, v]) => [v, k]));

function encodeFilter(filter: readonly string[]): string | null {
  const joined = filter.join(',');
  if (!/^[a-z0-9./,-]+$/.test(joined) || filter.some((e) => e === '' || e.includes(','))) return null;
  return joined.replace(/[/.,-]/g, (ch) => `-${ESCAPES[ch]}`);
}

function decodeFilter(s: string): string[] | null {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '-') {
      out += ch;
      continue;
    }
    const un = UNESCAPES[s[i + 1] ?? ''];
    if (un === undefined) return null;
    out += un;
    i++;
  }
  return out.split(',');
}

/** The scenario name for a plan; a filter that cannot be spelled (or would be too long) is dropped: see planCoversFilter. */
export function netemScenarioName(plan: NetemMatrixPlan): string {
  const head = `${PREFIX}${plan.suite}-${plan.profile}-t${plan.timeoutMs}${plan.strict ? '-strict' : ''}${plan.stallLimitMs !== null ? `-s${plan.stallLimitMs}` : ''}`;
  const filter = plan.filter !== null && plan.filter.length > 0 ? encodeFilter(plan.filter) : null;
  const full = filter !== null ? `${head}-f-${filter}` : head;
  return full.length <= MAX_NAME_LENGTH ? full : head;
}

/** The plan a name spells, or null when it is not a matrix scenario's name. */
export function parseNetemScenarioName(name: string): NetemMatrixPlan | null {
  const m = /^netem\/matrix-(h1|h2)-([a-z]+)-t(\d{1,7})(-strict)?(?:-s(\d{1,7}))?(?:-f-([a-z0-9-]+))?$/.exec(name);
  if (m === null || netemMatrixProfile(m[2]!) === undefined) return null;
  const filter = m[6] !== undefined ? decodeFilter(m[6]) : null;
  if (m[6] !== undefined && filter === null) return null;
  return { suite: m[1] as SuiteName, profile: m[2]!, timeoutMs: Number(m[3]), strict: m[4] !== undefined, stallLimitMs: m[5] !== undefined ? Number(m[5]) : null, filter };
}

/** The marker of the note that carries the verdicts. */
export const VERDICTS_NOTE = 'conformance-verdicts';

/** A case's verdict as it travels back from the guest: the actual only where it says why. */
export interface CarriedVerdict {
  id: string;
  result: CaseResultKind;
  actual?: string;
}

/** The verdicts note of a run's notes (each note is "<ms> ms  <message>"), or null when there is none. */
export function verdictsFromNotes(notes: readonly string[]): CarriedVerdict[] | null {
  for (const n of notes) {
    const k = n.indexOf(`${VERDICTS_NOTE} `);
    if (k === -1) continue;
    try {
      const parsed = JSON.parse(n.slice(k + VERDICTS_NOTE.length + 1)) as unknown;
      if (Array.isArray(parsed) && parsed.every((v) => typeof v === 'object' && v !== null && typeof (v as CarriedVerdict).id === 'string' && ['passed', 'failed', 'skipped'].includes((v as CarriedVerdict).result))) return parsed as CarriedVerdict[];
    } catch {
      // a truncated note: no verdicts
    }
    return null;
  }
  return null;
}

/** The note's message for a suite report's cases. */
export function verdictsNote(cases: ReadonlyArray<{ id: string; result: CaseResultKind; actual: string }>): string {
  const carried: CarriedVerdict[] = cases.map((c) => (c.result === 'passed' ? { id: c.id, result: c.result } : { id: c.id, result: c.result, actual: c.actual.slice(0, 400) }));
  return `${VERDICTS_NOTE} ${JSON.stringify(carried)}`;
}

/** Longest the suite may run across the link (the netem runner adds its own margin and kills past it). */
export function netemLimitMs(suite: SuiteName): number {
  // Measured across the lossy link, the whole suite takes a minute or two; leave room for UML.
  return suite === 'h1' ? 300_000 : 600_000;
}

/** The scenario for a plan. */
export function matrixNetemScenario(plan: NetemMatrixPlan): NetemScenario {
  const profile = netemMatrixProfile(plan.profile);
  if (profile === undefined) throw new Error(`unknown netem matrix profile ${plan.profile}`);
  const suite = matrixSuite(plan.suite);
  const limitMs = netemLimitMs(plan.suite);
  return defineNetemScenario({
    name: netemScenarioName(plan),
    description: `the ${suite.protocol} conformance suite (aeronet conformance ${plan.suite}${plan.filter !== null ? ` ${plan.filter.join(' ')}` : ''}) across ${profile.summary}, for the conformance x faults matrix`,
    protocol: plan.suite === 'h1' ? 'h1' : 'h2c',
    expect: 'the suite runs to its report across the link (each case\'s verdict goes back to the matrix; a failing case does not fail this run)',
    limitMs,
    link: () => structuredClone(profile.link) as ReturnType<NetemScenario['link']>,
    async run(ctx) {
      const dir = mkdtempSync(path.join(tmpdir(), 'aeronet-netem-matrix-'));
      const file = path.join(dir, 'report.json');
      try {
        const args = [aeronetCli(), ...suite.cliArgs(ctx.target.host, ctx.target.port, { timeoutMs: plan.timeoutMs, strict: plan.strict, ...(plan.stallLimitMs !== null ? { stallLimitMs: plan.stallLimitMs } : {}) }), '--json', file, ...(plan.filter ?? [])];
        const run = await runCli(args, limitMs - 15_000);
        let cases: Array<{ id: string; result: CaseResultKind; actual: string }>;
        try {
          cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: typeof cases }).cases;
        } catch {
          ctx.check(false, `conformance ${plan.suite} across the link wrote no report (${run.how}): ${run.output.trim().slice(-800)}`);
          return;
        }
        ctx.note(`conformance ${plan.suite} across the link: ${cases.filter((c) => c.result === 'passed').length} passed, ${cases.filter((c) => c.result === 'failed').length} failed, ${cases.filter((c) => c.result === 'skipped').length} skipped`);
        ctx.note(verdictsNote(cases));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  });
}

/** The matrix scenario a name spells (findNetemScenario's fallback), or undefined. */
export function findMatrixNetemScenario(name: string): NetemScenario | undefined {
  const plan = parseNetemScenarioName(name);
  return plan === null ? undefined : matrixNetemScenario(plan);
}

function runCli(args: readonly string[], timeoutMs: number): Promise<{ how: string; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
      const how = e === null ? 'exit 0' : e.signal ? `killed by ${e.signal} after ${timeoutMs / 1000} s` : `exit ${String(e.code)}`;
      resolve({ how, output: `${stdout}${stderr}` });
    });
  });
}
