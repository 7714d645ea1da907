/**
 * Reads just enough of a TLS ClientHello to decide, before OpenSSL sees it, which secure context
 * a connection gets: the SNI name (RFC 6066 §3) and the key names of the session tickets it
 * offers (RFC 5077 §3.2's SessionTicket extension for TLS 1.2, RFC 8446 §4.2.11's PSK identities
 * for TLS 1.3). It decides nothing else: whatever it cannot read is handed to OpenSSL unchanged,
 * which then judges (and alerts on) the bytes itself. Pure: bytes in, a verdict out.
 */

export interface ClientHelloInfo {
  /** The host_name entry of server_name, as sent (not lower-cased), or null. */
  serverName: string | null;
  /**
   * The first 16 bytes of each offered ticket: the TLS 1.2 SessionTicket extension's ticket and
   * every TLS 1.3 PSK identity. OpenSSL's ticket format (and Node's ticket-key callback, which
   * aeronet's keys go through) starts a ticket with the 16-byte name of the key that sealed it.
   */
  ticketKeyNames: Buffer[];
}

export type ClientHelloVerdict =
  /** `needed`: the total input length before another call can tell more (a record's end). */
  | { kind: 'need-more'; needed: number }
  | { kind: 'hello'; hello: ClientHelloInfo }
  | { kind: 'not-a-client-hello'; reason: string };

/** The length of a ticket key name in OpenSSL's (and Node's) ticket format. */
export const TICKET_KEY_NAME_BYTES = 16;

// RFC 8446 §5.1: TLSPlaintext; §4: Handshake; §4.1.2: ClientHello; §4.2: extension types.
const CONTENT_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const RECORD_HEADER = 5;
const MAX_RECORD_FRAGMENT = 1 << 14;
const EXT_SERVER_NAME = 0;
const EXT_SESSION_TICKET = 35;
const EXT_PRE_SHARED_KEY = 41;
const NAME_TYPE_HOST = 0;

class Truncated extends Error {}

/** A bounds-checked cursor: every read past the end throws, so no length field can overrun. */
class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer, private readonly what: string) {}
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** A vector with a 1- or 2-byte length prefix, as its own Reader. */
  vector(lengthBytes: 1 | 2, what: string): Reader {
    const n = lengthBytes === 1 ? this.u8() : this.u16();
    return new Reader(this.bytes(n), what);
  }
  private need(n: number): void {
    if (this.remaining < n) throw new Truncated(`${this.what} is shorter than its length fields say`);
  }
}

/**
 * Judge the bytes a client has sent so far. `need-more` until the whole ClientHello handshake
 * message is buffered (it may span several records, RFC 8446 §5.1), then `hello`. Anything else
 * (not a handshake record, a handshake message other than ClientHello, a length that does not
 * add up) is `not-a-client-hello` with the reason: the caller passes the bytes on to OpenSSL.
 * Cost per call is the number of records buffered plus, once complete, one pass over the message.
 */
export function readClientHello(input: Buffer): ClientHelloVerdict {
  const assembled = assembleHandshakeMessage(input);
  if (assembled.kind !== 'message') return assembled;
  try {
    return { kind: 'hello', hello: parseClientHelloBody(assembled.body) };
  } catch (err) {
    if (err instanceof Truncated) return { kind: 'not-a-client-hello', reason: err.message };
    throw err;
  }
}

