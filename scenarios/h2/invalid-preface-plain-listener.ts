import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode, MAX_ALLOWED_FRAME_SIZE, errorCodeName } from '../../server/http2/frames/constants.js';
import type { Frame } from '../../server/http2/frames/frame.js';
import { FrameReader } from '../../server/http2/frames/frame-reader.js';
import { randomText } from '../support.js';
import { untilServerForgets } from './h2-support.js';

/** The preface's first line, and what must follow it (RFC 9113 §3.4). */
const PRI_LINE = 'PRI * HTTP/2.0\r\n';
const PRI_REST = '\r\nSM\r\n\r\n';
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The plain listener serves HTTP/1.1 and h2c with prior knowledge on one port, and must tell a
 * broken HTTP/2 preface from a broken HTTP/1.1 request, and both from a peer speaking neither.
 * One connection per seed, raw bytes, one of:
 * - "PRI * HTTP/2.0\r\n" and then anything but the rest of the preface ("\r\nXX\r\n\r\n", or the
 *   rest cut short at a random octet by a wrong one, then junk): that line is no HTTP/1.x request
 *   (RFC 9113 §3.4, PRI is reserved for it), so it is HTTP/2 with an invalid preface, a
 *   connection error PROTOCOL_ERROR (§3.4, §5.4.1): the server sends its SETTINGS, then GOAWAY
 *   PROTOCOL_ERROR (last-stream-id 0), frames only, and closes (FIN, no reset);
 * - a first line whose version field has no "HTTP/" at all (h2spec's "INVALID CONNECTION
 *   PREFACE", "PRI * SPDY/3", random words): neither HTTP/1.x (RFC 9112 §2.3) nor HTTP/2; the
 *   server closes its side without sending one byte (an HTTP/1.1 400 would be noise to such a
 *   peer; §3.4 lets the GOAWAY be omitted), while the client still has its side open;
 * - a first line with a botched but HTTP-ish version ("GET / http/1.1", "GET / HTTP/1.10"): still
 *   an HTTP/1.1 client's mistake, which gets an HTTP/1.1 400 with connection: close (RFC 9112
 *   §2.3, §3), so the silent close above is shown to be narrow.
 * Either way the server forgets the connection once the client has closed its side too.
 */
export default defineScenario({
  name: 'h2/invalid-preface-plain-listener',
  description: 'plain listener: PRI line + wrong rest -> SETTINGS + GOAWAY PROTOCOL_ERROR; a non-HTTP line -> silent close; a botched HTTP version -> HTTP/1.1 400',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, check, rng, responses, openConnections, sleep }) {
    const conn = connect();
    const client = conn.client;
    const variant = rng.int(0, 2);
    let sent: string;
    if (variant === 0) {
      if (rng.chance(0.3)) sent = `${PRI_LINE}\r\nXX\r\n\r\n`;
      else {
        const keep = rng.int(0, PRI_REST.length - 1);
        let wrong = randomText(1, rng);
        if (wrong === PRI_REST[keep]) wrong = 'X';
        sent = `${PRI_LINE}${PRI_REST.slice(0, keep)}${wrong}${randomText(rng.int(0, 40), rng)}`;
      }
    } else if (variant === 1) {
      const word = (n: number) => Array.from({ length: n }, () => LETTERS[rng.int(0, LETTERS.length - 1)]).join('');
      const lines = ['INVALID CONNECTION PREFACE', 'PRI * SPDY/3', 'GET / FTP/1.0', `${word(rng.int(1, 10))} /${randomText(rng.int(0, 30), rng)} ${word(rng.int(1, 10))}`];
      sent = `${lines[rng.int(0, lines.length - 1)]!}\r\n\r\n`;
    } else {
      const lines = ['GET / http/1.1', 'GET / HTTP/1.10', 'GET / Http/1.1', 'GET / xHTTP/1.1', 'POST /echo hTtP/1.0'];
      sent = `${lines[rng.int(0, lines.length - 1)]!}\r\nHost: x\r\n\r\n`;
    }
    const shownSent = JSON.stringify(sent);
    await client.write(sent);

    if (variant === 2) {
      const got = await responses(conn, 1);
      check(got.length === 1 && got[0]!.status === 400, `${shownSent} got ${got.length === 0 ? `no response (${client.receivedBytes} bytes: ${JSON.stringify(client.received.subarray(0, 60).toString('latin1'))})` : `${got[0]!.status}`}, expected an HTTP/1.1 400`);
      check(got[0]!.header('connection') === 'close', `the 400 for ${shownSent} does not say connection: close`);
    }
    await client.until(() => client.ended || client.closed);
    check(client.ended && client.error === null && !conn.isReset, `after ${shownSent} the server ${client.error !== null ? `reset the connection (${client.error})` : 'did not close its side'}`);

    if (variant === 0) {
      const received = client.received;
      check(!received.subarray(0, 5).equals(Buffer.from('HTTP/')), `${shownSent} was answered as HTTP/1.1: ${JSON.stringify(received.subarray(0, 60).toString('latin1'))}`);
      const reader = new FrameReader({ maxFrameSize: MAX_ALLOWED_FRAME_SIZE });
      reader.push(received);
      const frames: Frame[] = [];
      for (let r = reader.next(); r !== null; r = reader.next()) {
        check(r.kind === 'frame', `the server's bytes after ${shownSent} are not HTTP/2 frames: ${r.kind === 'error' ? r.message : ''} (${JSON.stringify(received.subarray(0, 60).toString('latin1'))})`);
        if (r.kind === 'frame') frames.push(r);
      }
      const shown = frames.map((f) => (f.type === 'GOAWAY' ? `GOAWAY ${errorCodeName(f.errorCode)} last-stream-id ${f.lastStreamId}` : f.type === 'SETTINGS' ? `SETTINGS${f.ack ? ' ACK' : ''}` : `${f.type}/${f.streamId}`)).join(', ');
      check(reader.idle, `the server's ${received.length} bytes after ${shownSent} end inside a frame: ${shown}`);
      const first = frames[0];
      check(first?.type === 'SETTINGS' && !first.ack, `the server's first frame after ${shownSent} is not its SETTINGS (RFC 9113 §3.4): [${shown}]`);
      const last = frames[frames.length - 1];
      check(last?.type === 'GOAWAY' && last.errorCode === ErrorCode.PROTOCOL_ERROR && last.lastStreamId === 0, `the server's frames after ${shownSent} do not end with GOAWAY PROTOCOL_ERROR last-stream-id 0 (RFC 9113 §3.4): [${shown}]`);
      const others = frames.filter((f) => f.type !== 'SETTINGS' && !(f.type === 'WINDOW_UPDATE' && f.streamId === 0) && f.type !== 'GOAWAY');
      check(others.length === 0 && frames.filter((f) => f.type === 'GOAWAY').length === 1, `the server sent more than its preface and one GOAWAY after ${shownSent}: [${shown}]`);
    } else if (variant === 1) {
      check(client.receivedBytes === 0, `${shownSent} (no HTTP version, no HTTP/2 preface) was answered with ${client.receivedBytes} bytes: ${JSON.stringify(client.received.subarray(0, 80).toString('latin1'))}; expected a close without a word`);
    }

    client.end();
    await client.untilClosed();
    check(await untilServerForgets({ openConnections, sleep }), `the server still holds ${openConnections()} connection(s) after both sides closed (${shownSent})`);
  },
});
