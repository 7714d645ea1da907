/**
 * Parser for the human-readable report that wrk 4.x prints on stdout. wrk has no machine-readable
 * output without a Lua script, and a Lua script would have to be shipped and kept in sync with the
 * wrk build, so we parse the text; the formats below are fixed in wrk's src/wrk.c and src/units.c.
 *
 *   Running 8s test @ http://127.0.0.1:8080/hello
 *     1 threads and 64 connections
 *     Thread Stats   Avg      Stdev     Max   +/- Stdev
 *       Latency     1.60ms    5.09ms  71.47ms   97.64%
 *       Req/Sec    72.31k    19.61k   84.89k    90.00%
 *     Latency Distribution                      (only with --latency)
 *        50%  790.00us
 *        99%   29.66ms
 *     143353 requests in 2.00s, 24.20MB read
 *     Socket errors: connect 0, read 985, write 0, timeout 0     (only when any is nonzero)
 *     Non-2xx or 3xx responses: 6901                             (only when nonzero)
 *   Requests/sec:  71612.59
 *   Transfer/sec:     12.09MB
 *
 * Note: despite its label, wrk's "Non-2xx or 3xx" counter only counts statuses >= 400
 * (wrk.c: `if (status > 399)`); 3xx responses are not counted anywhere. Callers that need "2xx
 * only" must also check a sample response themselves.
 */

export interface WrkLatency {
  avgMs: number;
  stdevMs: number;
  maxMs: number;
  /** Share of samples within one stdev of the mean; null when wrk printed "-nan%" (no samples). */
  withinStdevPct: number | null;
}

export interface WrkThreadRate {
  avg: number;
  stdev: number;
  max: number;
}

export interface WrkSocketErrors {
  connect: number;
  read: number;
  write: number;
  timeout: number;
}

export interface WrkResult {
  url: string | null;
  threads: number | null;
  connections: number | null;
  latency: WrkLatency;
  /** Per-thread request rate statistics (the "Req/Sec" row); null if the row is missing. */
  reqPerThread: WrkThreadRate | null;
  /** Latency percentiles in ms keyed by percentile ("50", "75", "90", "99"); empty without --latency. */
  percentilesMs: Record<string, number>;
  totalRequests: number;
  durationSec: number;
  bytesRead: number;
  /** All zero when wrk printed no "Socket errors:" line (it only prints it when one is nonzero). */
  socketErrors: WrkSocketErrors;
  /** Responses with status >= 400 (see the note at the top of this file). */
  non2xx3xx: number;
  requestsPerSec: number;
  transferPerSecBytes: number | null;
}

export class WrkParseError extends Error {
  constructor(message: string, readonly output: string) {
    super(`${message}\n--- wrk output ---\n${output.trim()}\n------------------`);
    this.name = 'WrkParseError';
  }
}

// wrk prints "-nan"/"nan" when a statistic has no samples (e.g. every request timed out).
const NUM = String.raw`(-?nan|-?\d+(?:\.\d+)?)`;
const TIME = String.raw`${NUM}(us|ms|s|m|h)`;
const METRIC = String.raw`${NUM}([kMGTP]?)`;
const BINARY = String.raw`${NUM}([KMGTP]?B)`;

const TIME_TO_MS: Record<string, number> = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
const METRIC_SCALE: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
const BINARY_SCALE: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
};

function num(text: string): number {
  // NaN only reaches callers through fields documented as nullable or as "no samples".
  return /nan/.test(text) ? Number.NaN : Number(text);
}

/** Converts a wrk time such as "790.00us", "1.60ms" or "1.51s" to milliseconds. */
export function wrkTimeToMs(value: string, unit: string): number {
  const scale = TIME_TO_MS[unit];
  if (scale === undefined) throw new Error(`unknown wrk time unit "${unit}"`);
  return num(value) * scale;
}

function metric(value: string, unit: string): number {
  return num(value) * (METRIC_SCALE[unit] ?? Number.NaN);
}

function binary(value: string, unit: string): number {
  return num(value) * (BINARY_SCALE[unit] ?? Number.NaN);
}

