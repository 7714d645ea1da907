import { openSocket, realTimer } from '../open-socket.js';
import net from 'node:net';
import { Waiters } from '../h2/waiters.js';

/**
 * How the HTTP/1.1 conformance suite reaches a server: a target opens connections, and a
 * connection is raw bytes both ways, with waits measured on the transport's clock (real time for
 * sockets, virtual time in the sim). The cases see only this interface, so the same case code
 * judges any server the same way.
 */
export interface H1Conn {
  /**
   * Send bytes exactly as given (a string is sent as latin1, one octet per character). Resolves
   * once they are handed to the transport; never rejects: writing to a connection the server has
   * closed is an outcome the case reads from `closed`/`reset`, not an error.
   */
  write(bytes: Buffer | string): Promise<void>;
  /** Half-close our side (FIN); we keep reading. */
  end(): void;
  /**
   * Resolves true when `pred` holds (checked now, after each batch of received bytes and when the
   * connection closes), or with `pred()`'s value once `timeoutMs` have passed on the target's clock.
   */
  until(pred: () => boolean, timeoutMs: number): Promise<boolean>;
  /** Every byte received so far. */
  readonly received: Buffer;
  /** The server closed the connection: FIN, or a reset. */
  readonly closed: boolean;
  /** The connection was reset (ECONNRESET/EPIPE) rather than closed with a FIN. */
  readonly reset: boolean;
  /** We are done: close our side and stop listening. */
  close(): void;
}

export interface H1Target {
  /** What the reports name, e.g. "127.0.0.1:8080". */
  describe: string;
  /** The Host field value for requests (default "localhost"). */
  authority?: string;
  /** The clock cases are timed on, in ms (default: performance.now). */
  now?(): number;
  connect(): Promise<H1Conn>;
}

export interface SocketTargetOptions {
  host: string;
  port: number;
  /** HTTP/1.1 over TLS (ALPN "http/1.1"); otherwise cleartext. */
  tls?: boolean;
  /** Accept any certificate (self-signed test servers). */
  insecure?: boolean;
  /** SNI server name (default: host, when it is a name rather than an address). */
  servername?: string;
  /** The Host field value (default host:port). */
  authority?: string;
  /** Give up connecting after this long (default 5000 ms). */
  connectTimeoutMs?: number;
}

/** A server on a real socket, cleartext or TLS. */
export function socketTarget(options: SocketTargetOptions): H1Target {
  const { host, port } = options;
  const useTls = options.tls === true;
  const shownHost = net.isIPv6(host) ? `[${host}]` : host;
  return {
    describe: `${shownHost}:${port}${useTls ? ' (TLS)' : ''}`,
    authority: options.authority ?? `${shownHost}:${port}`,
    now: () => performance.now(),
    connect: () => connectSocket(options),
  };
}

function connectSocket(options: SocketTargetOptions): Promise<H1Conn> {
  // allowHalfOpen: the server's FIN must not make node end our side; we report what it did.
  return openSocket({ ...options, alpn: 'http/1.1', allowHalfOpen: true }).then((socket) => new SocketConn(socket));
}

/** One socket connection: bytes collected as they come, waits on real timers. */
class SocketConn implements H1Conn {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  private joined: Buffer | null = Buffer.alloc(0);
  closed = false;
  reset = false;
  private readonly waiters = new Waiters(realTimer);

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.total += chunk.length;
      this.joined = null;
      this.waiters.notify();
    });
    socket.on('end', () => this.markClosed(false));
    socket.on('error', (err: NodeJS.ErrnoException) => this.markClosed(err.code === 'ECONNRESET' || err.code === 'EPIPE'));
    socket.on('close', () => this.markClosed(false));
  }

  get received(): Buffer {
    if (this.joined === null) this.joined = Buffer.concat(this.chunks, this.total);
    return this.joined;
  }

  private markClosed(reset: boolean): void {
    if (reset) this.reset = true;
    if (this.closed) return;
    this.closed = true;
    this.waiters.notify();
  }

  write(bytes: Buffer | string): Promise<void> {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    if (this.socket.destroyed || !this.socket.writable) return Promise.resolve();
    return new Promise((resolve) => {
      // The callback comes once the bytes reach the kernel, or with an error; a destroyed socket
      // may drop it, so its close settles the write too.
      const done = () => {
        this.socket.removeListener('close', done);
        resolve();
      };
      this.socket.once('close', done);
      this.socket.write(data, done);
    });
  }

  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  until(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.waiters.until(pred, timeoutMs);
  }

  close(): void {
    this.waiters.clear();
    this.socket.destroy();
  }
}
