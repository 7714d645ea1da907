/**
 * Shared steps of the h2/answered-* scenarios: a stream whose response is complete while its
 * request is not (half-closed (local), RFC 9113 §5.1), and the outcome they all expect from an
 * offending frame on it: one stream error, and a connection that goes on serving. Not a scenario.
 */
import type { ScenarioContext } from '../../harness/runner/scenario.js';
import { errorCodeName } from '../../server/http2/frames/constants.js';
import { describeStream, type H2Peer, type H2StreamView } from './h2-support.js';

export interface AnsweredStream {
  s: H2StreamView;
  method: string;
  path: string;
  status: number;
}

type Steps = Pick<ScenarioContext, 'sim' | 'check' | 'rng'>;

/**
 * Send a request on stream 1 without END_STREAM to a route that answers at once without reading
 * the body (POST /nothing-here: 404, or GET /hello: 200), and wait until its whole response has
 * arrived: the server's side of the stream is then done, the client's is not.
 */
export async function answerBeforeRequestEnds(h: H2Peer, { sim, check, rng }: Steps, extra: Array<[string, string]> = []): Promise<AnsweredStream> {
  const { method, path, status } = rng.chance(0.5) ? { method: 'POST', path: '/nothing-here', status: 404 } : { method: 'GET', path: '/hello', status: 200 };
  h.request(1, method, path, { endStream: false, extra });
  const s = h.view(1);
  check(await h.until(() => s.ended), `${method} ${path} sent without END_STREAM was not answered: ${describeStream(s)}`);
  check(s.status === status, `${method} ${path} answered ${describeStream(s)}, expected ${status}`);
  await sim.sleep(rng.int(0, 50));
  return { s, method, path, status };
}

/**
 * After `what` was sent on the answered stream: exactly one RST_STREAM on stream 1 with `code`
 * (the rule `rule` names), no GOAWAY (a stream error stays one), and GET /hello on stream 3
 * still served on the same connection.
 */
export async function expectOneStreamError(h: H2Peer, { sim, check }: Steps, answered: AnsweredStream, what: string, code: number, rule: string): Promise<void> {
  const { s, status } = answered;
  check(await h.until(() => s.reset !== null), `no RST_STREAM after ${what} on the answered stream 1: ${describeStream(s)}`);
  check(await h.roundTrip(), 'no PING ACK after the RST_STREAM');
  await sim.sleep(50);
  const rsts = h.client.frames.filter((f) => f.type === 'RST_STREAM' && f.streamId === 1);
  const shown = rsts.map((f) => (f.type === 'RST_STREAM' ? errorCodeName(f.errorCode) : '')).join(', ');
  check(rsts.length === 1 && s.reset === code, `${what} on stream 1 (answered ${status}, request unfinished) drew RST_STREAM [${shown}]; expected exactly one ${errorCodeName(code)} (${rule})`);
  check(h.goaway === undefined, `a stream error became a connection error: GOAWAY ${errorCodeName(h.goaway?.errorCode ?? 0)} (${h.goaway?.debug.toString()})`);
  h.request(3, 'GET', '/hello');
  await h.until(() => !h.view(3).open);
  check(h.view(3).status === 200 && h.view(3).body().toString() === 'hello, world\n', `GET /hello on stream 3 after the stream error on stream 1: ${describeStream(h.view(3))}`);
}
