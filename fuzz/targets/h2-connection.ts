/**
 * The whole HTTP/2 connection (server/http2/http2-connection.ts, with HPACK, flow control, the
 * defences and the demo routes behind it) fed arbitrary octets after a valid connection preface,
 * over the simulated network on virtual time. The input is everything the client sends after the
 * 24-octet preface, SETTINGS included (seeds start with one).
 *
 * Properties:
 * - no crash: nothing thrown out of the server, and no handler error logged;
 * - what the server sends is well-formed HTTP/2: a SETTINGS frame first, then frames the strict
 *   decoder accepts, and no DATA on a stream it never answered with HEADERS;
 * - bounded work per attacker octet: request handler calls are bounded by the octets a HEADERS
 *   frame takes (10: header plus one indexed field), and control frames (everything but DATA,
 *   whose size the routes decide) stay under CONTROL_OCTETS_PER_INPUT_OCTET per input octet plus
 *   the server's own SETTINGS and GOAWAY;
 * - bounded memory: the connection's WorkMeter peak stays under RETAINED_ALLOWANCE plus the input
 *   plus RETAINED_PER_REQUEST per request;
 * - clean teardown: once the client closes, the connection is gone from the registry and no
 *   timer is left on the virtual clock (harness/runner/invariants.ts).
 */
import { checkInvariants } from '../../harness/runner/invariants.js';
import { Sim } from '../../harness/sim/sim.js';
import { MemoryLogger } from '../../server/core/logger.js';
import { createDemoRouter } from '../../server/demo/demo-routes.js';
import { CONNECTION_PREFACE, FRAME_HEADER_LENGTH, MAX_ALLOWED_FRAME_SIZE } from '../../server/http2/frames/constants.js';
import { createServer } from '../../server/server.js';
import type { Handler } from '../../server/core/types.js';
import type { WorkMeter } from '../../server/core/work-meter.js';
import { check, show, WorkRatio, type FuzzTarget, type SeedInput } from '../fuzz-target.js';
import { wireSeeds } from '../seeds/wire-seeds.js';
import { decodeAll } from './h2-frames.js';

/** The smallest frame that can start a request: a 9-octet header and one indexed field. */
const OCTETS_PER_REQUEST = 10;
/**
 * Control octets out per octet in. The costliest honest answer is a response HEADERS (about 30
 * octets: status, date, content-type, content-length) to a 10-octet request HEADERS whose fields
 * are all indexed, and a PING ACK or SETTINGS ACK echoes at most its own size: 4 covers those.
 */
const CONTROL_OCTETS_PER_INPUT_OCTET = 4;
/** The server's SETTINGS and WINDOW_UPDATE after the preface, and a GOAWAY with its debug text. */
const CONTROL_ALLOWANCE = 512;
/**
 * Memory held (the WorkMeter's peak): what any connection may hold (both HPACK tables of 4 KiB, a
 * partial 16 KiB frame, the transport's queue up to its 64 KiB high-water mark, a little slack),
 * plus at most the input itself (a header block or a body being assembled), plus for each request
 * its stream's response output up to the 64 KiB high-water mark and one 16 KiB frame over it.
 */
const RETAINED_ALLOWANCE = 96 * 1024;
const RETAINED_PER_REQUEST = 80 * 1024;
/** Virtual time the connection gets to answer before the client closes (the demo's /slow routes take up to seconds). */
const ANSWER_MS = 30_000;

const ratio = new WorkRatio('control octets out per input octet');

export interface RetainedLimits {
  allowance: number;
  perRequest: number;
}

