/**
 * Checks on header fields an application sets. A CR or LF in a value would let a handler (or an
 * attacker whose input reaches a handler) inject fields or a whole response (response splitting),
 * so invalid names and values throw instead of being sent.
 */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// field-value (RFC 9110 §5.5): VCHAR, obs-text, SP and HTAB; no leading/trailing whitespace needed.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function assertFieldName(name: string): void {
  if (!TOKEN.test(name)) throw new TypeError(`invalid header field name ${JSON.stringify(name)} (RFC 9110 §5.1)`);
}

export function assertFieldValue(name: string, value: string): void {
  if (!FIELD_VALUE.test(value)) {
    throw new TypeError(`invalid value for header field "${name}": CR, LF, NUL and other controls are not allowed (RFC 9110 §5.5)`);
  }
}

/**
 * Fields that belong to the connection, not the message (RFC 9110 §7.6.1): the protocol layer
 * writes them, and HTTP/2 forbids them outright (RFC 9113 §8.2.2).
 */
export const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);
