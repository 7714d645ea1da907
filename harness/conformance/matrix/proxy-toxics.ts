import { BYTE_PROFILE_LIMIT } from '../faults.js';
import type { ToxicSpec } from '../../proxy/layer/proxy-scenario.js';
import type { SuiteName } from './suites.js';

/*
 * The proxy columns: one toxic (on both directions) per column, chosen so that a correct server
 * passes every case through it. A conformance case asks "does the server answer this exchange by
 * the RFC"; a fault that a correct server survives changes how the bytes travel, not what must
 * come back. So: delay, fragmentation, a narrow pipe, a late close. Left out on purpose, because
 * they break every case by design and would only measure the toxic: reset_peer (resets the
 * connection), timeout (stops all data and closes later), limit_data (cuts the connection after N
 * bytes). Attribute values are Toxiproxy's units (ms, bytes, microseconds for slicer's delay, KB/s).
 */

export interface ProxyToxicProfile {
  name: string;
  summary: string;
  /** Added to every case's proxy before the case connects. */
  toxics: readonly ToxicSpec[];
  /**
   * Cases whose clean pass moved more than `bytes` either way are skipped in this column, with
   * `why`: the toxic would make them outlast the case's wait without saying anything of the server.
   */
  limit?: { bytes: number; why: string };
}

const bothWays = (type: ToxicSpec['type'], attributes: Record<string, number>): ToxicSpec[] => [
  { name: `${type}_upstream`, type, stream: 'upstream', attributes },
  { name: `${type}_downstream`, type, stream: 'downstream', attributes },
];

export const PROXY_TOXICS: readonly ProxyToxicProfile[] = [
  {
    // The baseline of the others: real sockets and the proxy's relaying, no fault. A case that
    // fails here fails because of the path (see PROXY_INAPPLICABLE), not because of a toxic.
    name: 'none',
    summary: 'through the fault proxy with no toxic: the baseline of the proxy columns (real sockets, the proxy relaying)',
    toxics: [],
  },
  {
    // A slow, uneven link: every chunk is held 10 ms +/- 5 ms each way (seeded draws), so answers
    // come late and out of step with the client's writes. RTT ~20 ms; abuse/zero-window-dribble
    // makes 1000 round trips, most of this column's time.
    name: 'latency',
    summary: 'latency 10 ms, jitter 5 ms, each way',
    toxics: bothWays('latency', { latency: 10, jitter: 5 }),
  },
  {
    // The real-socket counterpart of the sim's byte profile: writes cut into 1..13-byte slices,
    // 200 us apart, so frames, request lines and chunk sizes reach the server in fragments, each
    // its own read. It moves ~35 KB/s: a flood or a large body would outlast the wait, so (as the
    // byte profile does) cases that moved more than 16 KiB either way are left to the others.
    name: 'slicer',
    summary: 'slicer: 7 +/- 6 byte slices, 200 us apart, each way (cases moving at most 16 KiB each way)',
    toxics: bothWays('slicer', { average_size: 7, size_variation: 6, delay: 200 }),
    limit: { bytes: BYTE_PROFILE_LIMIT, why: `moved more than ${BYTE_PROFILE_LIMIT / 1024} KiB on the clean pass: at ~35 KB/s through the slicer it would outlast its wait (sim:byte runs it as choppy)` },
  },
  {
    // A narrow pipe: 256 KB/s each way, so writes back up and the server's sends wait for drain
    // (floods and the 100 KB response meet backpressure), yet every answer fits in the 2 s wait.
    name: 'bandwidth',
    summary: 'bandwidth 256 KB/s each way',
    toxics: bothWays('bandwidth', { rate: 256 }),
  },
  {
    // A close that arrives late, after the data, in either direction: the client's FIN reaches the
    // server 200 ms after its last bytes, the server's close reaches the client 200 ms late. The
    // server must have answered in full before its close, and not depend on when the peer's lands.
    name: 'slow_close',
    summary: 'slow_close: every close delayed 200 ms, each way',
    toxics: bothWays('slow_close', { delay: 200 }),
  },
];

export function proxyToxic(name: string): ProxyToxicProfile | undefined {
  return PROXY_TOXICS.find((t) => t.name === name);
}

/**
 * Cases the proxy path itself cannot carry, and why; skipped in every proxy column, with the
 * reason, rather than failed. The proxy (like Toxiproxy) relays no half-close and no reset: when
 * one side ends or resets, it closes the other with a FIN. proxy-column.test.ts runs each suite
 * through the proxy with no toxic, and checks each entry passes on the server directly.
 */
const UNREAD_FLOOD = 'an unread flood: aeronet answers it with GOAWAY and a lingering close, and resets the connection if the flood still arrives when the linger ends (2 s); '
  + 'the reset discards what the proxy had not yet read from the server (the GOAWAY among it), and the proxy passes it on as a FIN, which this case fails as "FIN inside a frame" '
  + '(a reset counts anywhere, a close only at a frame boundary). Seen through the proxy with no toxic about 1 run in 8; directly the client sees the reset and the case passes';
export const PROXY_INAPPLICABLE: Readonly<Record<SuiteName, Readonly<Record<string, string>>>> = {
  h1: {
    'h1/pipelining/3': 'half-closes after two requests and reads both answers: the proxy relays no half-close (its EOF closes the server side at once), so no answer can come back through it',
  },
  h2: {
    'abuse/ping-flood/1': UNREAD_FLOOD,
    'abuse/settings-flood/1': UNREAD_FLOOD,
  },
};

/** Toxic names from a comma list; unknown names are returned to report. */
export function parseProxyToxics(value: string): { toxics: ProxyToxicProfile[]; unknown: string[] } {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 1 && names[0] === 'all') return { toxics: [...PROXY_TOXICS], unknown: [] };
  const unknown = names.filter((n) => proxyToxic(n) === undefined);
  return { toxics: [...new Set(names)].map(proxyToxic).filter((t): t is ProxyToxicProfile => t !== undefined), unknown: names.length === 0 ? [''] : unknown };
}