/** Parses wrk's stdout. Throws WrkParseError when a line every wrk report has is missing. */
export function parseWrkOutput(output: string): WrkResult {
  const text = output.replace(/\r\n/g, '\n');

  const running = /^Running .+? test @ (\S+)/m.exec(text);
  const shape = /^\s*(\d+) threads and (\d+) connections/m.exec(text);

  const lat = new RegExp(String.raw`^\s*Latency\s+${TIME}\s+${TIME}\s+${TIME}\s+${NUM}%`, 'm').exec(text);
  if (!lat) throw new WrkParseError('wrk output has no "Latency" statistics row', output);
  const within = num(lat[7]!);
  const latency: WrkLatency = {
    avgMs: wrkTimeToMs(lat[1]!, lat[2]!),
    stdevMs: wrkTimeToMs(lat[3]!, lat[4]!),
    maxMs: wrkTimeToMs(lat[5]!, lat[6]!),
    withinStdevPct: Number.isNaN(within) ? null : within,
  };

  const rps = new RegExp(String.raw`^\s*Req/Sec\s+${METRIC}\s+${METRIC}\s+${METRIC}\s`, 'm').exec(text);
  const reqPerThread: WrkThreadRate | null = rps
    ? { avg: metric(rps[1]!, rps[2]!), stdev: metric(rps[3]!, rps[4]!), max: metric(rps[5]!, rps[6]!) }
    : null;

  const percentilesMs: Record<string, number> = {};
  const dist = /^\s*Latency Distribution\s*$/m.exec(text);
  if (dist) {
    // The distribution is the run of "NN%  <time>" lines right after its heading.
    const after = text.slice(dist.index + dist[0].length).split('\n');
    const row = new RegExp(String.raw`^\s*(\d+(?:\.\d+)?)%\s+${TIME}\s*$`);
    for (const line of after) {
      if (line.trim() === '') continue;
      const m = row.exec(line);
      if (!m) break;
      percentilesMs[String(Number(m[1]))] = wrkTimeToMs(m[2]!, m[3]!);
    }
  }

  const totals = new RegExp(String.raw`^\s*(\d+) requests in ${TIME}, ${BINARY} read`, 'm').exec(text);
  if (!totals) throw new WrkParseError('wrk output has no "N requests in T, B read" line', output);

  const sock = /^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/m.exec(text);
  const socketErrors: WrkSocketErrors = sock
    ? { connect: Number(sock[1]), read: Number(sock[2]), write: Number(sock[3]), timeout: Number(sock[4]) }
    : { connect: 0, read: 0, write: 0, timeout: 0 };

  const bad = /^\s*Non-2xx or 3xx responses: (\d+)/m.exec(text);

  const reqSec = new RegExp(String.raw`^Requests/sec:\s+${NUM}\s*$`, 'm').exec(text);
  if (!reqSec) throw new WrkParseError('wrk output has no "Requests/sec:" line', output);
  const xfer = new RegExp(String.raw`^Transfer/sec:\s+${BINARY}\s*$`, 'm').exec(text);

  return {
    url: running ? running[1]! : null,
    threads: shape ? Number(shape[1]) : null,
    connections: shape ? Number(shape[2]) : null,
    latency,
    reqPerThread,
    percentilesMs,
    totalRequests: Number(totals[1]),
    durationSec: wrkTimeToMs(totals[2]!, totals[3]!) / 1000,
    bytesRead: binary(totals[4]!, totals[5]!),
    socketErrors,
    non2xx3xx: bad ? Number(bad[1]) : 0,
    requestsPerSec: num(reqSec[1]!),
    transferPerSecBytes: xfer ? binary(xfer[1]!, xfer[2]!) : null,
  };
}

/**
 * Everything in a parsed run that makes its req/s figure meaningless: error responses, socket
 * errors (a server that resets connections looks fast), or no completed requests at all.
 * Empty when the run is clean.
 */
export function wrkProblems(result: WrkResult): string[] {
  const problems: string[] = [];
  if (result.non2xx3xx > 0) problems.push(`${result.non2xx3xx} error responses (status >= 400)`);
  const s = result.socketErrors;
  const sockTotal = s.connect + s.read + s.write + s.timeout;
  if (sockTotal > 0) {
    problems.push(`socket errors: connect ${s.connect}, read ${s.read}, write ${s.write}, timeout ${s.timeout}`);
  }
  if (result.totalRequests === 0) problems.push('no requests completed');
  return problems;
}
