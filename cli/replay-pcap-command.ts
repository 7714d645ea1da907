import { writeFileSync } from 'node:fs';
import { PcapError } from '../harness/replay/pcap-reader.js';
import { ms, replayPcapFile, ReplaySelectionError, type ConnectionReport, type ReplayReport, type ServerClose } from '../harness/replay/replay-into-sim.js';
import type { ExchangeReading, ResponseSeen } from '../harness/replay/read-exchange.js';
import { parseFlagsAndPositionals } from './parse-flags.js';
import { UsageError } from './usage-error.js';

/**
 * `aeronet replay-pcap <capture.pcap> [--server-port N] [--connection K] [--json FILE]`: replay
 * what the clients in a kernel-level capture (tcpdump) sent, with its segmentation and timing,
 * into aeronet with the demo routes over the simulation, and report what the server answered and
 * whether the sim layer's invariants held (harness/replay/).
 *
 * Exit 0 when the replay ran and the server behaved (invariants held, well-formed answers, no
 * hang); 1 when it misbehaved (each broken rule printed); 2 on a usage error, an unreadable or
 * unsupported file, or a capture with nothing that can be replayed.
 *
 * Flags and positionals: parseFlagsAndPositionals (parse-flags.ts).
 */
export async function replayPcapCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlagsAndPositionals(args, {
    'server-port': { type: 'string' },
    connection: { type: 'string' },
    json: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(`replay-pcap takes exactly one capture file, got ${positionals.length === 0 ? 'none' : positionals.length}`);
  const file = positionals[0]!;
  const serverPort = intFlag(values['server-port'], '--server-port', 1, 65535);
  const connection = intFlag(values['connection'], '--connection', 1, 1_000_000);

  let report: ReplayReport;
  try {
    report = await replayPcapFile(file, { ...(serverPort !== undefined ? { serverPort } : {}), ...(connection !== undefined ? { connection } : {}) });
  } catch (err) {
    if (err instanceof ReplaySelectionError) throw new UsageError(err.message);
    if (err instanceof PcapError) {
      process.stderr.write(`aeronet replay-pcap: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  process.stdout.write(renderReport(report));
  const json = values['json'];
  if (typeof json === 'string') {
    try {
      writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    } catch (err) {
      process.stderr.write(`aeronet replay-pcap: cannot write ${json}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  return exitCode(report);
}

/** 0: replayed and the server behaved; 1: it misbehaved; 2: nothing in the capture could be replayed. */
export function exitCode(report: ReplayReport): number {
  if (!report.ok) return 1;
  return report.replayed === 0 ? 2 : 0;
}

function intFlag(raw: string | boolean | undefined, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^[0-9]{1,7}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${String(raw)}"`);
  return Number(raw);
}

/** The report as people read it: the capture, one block per connection, then the verdict. */
export function renderReport(report: ReplayReport): string {
  const out: string[] = [];
  const c = report.capture;
  const skipped = Object.entries(c.skipped).map(([why, n]) => `${n} ${why}`).join(', ');
  out.push(`${report.file ?? 'capture'}: ${c.linkTypeName}, ${c.packets} packet(s), ${c.tcpSegments} TCP segment(s)${skipped ? ` (skipped: ${skipped})` : ''}, ${c.connections} TCP connection(s)`);
  if (report.replayed > 0) out.push('(times are from each connection\'s SYN; a connection opens when its SYN was captured)');
  for (const conn of report.connections) out.push(...renderConnection(conn));
  out.push('');
  if (report.replayed === 0) {
    out.push('nothing replayed: no connection in the capture can be replayed (see above)');
  } else if (report.ok) {
    out.push(`invariants: hold (every connection closed, no timer left on the virtual clock, the server's registry empty, answers well-formed)`);
  } else {
    out.push('SERVER MISBEHAVED:');
    for (const p of report.problems) out.push(`  - ${p.split('\n')[0]}`);
  }
  out.push(`trace hash: ${report.traceHash} (${report.replayed} connection(s) replayed, ${ms(report.virtualMs)} of virtual time)`);
  return `${out.join('\n')}\n`;
}

function renderConnection(r: ConnectionReport): string[] {
  const name = r.sim !== null ? `#${r.index} (c${r.sim})` : `#${r.index}`;
  const head = `${name} ${r.client} -> ${r.server}, ${r.protocol === 'none' ? 'no client bytes' : r.protocol}${r.handshake ? '' : ', no handshake captured'}`;
  if (r.skipped !== null) return [`${head}: not replayed: ${r.skipped}`];
  const lines = [head];
  const end = r.clientEnd === null ? '' : `; ${r.clientEnd.kind === 'teardown' ? 'no FIN captured, half-closed' : r.clientEnd.kind.toUpperCase()} at ${ms(r.clientEnd.atMs)}`;
  const times = r.chunkTimesMs.length === 0 ? '' : ` at ${r.chunkTimesMs.slice(0, 8).map((t) => (Number.isInteger(t) ? String(t) : t.toFixed(3))).join(', ')}${r.chunkTimesMs.length > 8 ? ', ...' : ''} ms`;
  lines.push(`  client:    ${r.chunks} chunk(s), ${r.bytes} byte(s)${times}${r.openAtMs > 0 ? `; opened at ${ms(r.openAtMs)}` : ''}${end}`);
  for (const n of r.notes) lines.push(`  note:      ${n}`);
  const replay = r.replay;
  if (replay !== null) {
    lines.push(`  requests:  ${list(replay.requests.map((q) => `${q.stream !== undefined ? `[${q.stream}] ` : ''}${q.method} ${q.target}`)) || 'none'}`);
    if (replay.requestError !== null) lines.push(`  the client's bytes break a rule: ${replay.requestError}`);
    lines.push(`  responses: ${answers(replay) || 'none'}`);
    if (r.captured !== null) {
      const verdict = r.comparison === null ? 'the captured server sent no bytes'
        : r.comparison === 'same' ? 'same answers'
        : r.comparison === 'same-as-far-as-captured' ? `the same answers as far as the capture goes (${r.captured.responses.filter((x) => x.complete).length} complete there: ${answers(r.captured) || 'none'})`
        : `DIFFERENT answers: ${answers(r.captured) || 'none'}`;
      lines.push(`  captured:  ${verdict}; it closed: ${close(r.captured.close)}`);
    }
  }
  if (r.serverClose !== null) lines.push(`  server:    ${close(r.serverClose)}`);
  return lines;
}

function answers(reading: ExchangeReading): string {
  const parts = reading.responses.map((x) => response(x));
  for (const reset of reading.resets) parts.push(`RST_STREAM [${reset.stream}] ${reset.code}`);
  for (const g of reading.goaways) parts.push(`GOAWAY ${g.code} last stream ${g.lastStreamId}${g.debug ? ` "${g.debug}"` : ''}`);
  return list(parts);
}

function response(x: ResponseSeen): string {
  const stream = x.stream !== undefined ? `[${x.stream}] ` : '';
  return `${stream}${x.status}${x.reason ? ` ${x.reason}` : ''}${x.interim ? '' : ` (${x.bodyBytes} B${x.complete ? '' : ', cut short'})`}`;
}

function close(c: ServerClose): string {
  if (c.how === 'none') return 'did not close';
  if (c.how === 'client-rst') return `closed by the client's RST at ${ms(c.atMs!)}`;
  return `${c.how.toUpperCase()} at ${ms(c.atMs!)}${c.beforeClient ? ", before the client's end" : ''}`;
}

/** At most 12 items, then how many more. */
function list(items: string[]): string {
  return items.length <= 12 ? items.join(', ') : `${items.slice(0, 12).join(', ')}, ... (${items.length - 12} more)`;
}