export async function checkH2Connection(data: Buffer, retained: RetainedLimits = { allowance: RETAINED_ALLOWANCE, perRequest: RETAINED_PER_REQUEST }): Promise<void> {
  const sim = new Sim({ seed: 1 });
  const logger = new MemoryLogger();
  const demo = createDemoRouter().handle;
  let handlerCalls = 0;
  const handler: Handler = (req, res) => {
    handlerCalls++;
    return demo(req, res);
  };
  const server = createServer({ handler, compression: false, clock: sim.clock, logger });
  let meter: WorkMeter | null = null;
  const conn = sim.connect((t) => {
    meter = server.accept(t);
  }, {});
  await sim.run(
    (async () => {
      void conn.client.write(Buffer.concat([CONNECTION_PREFACE, data])).catch(() => {});
      await Promise.race([conn.client.until(() => conn.client.closed || conn.client.ended), sim.sleep(ANSWER_MS)]);
      if (!conn.client.closed) conn.client.end();
      await conn.client.untilClosed();
    })(),
  );
  await sim.runUntilIdle();

  const errors = logger.records.filter((r) => r.level === 'error');
  check(errors.length === 0, () => `the server logged errors: ${show(errors)}`);
  const problems = checkInvariants(sim, server);
  check(problems.length === 0, () => `after teardown: ${problems.join('; ')}`);

  const out = decodeAll([conn.client.received], MAX_ALLOWED_FRAME_SIZE).results;
  const first = out[0];
  check(first !== undefined && first.kind === 'frame' && first.type === 'SETTINGS' && !first.ack, () => `the server's first frame is ${show(first)}, not SETTINGS`);
  const answered = new Set<number>();
  let controlOctets = 0;
  for (const r of out) {
    check(r.kind === 'frame', () => `the server sent a malformed frame: ${show(r)}`);
    if (r.kind !== 'frame') continue;
    if (r.type === 'HEADERS') answered.add(r.streamId);
    if (r.type === 'DATA') check(answered.has(r.streamId), () => `DATA on stream ${r.streamId} before any HEADERS on it`);
    else controlOctets += FRAME_HEADER_LENGTH + (r.type === 'UNKNOWN' ? r.length : 0) + controlPayload(r);
  }
  check(handlerCalls <= data.length / OCTETS_PER_REQUEST, () => `${handlerCalls} handler calls from ${data.length} octets`);
  check(controlOctets <= CONTROL_OCTETS_PER_INPUT_OCTET * data.length + CONTROL_ALLOWANCE, () => `${controlOctets} control octets out for ${data.length} in`);
  ratio.observe(Math.max(0, controlOctets - CONTROL_ALLOWANCE), data.length, data);
  const m = meter as WorkMeter | null;
  check(m !== null, () => 'the server refused the connection');
  if (m !== null) {
    const bound = retained.allowance + data.length + handlerCalls * retained.perRequest;
    check(m.peakRetainedBytes <= bound, () => `the connection held ${m.peakRetainedBytes} octets at its peak, over ${bound} for ${data.length} octets in and ${handlerCalls} requests`);
  }
}

/** Payload octets of a non-DATA frame as decoded (what the server chose to send). */
function controlPayload(r: Exclude<ReturnType<typeof decodeAll>['results'][number], { kind: 'error' }>): number {
  switch (r.type) {
    case 'HEADERS':
    case 'CONTINUATION':
    case 'PUSH_PROMISE':
      return r.fragment.length;
    case 'SETTINGS':
      return r.settings.length * 6;
    case 'PING':
      return 8;
    case 'GOAWAY':
      return 8 + r.debug.length;
    case 'RST_STREAM':
    case 'WINDOW_UPDATE':
      return 4;
    case 'PRIORITY':
      return 5;
    default:
      return 0;
  }
}

export const target: FuzzTarget = {
  name: 'h2-connection',
  description: 'HTTP/2 connection after a valid preface, on the sim: no crash, well-formed output, bounded work, clean teardown',
  run: (data) => checkH2Connection(data),
  async: true,
  dictionary: 'http2.dict',
  instrument: ['server/'],
  ratio: 'control octets out per input octet',
  async seeds(): Promise<SeedInput[]> {
    return (await wireSeeds()).h2;
  },
};
