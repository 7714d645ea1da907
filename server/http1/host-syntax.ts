/**
 * The syntax of a request's authority: Host = uri-host [ ":" port ] (RFC 9110 §7.2), with
 * uri-host and port from RFC 3986 §3.2.2 and §3.2.3. Checked by structure, not octet by octet:
 * `host:8o`, `[::1` or `a:b:c` consist of allowed octets yet are not a host and port.
 */

/** unreserved / sub-delims octets of a reg-name (RFC 3986 §2.2, §2.3); '%' starts pct-encoded. */
const REG_NAME = (() => {
  const t = new Uint8Array(128);
  const allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=";
  for (let i = 0; i < allowed.length; i++) t[allowed.charCodeAt(i)] = 1;
  return t;
})();

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4address is one of these. Non-empty here. */
function isRegName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 /* % */) {
      if (i + 2 >= s.length || !isHexDigit(s.charCodeAt(i + 1)) || !isHexDigit(s.charCodeAt(i + 2))) return false;
      i += 2;
    } else if (c >= 128 || REG_NAME[c] !== 1) return false;
  }
  return true;
}

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** IPv6address (RFC 3986 §3.2.2): eight 16-bit groups, one "::" at most, an IPv4 tail allowed. */
function isIPv6(s: string): boolean {
  const double = s.indexOf('::');
  if (double !== s.lastIndexOf('::')) return false;
  const groups = (part: string): string[] | null => (part === '' ? [] : part.split(':'));
  const head = groups(double < 0 ? s : s.slice(0, double));
  const tail = double < 0 ? [] : groups(s.slice(double + 2));
  if (head === null || tail === null) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    if (i === all.length - 1 && g.includes('.')) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return false;
  }
  return double < 0 ? count === 8 : count <= 7;
}

/** IP-literal = "[" ( IPv6address / IPvFuture ) "]", given without its brackets. */
function isIpLiteralBody(s: string): boolean {
  if (/^[vV][0-9a-fA-F]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/.test(s)) return true; // IPvFuture
  return isIPv6(s);
}

/** uri-host: an IP-literal in brackets, an IPv4 address or a (non-empty) reg-name. */
export function isUriHost(s: string): boolean {
  if (s.charCodeAt(0) === 0x5b /* [ */) return s.charCodeAt(s.length - 1) === 0x5d && isIpLiteralBody(s.slice(1, -1));
  return isRegName(s);
}

/** uri-host [ ":" port ], port = *DIGIT. */
export function isHostAndPort(s: string): boolean {
  let hostEnd: number;
  if (s.charCodeAt(0) === 0x5b /* [ */) {
    hostEnd = s.indexOf(']') + 1;
    if (hostEnd === 0) return false;
  } else {
    const colon = s.indexOf(':');
    hostEnd = colon < 0 ? s.length : colon;
  }
  if (!isUriHost(s.slice(0, hostEnd))) return false;
  if (hostEnd === s.length) return true;
  return s.charCodeAt(hostEnd) === 0x3a /* : */ && /^[0-9]*$/.test(s.slice(hostEnd + 1));
}