/** Walk the records, joining handshake fragments until the first message is complete. */
function assembleHandshakeMessage(input: Buffer): { kind: 'message'; body: Buffer } | Exclude<ClientHelloVerdict, { kind: 'hello' }> {
  const fragments: Buffer[] = [];
  let have = 0;
  let messageLength = -1;
  let offset = 0;
  while (true) {
    if (input.length - offset < RECORD_HEADER) return { kind: 'need-more', needed: offset + RECORD_HEADER };
    const type = input[offset]!;
    if (type !== CONTENT_HANDSHAKE) {
      return { kind: 'not-a-client-hello', reason: offset === 0 ? `the first record is not a handshake record (content type ${type})` : `a record of content type ${type} interrupts the ClientHello` };
    }
    // legacy_record_version: 0x03 0x0X. An SSL 2.0-style hello (high bit set) never gets here.
    if (input[offset + 1] !== 3) return { kind: 'not-a-client-hello', reason: `record version ${input[offset + 1]}.${input[offset + 2]} is not TLS` };
    const length = input.readUInt16BE(offset + 3);
    // RFC 8446 §5.1: a fragment is 1..2^14 bytes; zero-length handshake fragments are forbidden.
    if (length === 0 || length > MAX_RECORD_FRAGMENT) return { kind: 'not-a-client-hello', reason: `record length ${length} is outside 1..16384` };
    if (input.length - offset - RECORD_HEADER < length) return { kind: 'need-more', needed: offset + RECORD_HEADER + length };
    const fragment = input.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length);
    offset += RECORD_HEADER + length;
    fragments.push(fragment);
    have += fragment.length;
    if (messageLength < 0 && have >= 4) {
      const head = fragments.length === 1 ? fragment : Buffer.concat(fragments, have);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return { kind: 'not-a-client-hello', reason: `the first handshake message is type ${head[0]}, not client_hello (1)` };
      messageLength = (head[1]! << 16) | (head[2]! << 8) | head[3]!;
    }
    if (messageLength >= 0 && have >= 4 + messageLength) {
      const all = fragments.length === 1 ? fragment : Buffer.concat(fragments, have);
      return { kind: 'message', body: all.subarray(4, 4 + messageLength) };
    }
  }
}

function parseClientHelloBody(body: Buffer): ClientHelloInfo {
  const r = new Reader(body, 'the ClientHello');
  r.bytes(2); // legacy_version
  r.bytes(32); // random
  r.vector(1, 'legacy_session_id');
  r.vector(2, 'cipher_suites');
  r.vector(1, 'legacy_compression_methods');
  const info: ClientHelloInfo = { serverName: null, ticketKeyNames: [] };
  // RFC 5246 §7.4.1.2: a TLS 1.2 ClientHello may end here, with no extensions at all.
  if (r.remaining === 0) return info;
  const extensions = r.vector(2, 'the extensions block');
  while (extensions.remaining > 0) {
    const type = extensions.u16();
    const data = extensions.vector(2, `extension ${type}`);
    if (type === EXT_SERVER_NAME) info.serverName = readServerName(data);
    else if (type === EXT_SESSION_TICKET) addKeyName(info, data.bytes(data.remaining));
    else if (type === EXT_PRE_SHARED_KEY) readPskIdentities(data, info);
  }
  return info;
}

/** RFC 6066 §3: ServerNameList; the first host_name entry counts (there may be only one). */
function readServerName(data: Reader): string | null {
  const list = data.vector(2, 'server_name_list');
  while (list.remaining > 0) {
    const nameType = list.u8();
    const name = list.vector(2, 'a server name');
    if (nameType === NAME_TYPE_HOST) return name.bytes(name.remaining).toString('latin1');
  }
  return null;
}

/** RFC 8446 §4.2.11: OfferedPsks.identities, each an opaque identity and a 4-byte ticket age. */
function readPskIdentities(data: Reader, info: ClientHelloInfo): void {
  const identities = data.vector(2, 'PSK identities');
  while (identities.remaining > 0) {
    const identity = identities.vector(2, 'a PSK identity');
    addKeyName(info, identity.bytes(identity.remaining));
    identities.bytes(4); // obfuscated_ticket_age
  }
}

function addKeyName(info: ClientHelloInfo, ticket: Buffer): void {
  // An empty SessionTicket extension asks for a new ticket (RFC 5077 §3.2); it names no key.
  if (ticket.length >= TICKET_KEY_NAME_BYTES) info.ticketKeyNames.push(Buffer.from(ticket.subarray(0, TICKET_KEY_NAME_BYTES)));
}
