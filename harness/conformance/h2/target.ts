import { openSocket, realTimer } from '../open-socket.js';
import { Waiters } from './waiters.js';
import net from 'node:net';
import tls from 'node:tls';
import { RawH2Client } from '../../h2/raw-h2-client.js';

/**
 * How the conformance suite reaches a server. A target opens connections; each connection is a
 * RawH2Client wired to some transport (a kernel socket, a TLS socket, a simulated TestSocket),
 * with waits measured on that transport's clock: real time for sockets, virtual time in the sim.
 * The cases see only this interface, so the same case code judges any server the same way.
 */
export interface H2Conn {
  /** Frames out, frames in (recorded in `client.frames`). */
  client: RawH2Client;
  /**
   * Resolves true when `pred` holds (checked now, after each received batch of bytes and when
   * the connection closes), false once `timeoutMs` have passed on the target's clock.
   */
  until(pred: () => boolean, timeoutMs: number): Promise<boolean>;
  /** The server closed the connection (FIN or reset), or the connection failed. */
  readonly closed: boolean;
  /** How it closed, for reports: 'FIN', 'RST' (ECONNRESET) or another error code; null while open. */
  readonly closedHow: string | null;
  /**
   * A write of ours was refused (EPIPE, ECONNRESET: the server has gone) while the server's side
   * has not ended yet: we write no more, and read on to its FIN or reset, as Go's conn does.
   */
  readonly writeFailed: string | null;
  /** Stop reading the socket (the server's writes then back up, as TCP's window closes). */
  pauseReading(): void;
  resumeReading(): void;
  /**
   * Resolves true once everything written so far has left our side (the transport's send buffer
   * drained), false after `timeoutMs` or if the connection closed first: a server that stops
   * reading shows up here.
   */
  flushed(timeoutMs: number): Promise<boolean>;
  /** We are done: close our side (and stop listening). */
  close(): void;
}

export interface H2Target {
  /** What the reports name, e.g. "127.0.0.1:8443 (TLS)". */
  describe: string;
  /** :authority for requests (default "localhost"). */
  authority?: string;
  /** :scheme for requests (default "http", "https" over TLS). */
  scheme?: 'http' | 'https';
  /** The clock cases are timed on, in ms (default: performance.now). */
  now?(): number;
  connect(): Promise<H2Conn>;
}

export interface SocketTargetOptions {
  host: string;
  port: number;
  /** TLS with ALPN "h2"; otherwise cleartext HTTP/2 with prior knowledge (RFC 9113 §3.3). */
  tls?: boolean;
  /** Accept any certificate (self-signed test servers). */
  insecure?: boolean;
  /** SNI server name (default: host, when it is a name rather than an address). */
  servername?: string;
  /** Give up connecting after this long (default 5000 ms). */
  connectTimeoutMs?: number;
}

/** A server on a real socket, h2c prior knowledge or h2 over TLS. */
export function socketTarget(options: SocketTargetOptions): H2Target {
  const { host, port } = options;
  const useTls = options.tls === true;
  const shownHost = net.isIPv6(host) ? `[${host}]` : host;
  // spec.CommonHeaders: the port is left out of :authority when it is the scheme's default.
  const defaultPort = port === (useTls ? 443 : 80);
  return {
    describe: `${shownHost}:${port}${useTls ? ' (TLS)' : ' (h2c)'}`,
    authority: defaultPort ? shownHost : `${shownHost}:${port}`,
    scheme: useTls ? 'https' : 'http',
    now: () => performance.now(),
    connect: () => connectSocket(options),
  };
}

async function connectSocket(options: SocketTargetOptions): Promise<H2Conn> {
  const socket = await openSocket({ ...options, alpn: 'h2' });
  // As Go's net.Dial (h2spec): TCP_NODELAY, over TLS too. Without it a frame written as a header
  // and a payload (h2spec's hand-made frames) waits for the peer's delayed ACK, ~40 ms a case.
  socket.setNoDelay(true);
  if (options.tls === true && (socket as tls.TLSSocket).alpnProtocol !== 'h2') {
    socket.destroy();
    throw new Error(`${options.host}:${options.port} did not negotiate h2 with ALPN (got ${String((socket as tls.TLSSocket).alpnProtocol)})`);
  }
  return new SocketConn(socket);
}

/** One socket connection: bytes in go to the client, waits run on real timers. */
class SocketConn implements H2Conn {
  readonly client: RawH2Client;
  closed = false;
  closedHow: string | null = null;
  writeFailed: string | null = null;
  private readonly waiters = new Waiters(realTimer);

  constructor(private readonly socket: net.Socket) {
    // As Go's net.Conn, which h2spec reads: a failed write loses nothing the server sent before
    // it went away (typically its GOAWAY, when our frames were still going out after the server
    // closed: a Go or C client reads it after EPIPE). A node socket destroys itself on a write
    // error, and with it what is still in the kernel's receive queue; so write errors stop here,
    // we write no more, and the read side goes on to the server's FIN or reset.
    const write = socket._write.bind(socket);
    const writev = socket._writev?.bind(socket);
    const keep = (cb: (err?: Error | null) => void) => (err?: Error | null) => {
      if (err !== undefined && err !== null) this.failWrite(err as NodeJS.ErrnoException);
      cb();
    };
    socket._write = (chunk: unknown, encoding: BufferEncoding, cb: (err?: Error | null) => void) => write(chunk, encoding, keep(cb));
    if (writev !== undefined) socket._writev = (chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>, cb: (err?: Error | null) => void) => writev(chunks, keep(cb));
    this.client = new RawH2Client({
      write: (bytes) => {
        if (this.closed || this.writeFailed !== null) return;
        // Not writable any more without an event yet: the peer's FIN made node end our side.
        if (socket.destroyed || !socket.writable) this.markClosed('FIN');
        else socket.write(bytes);
      },
    });
    socket.on('data', (chunk: Buffer) => {
      this.client.receive(chunk);
      this.notify();
    });
    socket.on('end', () => this.markClosed('FIN'));
    socket.on('error', (err: NodeJS.ErrnoException) => this.markClosed(err.code === 'ECONNRESET' ? 'RST' : (err.code ?? err.message)));
    socket.on('close', () => this.markClosed('FIN'));
  }

  private failWrite(err: NodeJS.ErrnoException): void {
    if (this.writeFailed !== null) return;
    this.writeFailed = err.code === 'ECONNRESET' ? 'RST' : (err.code ?? err.message);
    this.notify();
  }

  private markClosed(how: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closedHow = how;
    this.notify();
  }

  private notify(): void {
    this.waiters.notify();
  }

  until(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.waiters.until(pred, timeoutMs);
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  flushed(timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    // Our writes are refused: nothing drains any more.
    if (this.writeFailed !== null) return Promise.resolve(false);
    // Even with room to write, yield to the event loop: a writer that loops on resolved promises
    // alone would never let the socket report an end or an error.
    if (!this.socket.writableNeedDrain) return new Promise((resolve) => setImmediate(() => resolve(!this.closed)));
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.socket.removeListener('drain', onDrain);
        this.waiters.remove(onClose);
        resolve(value);
      };
      const onDrain = () => done(true);
      const onClose = () => {
        if (this.closed || this.writeFailed !== null) done(false);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.socket.once('drain', onDrain);
      this.waiters.add(onClose);
    });
  }

  close(): void {
    this.waiters.clear();
    this.socket.destroy();
  }
}
