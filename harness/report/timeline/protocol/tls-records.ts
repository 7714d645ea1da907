import { clip, type MessageSink } from './message.js';

/**
 * TLS records (RFC 8446 §5.1: type, legacy version, 16-bit length) in one direction, labelled
 * without decryption: the handshake messages that are still in the clear (ClientHello,
 * ServerHello, and TLS 1.2's Certificate and key exchange), ChangeCipherSpec, alerts (their
 * description while in the clear) and application data with its size. After ChangeCipherSpec in
 * a direction, or after TLS 1.3's ServerHello, that direction's handshake is encrypted.
 */
export function tlsRecordMessages(bytes: Buffer, sink: MessageSink): string | null {
  let at = 0;
  let encrypted = false;
  /** Bytes of a handshake message that continue into the next record (a large Certificate). */
  let carry = 0;
  while (at + 5 <= bytes.length) {
    const type = bytes[at]!;
    const length = bytes.readUInt16BE(at + 3);
    const end = at + 5 + length;
    if (type < 20 || type > 24 || bytes[at + 1] !== 3) return `not a TLS record at offset ${at} (type ${type}, version ${bytes[at + 1]}.${bytes[at + 2]})`;
    if (end > bytes.length) break;
    const body = bytes.subarray(at + 5, end);
    let text: string;
    switch (type) {
      case 20:
        text = 'TLS ChangeCipherSpec';
        encrypted = true;
        break;
      case 21:
        text = encrypted || body.length < 2 ? 'TLS alert (encrypted)' : `TLS alert ${body[0] === 2 ? 'fatal' : 'warning'} ${ALERTS[body[1]!] ?? body[1]}`;
        break;
      case 22: {
        if (encrypted) {
          text = 'TLS handshake (encrypted)';
          break;
        }
        const { names, rest } = handshakeTypes(body, carry);
        carry = rest;
        text = `TLS ${names.join(', ')}`;
        // TLS 1.3 encrypts everything after ServerHello (§2); a 1.2 ServerHello is followed by
        // more plaintext, told apart by the supported_versions extension, which is not parsed here:
        // only a ServerHello that ends its record (1.3 sends the rest encrypted) is taken as 1.3.
        if (names[names.length - 1] === 'ServerHello' && names.length === 1) encrypted = true;
        break;
      }
      case 23:
        text = `TLS app data ${length} B`;
        break;
      default:
        text = `TLS heartbeat ${length} B`;
    }
    sink.add({ start: at, end, text: clip(text) });
    at = end;
  }
  return null;
}

/**
 * The handshake messages (RFC 8446 §4) a plaintext record holds: a record may hold several, and a
 * message may continue over several records (`carry` bytes of one are still to come).
 */
function handshakeTypes(body: Buffer, carry: number): { names: string[]; rest: number } {
  const names: string[] = [];
  let at = Math.min(carry, body.length);
  let rest = carry - at;
  if (carry > 0) names.push('handshake (continued)');
  while (at + 4 <= body.length) {
    names.push(HANDSHAKE[body[at]!] ?? `handshake type ${body[at]}`);
    const end = at + 4 + body.readUIntBE(at + 1, 3);
    rest = Math.max(0, end - body.length);
    at = Math.min(end, body.length);
  }
  if (names.length === 0) names.push('handshake');
  return { names, rest };
}

const HANDSHAKE: Record<number, string> = {
  1: 'ClientHello',
  2: 'ServerHello',
  4: 'NewSessionTicket',
  8: 'EncryptedExtensions',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
};

const ALERTS: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  40: 'handshake_failure',
  42: 'bad_certificate',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  80: 'internal_error',
  90: 'user_canceled',
  109: 'missing_extension',
  112: 'unrecognized_name',
  116: 'certificate_required',
  120: 'no_application_protocol',
};
