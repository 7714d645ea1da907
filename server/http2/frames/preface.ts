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

/** "PRI * HTTP/2.0\r\n": the preface's first line, which no HTTP/1.x request can be (RFC 9113 §3.4, §11.6 reserves PRI). */
export const PREFACE_REQUEST_LINE_LENGTH = 16;

/** How many leading octets of `buf` agree with the preface. */
export function matchedPrefaceOctets(buf: Buffer): number {
  const n = Math.min(buf.length, CONNECTION_PREFACE_LENGTH);
  let i = 0;
  while (i < n && buf[i] === CONNECTION_PREFACE[i]) i++;
  return i;
}
