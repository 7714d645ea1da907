import dns from 'node:dns/promises';
import net from 'node:net';

/**
 * Go's net address handling, as far as a Toxiproxy listen/upstream string meets it (reference §2
 * error catalogue, §3 `listen`). Errors carry Go's text so the API can return it verbatim.
 */

/** Go's *net.AddrError text: "address <addr>: <why>" ("<why>" alone for an empty addr). */
function addrError(addr: string, why: string): Error {
  return new Error(addr === '' ? why : `address ${addr}: ${why}`);
}

/** net.SplitHostPort, with its error texts ("address local373: missing port in address", ...). */
export function splitHostPort(hostport: string): { host: string; port: string } {
  const missingPort = 'missing port in address';
  const tooManyColons = 'too many colons in address';
  const i = hostport.lastIndexOf(':');
  if (i < 0) throw addrError(hostport, missingPort);
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0) throw addrError(hostport, "missing ']' in address");
    if (end + 1 === hostport.length) throw addrError(hostport, missingPort);
    if (end + 1 !== i) throw addrError(hostport, hostport[end + 1] === ':' ? tooManyColons : missingPort);
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) throw addrError(hostport, tooManyColons);
  }
  if (hostport.slice(j).includes('[')) throw addrError(hostport, "unexpected '[' in address");
  if (hostport.slice(k).includes(']')) throw addrError(hostport, "unexpected ']' in address");
  return { host, port: hostport.slice(i + 1) };
}

/**
 * Go's port parsing for "tcp": "" is 0, optional sign, decimal, 0..65535 ("address 70000: invalid
 * port"). A name would be looked up in /etc/services by Go; we do not ("lookup tcp/http: unknown
 * port" for every name, a simplification).
 */
export function parsePort(port: string): number {
  if (port === '') return 0;
  const m = /^([+-]?)(\d+)$/.exec(port);
  if (!m) throw new Error(`lookup tcp/${port}: unknown port`);
  const n = (m[1] === '-' ? -1 : 1) * Number(m[2]);
  if (!(n >= 0 && n <= 0xffff)) throw addrError(port, 'invalid port');
  return n;
}

/** Where to bind, as resolved from a listen string. */
export interface ListenTarget {
  /** IP to bind; undefined = the wildcard (dual-stack [::] where IPv6 exists, as Go listens for "tcp"). */
  host: string | undefined;
  port: number;
  /** Go's TCPAddr.String() of the resolved address (":3310", "127.0.0.1:0", "[::1]:0"): what ResolveTCPAddr returns and bind errors name. */
  resolved: string;
}

function formatHostPort(ip: string, port: number): string {
  return net.isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Canonical text of an IP literal (Go prints "::1" for "0:0::1"). */
function canonicalIp(ip: string): string {
  return net.isIPv6(ip) ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

/**
 * net.ResolveTCPAddr("tcp", listen): errors are Go's bare text ("address local373: missing port in
 * address"); callers listening prefix "listen tcp: ". A hostname resolves to its first IPv4 address,
 * or first non-IPv4 one when the string had brackets (Go's addrList.forResolve): localhost ->
 * 127.0.0.1.
 */
export async function resolveListen(listen: string): Promise<ListenTarget> {
  let host = '';
  let portText = '';
  if (listen !== '') ({ host, port: portText } = splitHostPort(listen));
  const port = parsePort(portText);
  if (host === '') return { host: undefined, port, resolved: `:${port}` };
  let ip: string;
  if (net.isIP(host)) {
    ip = canonicalIp(host);
  } else {
    let addresses: { address: string; family: number }[];
    try {
      addresses = await dns.lookup(host, { all: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(`lookup ${host}: ${code === 'ENOTFOUND' || code === 'EAI_NODATA' ? 'no such host' : String(code ?? err)}`);
    }
    const want6 = listen.includes('[');
    const pick = addresses.find((a) => (want6 ? a.family !== 4 : a.family === 4));
    if (!pick) throw addrError(host, 'no suitable address found');
    ip = pick.address;
  }
  // Go listens dual-stack on [::] for any unspecified address with network "tcp", 0.0.0.0 included.
  const wildcard = ip === '0.0.0.0' || ip === '::';
  return { host: wildcard ? undefined : ip, port, resolved: formatHostPort(ip, port) };
}

/** Linux strerror texts as Go's syscall.Errno prints them, for the errors bind/listen meet. */
const ERRNO_TEXT: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EAFNOSUPPORT: 'address family not supported by protocol',
  EINVAL: 'invalid argument',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
  ENOBUFS: 'no buffer space available',
};

/** "listen tcp 127.0.0.1:3310: bind: address already in use" from Node's listen error. */
export function listenErrorText(target: ListenTarget, err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  const text = ERRNO_TEXT[code] ?? err.message;
  // libuv binds lazily and reports EADDRINUSE from listen(); Go fails in bind().
  const op = code in ERRNO_TEXT && code !== 'EMFILE' && code !== 'ENFILE' ? 'bind' : (err.syscall ?? 'listen');
  return `listen tcp ${target.resolved}: ${op}: ${text}`;
}

/** Listener.Addr().String() as Go prints it: "127.0.0.1:39989", "[::]:39989", "[::1]:39989". */
export function formatBoundAddress(address: net.AddressInfo): string {
  return formatHostPort(address.address, address.port);
}
