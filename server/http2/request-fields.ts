/**
 * The request's header section as HTTP/2 carries it (RFC 9113 §8.2, §8.3): pseudo-header fields
 * first, then regular fields, every name lower-case. A request that breaks these rules is
 * malformed, which is a stream error of type PROTOCOL_ERROR (§8.1.1): the caller resets the
 * stream with the message returned here.
 */
export interface RequestFields {
  method: string;
  scheme: string;
  /** :authority, or Host when :authority is absent; '' when neither. */
  authority: string;
  /** :path; for CONNECT the authority (its request-target, RFC 9110 §9.3.6). */
  path: string;
  /** Regular fields in order, cookie crumbs joined (§8.2.3). */
  headers: Array<[string, string]>;
  /** The declared content-length, or -1. */
  contentLength: number;
}

/** Fields with no meaning in HTTP/2: their presence makes a message malformed (§8.2.2). */
const CONNECTION_SPECIFIC = new Set(['connection', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

/**
 * Octets allowed in a regular field name (§8.2.1): visible ASCII except upper-case letters, and
 * not the delimiters a token excludes (RFC 9110 §5.6.2). 1 = allowed.
 */
const NAME_OCTET = (() => {
  const t = new Uint8Array(256);
  const token = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz";
  for (let i = 0; i < token.length; i++) t[token.charCodeAt(i)] = 1;
  return t;
})();

export function checkFieldName(name: string): string | null {
  if (name.length === 0) return 'empty field name';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (NAME_OCTET[c] !== 1) {
      return c >= 0x41 && c <= 0x5a ? `field name "${name}" has upper-case letters (RFC 9113 §8.2.1)` : `field name "${name}" has an invalid character (RFC 9113 §8.2.1)`;
    }
  }
  return null;
}

/** §8.2.1: no NUL, CR or LF anywhere, and no leading or trailing whitespace. */
export function checkFieldValue(name: string, value: string): string | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x00 || c === 0x0a || c === 0x0d) return `field "${name}" has NUL, CR or LF in its value (RFC 9113 §8.2.1)`;
  }
  if (value.length > 0) {
    const first = value.charCodeAt(0);
    const last = value.charCodeAt(value.length - 1);
    if (first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09) return `field "${name}" has whitespace around its value (RFC 9113 §8.2.1)`;
  }
  return null;
}

/** Validate a request header section; returns the request, or a reason it is malformed. */
export function parseRequestFields(fields: ReadonlyArray<readonly [string, string]>): RequestFields | string {
  let method: string | null = null;
  let scheme: string | null = null;
  let authority: string | null = null;
  let path: string | null = null;
  let host: string | null = null;
  let contentLength = -1;
  let regular = false;
  const headers: Array<[string, string]> = [];
  let cookies: string[] | null = null;
  for (const [name, value] of fields) {
    if (name.charCodeAt(0) === 0x3a /* : */) {
      // §8.3: pseudo-header fields come before every regular field, once each, request ones only.
      if (regular) return `pseudo-header field ${name} after a regular field (RFC 9113 §8.3)`;
      const bad = checkFieldValue(name, value);
      if (bad !== null) return bad;
      switch (name) {
        case ':method':
          if (method !== null) return 'duplicate :method (RFC 9113 §8.3.1)';
          method = value;
          break;
        case ':scheme':
          if (scheme !== null) return 'duplicate :scheme (RFC 9113 §8.3.1)';
          scheme = value;
          break;
        case ':authority':
          if (authority !== null) return 'duplicate :authority (RFC 9113 §8.3.1)';
          authority = value;
          break;
        case ':path':
          if (path !== null) return 'duplicate :path (RFC 9113 §8.3.1)';
          path = value;
          break;
        default:
          return `pseudo-header field ${name} is not a request pseudo-header (RFC 9113 §8.3)`;
      }
      continue;
    }
    regular = true;
    const badName = checkFieldName(name);
    if (badName !== null) return badName;
    const badValue = checkFieldValue(name, value);
    if (badValue !== null) return badValue;
    if (CONNECTION_SPECIFIC.has(name)) return `connection-specific field "${name}" (RFC 9113 §8.2.2)`;
    if (name === 'te' && value !== 'trailers') return `te: ${value}: only "trailers" is allowed (RFC 9113 §8.2.2)`;
    if (name === 'content-length') {
      if (!/^[0-9]{1,15}$/.test(value)) return `invalid content-length "${value}" (RFC 9110 §8.6)`;
      const n = Number(value);
      if (contentLength !== -1 && contentLength !== n) return 'conflicting content-length values (RFC 9110 §8.6)';
      contentLength = n;
    }
    if (name === 'host') {
      if (host !== null) return 'more than one host field (RFC 9110 §7.2)';
      host = value;
    }
    if (name === 'cookie') {
      // §8.2.3: cookie crumbs are joined with "; " before the application sees them.
      (cookies ??= []).push(value);
      continue;
    }
    headers.push([name, value]);
  }
  if (cookies !== null) headers.push(['cookie', cookies.join('; ')]);
  if (method === null) return 'missing :method (RFC 9113 §8.3.1)';
  if (method === 'CONNECT') {
    // §8.5: CONNECT carries only :method and :authority.
    if (scheme !== null || path !== null) return 'CONNECT with :scheme or :path (RFC 9113 §8.5)';
    if (authority === null || authority === '') return 'CONNECT without :authority (RFC 9113 §8.5)';
    return { method, scheme: '', authority, path: authority, headers, contentLength };
  }
  if (scheme === null) return 'missing :scheme (RFC 9113 §8.3.1)';
  if (path === null) return 'missing :path (RFC 9113 §8.3.1)';
  if (path === '') return 'empty :path (RFC 9113 §8.3.1)';
  if (path.charCodeAt(0) !== 0x2f /* / */ && !(path === '*' && method === 'OPTIONS')) {
    return `:path "${path}" is neither origin-form nor * for OPTIONS (RFC 9113 §8.3.1)`;
  }
  // §8.3.1: a Host that names another authority than :authority makes the request malformed.
  if (authority !== null && host !== null && host.toLowerCase() !== authority.toLowerCase()) {
    return `host "${host}" differs from :authority "${authority}" (RFC 9113 §8.3.1)`;
  }
  return { method, scheme, authority: authority ?? host ?? '', path, headers, contentLength };
}

/** Trailers (§8.1): regular fields only, same name and value rules. */
export function checkTrailerFields(fields: ReadonlyArray<readonly [string, string]>): string | null {
  for (const [name, value] of fields) {
    if (name.charCodeAt(0) === 0x3a) return `pseudo-header field ${name} in trailers (RFC 9113 §8.1)`;
    const bad = checkFieldName(name) ?? checkFieldValue(name, value);
    if (bad !== null) return bad;
    if (CONNECTION_SPECIFIC.has(name)) return `connection-specific field "${name}" in trailers (RFC 9113 §8.2.2)`;
  }
  return null;
}
