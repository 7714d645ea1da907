/**
 * One direction's link impairments, as `tc qdisc ... netem` takes them (tc-netem(8), iproute2
 * 6.1), plus an optional tbf behind it. Written as data so a manifest records exactly what was
 * applied and `repro` re-applies it; `netemArgs` is the one place that spells tc's syntax.
 */
export interface NetemParams {
  /** Fixed delay added to every packet. */
  delayMs?: number;
  /** ± around the delay; needs delayMs. */
  jitterMs?: number;
  /** How the jitter is drawn (tc's tables); needs jitterMs. */
  distribution?: 'uniform' | 'normal' | 'pareto' | 'paretonormal';
  /** Independent random loss, in percent. */
  lossPct?: number;
  /**
   * Gilbert-Elliott loss (bursts), in percent, as tc takes `loss gemodel p r 1-h 1-k`: pPct is
   * the chance to go from the good state to the bad one, rPct back; lossInBadPct (1-h, default
   * 100) and lossInGoodPct (1-k, default 0) are the loss in each state.
   */
  gemodel?: { pPct: number; rPct: number; lossInBadPct?: number; lossInGoodPct?: number };
  duplicatePct?: number;
  /** Send this share of packets at once (the rest delayed): reordering; needs delayMs > 0. */
  reorderPct?: number;
  reorderCorrelationPct?: number;
  /** Flip a random bit in this share of packets (the receiver's TCP checksum drops them). */
  corruptPct?: number;
  /** netem's own rate limit, in kbit/s. */
  rateKbit?: number;
  /** Packets netem may hold (its queue; default 1000). */
  limit?: number;
  /** A token bucket behind netem (as its child qdisc). */
  tbf?: { rateKbit: number; burstBytes: number; latencyMs: number };
}

export type Direction = 'clientToServer' | 'serverToClient';

const PCT_FIELDS = ['lossPct', 'duplicatePct', 'reorderPct', 'reorderCorrelationPct', 'corruptPct'] as const;

/** Every problem with `p`, in words; [] when tc will take it. */
export function netemProblems(p: NetemParams, where = 'netem'): string[] {
  const out: string[] = [];
  const num = (v: unknown, name: string, min: number, max: number, integer = false): void => {
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      out.push(`${where}.${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
  };
  num(p.delayMs, 'delayMs', 0, 60_000);
  num(p.jitterMs, 'jitterMs', 0, 60_000);
  for (const f of PCT_FIELDS) num(p[f], f, 0, 100);
  num(p.rateKbit, 'rateKbit', 1, 100_000_000, true);
  num(p.limit, 'limit', 1, 10_000_000, true);
  if (p.jitterMs !== undefined && p.delayMs === undefined) out.push(`${where}.jitterMs needs delayMs`);
  if (p.distribution !== undefined && !['uniform', 'normal', 'pareto', 'paretonormal'].includes(p.distribution)) out.push(`${where}.distribution must be uniform, normal, pareto or paretonormal`);
  if (p.distribution !== undefined && p.jitterMs === undefined) out.push(`${where}.distribution needs jitterMs`);
  if (p.reorderPct !== undefined && !(p.delayMs !== undefined && p.delayMs > 0)) out.push(`${where}.reorderPct needs delayMs > 0 (netem reorders by sending some packets without the delay)`);
  if (p.reorderCorrelationPct !== undefined && p.reorderPct === undefined) out.push(`${where}.reorderCorrelationPct needs reorderPct`);
  if (p.lossPct !== undefined && p.gemodel !== undefined) out.push(`${where}: give lossPct or gemodel, not both`);
  if (p.gemodel !== undefined) {
    num(p.gemodel.pPct, 'gemodel.pPct', 0, 100);
    num(p.gemodel.rPct, 'gemodel.rPct', 0, 100);
    num(p.gemodel.lossInBadPct, 'gemodel.lossInBadPct', 0, 100);
    num(p.gemodel.lossInGoodPct, 'gemodel.lossInGoodPct', 0, 100);
  }
  if (p.tbf !== undefined) {
    num(p.tbf.rateKbit, 'tbf.rateKbit', 1, 100_000_000, true);
    num(p.tbf.burstBytes, 'tbf.burstBytes', 1, 1 << 30, true);
    num(p.tbf.latencyMs, 'tbf.latencyMs', 1, 60_000, true);
  }
  const known = new Set(['delayMs', 'jitterMs', 'distribution', 'lossPct', 'gemodel', 'duplicatePct', 'reorderPct', 'reorderCorrelationPct', 'corruptPct', 'rateKbit', 'limit', 'tbf']);
  for (const k of Object.keys(p)) if (!known.has(k)) out.push(`${where}: unknown parameter "${k}"`);
  return out;
}

/** tc prints numbers as given; keep at most 3 decimals and no exponent. */
function n(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

/**
 * The words after `netem` in `tc qdisc add dev X root handle 1: netem ...`. `seed` is passed only
 * when the running tc knows it (iproute2 >= 6.2; 6.1 has none, so netem's draws are the kernel's).
 */
export function netemArgs(p: NetemParams, seed?: number): string[] {
  const args: string[] = [];
  if (p.limit !== undefined) args.push('limit', String(p.limit));
  if (p.delayMs !== undefined) {
    args.push('delay', `${n(p.delayMs)}ms`);
    if (p.jitterMs !== undefined) args.push(`${n(p.jitterMs)}ms`);
    if (p.distribution !== undefined) args.push('distribution', p.distribution);
  }
  if (p.lossPct !== undefined) args.push('loss', 'random', `${n(p.lossPct)}%`);
  if (p.gemodel !== undefined) {
    const g = p.gemodel;
    args.push('loss', 'gemodel', `${n(g.pPct)}%`, `${n(g.rPct)}%`, `${n(g.lossInBadPct ?? 100)}%`, `${n(g.lossInGoodPct ?? 0)}%`);
  }
  if (p.duplicatePct !== undefined) args.push('duplicate', `${n(p.duplicatePct)}%`);
  if (p.reorderPct !== undefined) {
    args.push('reorder', `${n(p.reorderPct)}%`);
    if (p.reorderCorrelationPct !== undefined) args.push(`${n(p.reorderCorrelationPct)}%`);
  }
  if (p.corruptPct !== undefined) args.push('corrupt', `${n(p.corruptPct)}%`);
  if (p.rateKbit !== undefined) args.push('rate', `${p.rateKbit}kbit`);
  if (seed !== undefined) args.push('seed', String(seed >>> 0));
  return args;
}

/** `tbf rate ... burst ... latency ...` for the child qdisc, or null. */
export function tbfArgs(p: NetemParams): string[] | null {
  if (p.tbf === undefined) return null;
  return ['tbf', 'rate', `${p.tbf.rateKbit}kbit`, 'burst', String(p.tbf.burstBytes), 'latency', `${p.tbf.latencyMs}ms`];
}
