import { CONNECTION_PREFACE, CONNECTION_PREFACE_LENGTH } from './constants.js';

export type PrefaceMatch = 'match' | 'partial' | 'mismatch';

/**
 * Compare the start of a connection's input with the client preface (RFC 9113 §3.4).
 *
 * - 'match': `buf` begins with all 24 octets; frames (a SETTINGS first) start at offset 24.
 * - 'partial': `buf` is shorter than the preface and agrees with it so far: wait for more.
 * - 'mismatch': some octet differs. §3.4 makes that a connection error of type PROTOCOL_ERROR;
 *   deciding on the first wrong octet means an HTTP/1.1 request ("GET ...", "POST ...") is
 *   recognised at once, without waiting for 24 octets that may never come.
 */
export function matchPreface(buf: Buffer): PrefaceMatch {
  const n = Math.min(buf.length, CONNECTION_PREFACE_LENGTH);
  for (let i = 0; i < n; i++) {
    if (buf[i] !== CONNECTION_PREFACE[i]) return 'mismatch';
  }
  return n === CONNECTION_PREFACE_LENGTH ? 'match' : 'partial';
}
