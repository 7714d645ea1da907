/**
 * The client-side checks of the real-socket layers (proxy, netem): what a response must be after
 * a fault, whatever carried it.
 */
import { patternBytes } from '../server/demo/demo-routes.js';
import type { Outcome } from '../harness/clients/clients.js';

/** What the checks need from a scenario's context (proxy and netem layers alike). */
export interface Checks {
  check(condition: boolean, message: string): void;
  note(message: string): void;
}

export { patternBytes };

/** Describe an outcome in one line for the run's notes. */
export function describe(o: Outcome): string {
  return `${o.complete ? 'complete' : 'incomplete'} status ${o.status ?? '-'} ${o.body.length} B${o.error ? ` error ${o.error}` : ''} in ${o.ms.toFixed(0)} ms`;
}

/**
 * The proxy layer's core client check: a response is either complete and exactly right, or it
 * ended with an error and what did arrive is a true prefix of the right body. A response that
 * claims to be complete with the wrong bytes, or a truncated body passed off as whole, fails.
 */
export function completeOrCleanError(ctx: Checks, label: string, o: Outcome, expected: Buffer, status = 200): void {
  ctx.note(`${label}: ${describe(o)}`);
  if (o.complete) {
    ctx.check(o.status === status, `${label}: complete with status ${o.status}, expected ${status}`);
    ctx.check(o.body.equals(expected), `${label}: complete but the body differs from the expected ${expected.length} bytes (got ${o.body.length})`);
    return;
  }
  ctx.check(o.error !== null, `${label}: incomplete without an error`);
  ctx.check(o.body.length < expected.length || o.status === null, `${label}: all ${expected.length} bytes arrived yet the response did not complete (${o.error})`);
  ctx.check(o.body.equals(expected.subarray(0, o.body.length)), `${label}: the ${o.body.length} bytes that arrived are not a prefix of the expected body`);
}

/** Must complete, exactly right. */
export function mustComplete(ctx: Checks, label: string, o: Outcome, expected: Buffer, status = 200): void {
  ctx.note(`${label}: ${describe(o)}`);
  ctx.check(o.complete, `${label}: did not complete: ${o.error}`);
  ctx.check(o.status === status, `${label}: status ${o.status}, expected ${status}`);
  ctx.check(o.body.equals(expected), `${label}: body differs from the expected ${expected.length} bytes (got ${o.body.length})`);
}

/** Must end in an error (the fault reached the client), with at most a true prefix of the body. */
export function mustFailCleanly(ctx: Checks, label: string, o: Outcome, expected: Buffer): void {
  ctx.note(`${label}: ${describe(o)}`);
  ctx.check(!o.complete, `${label}: completed, but the fault should have stopped it`);
  ctx.check(o.body.equals(expected.subarray(0, o.body.length)), `${label}: the ${o.body.length} bytes that arrived are not a prefix of the expected body`);
}

export const HELLO = Buffer.from('hello, world\n');

/** The /stream route's body: `chunks` × `size` bytes of the pattern. */
export function streamBody(chunks: number, size: number): Buffer {
  return patternBytes(0, chunks * size);
}

/** Between `lo` and `hi` (ms), with a message naming the measured value. */
export function within(ctx: Checks, label: string, value: number, lo: number, hi: number): void {
  ctx.check(value >= lo && value <= hi, `${label}: ${value.toFixed(0)} ms, expected ${lo}..${hi} ms`);
}
