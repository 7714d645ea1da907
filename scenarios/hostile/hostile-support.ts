/**
 * Shared expectations of the hostile-link scenarios (not a scenario itself). On a hostile link a
 * broken middlebox duplicates, reorders or corrupts segments, so the server may see nonsense;
 * what it must do is fail cleanly: answer what it can parse, refuse what it cannot with a
 * defined status, close when the stream can no longer be framed, never hang and never crash.
 * (No crash, every connection closed, no timer left and an empty registry are the runner's
 * invariants; these helpers check what the client saw.)
 */
import type { Sim } from '../../harness/sim/sim.js';
import type { TestConnection } from '../../harness/sim/test-socket.js';
import type { Link } from '../../harness/sim/link.js';
import { parseResponses, type ParsedResponse } from '../../harness/http/response-parser.js';

/**
 * How a server may refuse a request that garbling made invalid: a framing or syntax error (400),
 * a path or method it does not serve (404, 405, 501), a version it does not speak (505), limits
 * (413, 414, 431), an expectation it cannot meet (417), a request that never completes (408).
 * A 500 is not on the list: garbled input must never make the server fail internally.
 */
export const REFUSALS: ReadonlySet<number> = new Set([400, 404, 405, 408, 411, 413, 414, 417, 431, 501, 505]);

/**
 * Refusals after which the input cannot be framed any more: the server must close. (A 400 need
 * not close: the router answers a complete, well-framed request with a malformed path 400 and
 * keeps the connection; a parse error's 400 closes, and then the "nothing after close" rule applies.)
 */
export const CLOSING_REFUSALS: ReadonlySet<number> = new Set([408, 431, 501, 505]);

/** The hostile faults (duplicate, reorder, corrupt) traced on `link` in this run so far. */
export function hostileHits(sim: Sim, link: Link): number {
  const marks = [`${link.name} fault duplicate`, `${link.name} fault reorder`, `${link.name} fault corrupt`];
  return sim.trace.lines.filter((line) => marks.some((m) => line.includes(m))).length;
}

/** What a request should get on an undisturbed link. */
export interface Expected {
  status: number;
  body?: string | Buffer;
}

type Check = (condition: boolean, message: string) => void;

/**
 * The final responses on `conn` for requests sent over a hostile client->server link, checked:
 * - each is the normal answer (200) or a refusal from REFUSALS;
 * - a refusal that means the stream is lost (CLOSING_REFUSALS) says `connection: close`, nothing
 *   follows any response that says it, and the server then closes;
 * - when no hostile fault hit the link, the answers are exactly the normal ones.
 * `answered` tells whether a 200 response is plausible for a garbled request (e.g. /hello's body).
 */
export async function checkAnswers(check: Check, sim: Sim, conn: TestConnection, got: readonly ParsedResponse[], expected: readonly Expected[], answered: (r: ParsedResponse) => boolean): Promise<void> {
  const finals = got.filter((r) => r.status >= 200);
  const hits = hostileHits(sim, conn.c2s);
  const statuses = finals.map((r) => r.status).join(',') || 'nothing';
  check(finals.length <= expected.length || hits > 0, `c${conn.id}: ${finals.length} responses to ${expected.length} requests on an undisturbed link`);
  finals.forEach((r, i) => {
    check(r.status === 200 || REFUSALS.has(r.status), `c${conn.id}: response ${i} is ${r.status} (${r.body.toString('latin1').slice(0, 80)}), neither the answer nor a refusal (${hits} hostile faults)`);
    if (r.status === 200) check(answered(r), `c${conn.id}: response ${i} is a 200 no request could have produced: ${r.body.toString('latin1').slice(0, 80)}`);
    if (CLOSING_REFUSALS.has(r.status)) check(r.header('connection') === 'close', `c${conn.id}: a ${r.status} without connection: close`);
    if (r.header('connection') === 'close') check(i === finals.length - 1, `c${conn.id}: responses after a response that said connection: close (${statuses})`);
  });
  // A server that said it would close must do so (a server that never does hangs the run: a failure too).
  const last = finals[finals.length - 1];
  if (last !== undefined && last.header('connection') === 'close') {
    await conn.client.until(() => conn.client.ended || conn.client.closed);
    const after = tryParse(conn.client.received, true);
    check(after.error === null && after.finals.length === finals.length, `c${conn.id}: more came after the response that said connection: close`);
  }
  if (hits === 0) {
    check(finals.length === expected.length, `c${conn.id}: no hostile fault hit the link, yet ${finals.length} of ${expected.length} answers (${statuses})`);
    finals.forEach((r, i) => {
      const e = expected[i]!;
      check(r.status === e.status, `c${conn.id}: no hostile fault hit the link, yet response ${i} is ${r.status}, expected ${e.status}`);
      if (e.body !== undefined) check(r.body.equals(Buffer.from(e.body)), `c${conn.id}: no hostile fault hit the link, yet response ${i}'s body differs`);
    });
  }
}

/**
 * Wait until `done` holds for what `conn` received, the connection ends, or `patienceMs` of
 * virtual time pass, whichever comes first. For a client reading a response stream that may be
 * garbled: it cannot trust lengths, so it gives up after a while, as a real client times out.
 */
export async function waitAtMost(sim: Sim, conn: TestConnection, patienceMs: number, done: () => boolean): Promise<void> {
  let timedOut = false;
  const timer = sim.sleep(patienceMs).then(() => {
    timedOut = true;
  });
  await Promise.race([conn.client.until(() => timedOut || conn.client.ended || conn.client.closed || done()), timer]);
}

/** Final responses in `data`, or the parse error when the stream is not well-formed HTTP. */
export function tryParse(data: Buffer, closed: boolean): { finals: ParsedResponse[]; error: string | null } {
  try {
    return { finals: parseResponses(data, { closed }).responses.filter((r) => r.status >= 200), error: null };
  } catch (err) {
    return { finals: [], error: (err as Error).message };
  }
}
