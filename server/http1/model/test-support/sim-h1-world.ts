import { Sim } from '../../../../harness/sim/sim.js';
import type { TestConnection } from '../../../../harness/sim/test-socket.js';
import { parseResponses, type ParsedResponse } from '../../../../harness/http/response-parser.js';
import { demoServerOnSim, type DemoServerOnSim } from '../../../../harness/runner/demo-server-on-sim.js';
import { MemoryLogger } from '../../../core/logger.js';
import { DEFAULT_HTTP1_TIMEOUTS } from '../../http1-options.js';
import { Divergence, type Observation } from '../http1-connection-model.js';

/**
 * Virtual time after which the world counts as quiet: far below every server timeout (the
 * shortest, keep-alive, is seconds), far above anything the reliable link and the demo routes
 * take (no latency, handlers that answer at once).
 */
const QUIET_MS = 50;

const SWITCHING = Buffer.from('HTTP/1.1 101 ', 'latin1');
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Test-only: aeronet with the demo routes on a Sim (harness/runner/demo-server-on-sim.ts), one
 * raw connection to it over a reliable TestConnection, and what the client saw as an Observation
 * for the model.
 */
export class SimH1World {
  readonly sim: Sim;
  readonly demo: DemoServerOnSim;
  readonly logger = new MemoryLogger();
  readonly conn: TestConnection;
  /** Responses (interim ones included) already compared with the model. */
  private seen = 0;

  constructor(seed: number) {
    this.sim = new Sim({ seed });
    this.demo = demoServerOnSim(this.sim, this.logger);
    this.conn = this.sim.connect(this.demo.accept);
  }

  /** The server's timeout for request content: waiting past it is a client step. */
  static readonly contentTimeoutMs = DEFAULT_HTTP1_TIMEOUTS.bodyMs;

  /** Send `octets` as one write, then run virtual time until the world is quiet. */
  async write(octets: string): Promise<void> {
    // A write after the server's reset fails like write(2) (EPIPE): the observation shows the close.
    await this.sim.run(this.conn.client.write(octets).catch(() => undefined));
    await this.untilQuiet();
  }

  /** Half-close (FIN), then run until quiet. */
  async fin(): Promise<void> {
    this.conn.client.end();
    await this.untilQuiet();
  }

  async untilQuiet(): Promise<void> {
    await this.sim.run(this.sim.sleep(QUIET_MS));
  }

  async wait(ms: number): Promise<void> {
    await this.sim.run(this.sim.sleep(ms));
  }

  /**
   * What the client has seen since the last call: the statuses of complete new responses, and
   * whether the server closed or switched protocols. `head` says, for every final response from
   * the first, whether it answers a HEAD (so has no content). A response left half-sent while
   * the world is quiet, or bytes that do not parse, are divergences of their own.
   */
  observe(head: readonly boolean[]): Observation {
    const received = this.conn.client.received;
    const closed = this.conn.client.ended || this.conn.client.closed;
    // After a 101 the bytes belong to the new protocol: parse HTTP/1.1 up to the 101's head only.
    const at = received.indexOf(SWITCHING);
    const h1 = at < 0 ? received : received.subarray(0, received.indexOf(CRLFCRLF, at) + 4);
    const after = at < 0 ? Buffer.alloc(0) : received.subarray(h1.length);
    let responses: ParsedResponse[];
    let rest: Buffer;
    try {
      ({ responses, rest } = parseResponses(h1, { head, closed }));
    } catch (err) {
      throw new Divergence(`the server's bytes do not parse as HTTP/1.1 responses: ${(err as Error).message}\n  ${JSON.stringify(h1.toString('latin1'))}`);
    }
    if (rest.length > 0) throw new Divergence(`a response left incomplete: ${JSON.stringify(rest.toString('latin1').slice(0, 200))}`);
    const fresh = responses.slice(this.seen);
    this.seen = responses.length;
    return { statuses: fresh.map((r) => r.status), closed, switched: at >= 0 && startsWithHttp2Settings(after) };
  }

  /** The client closes; every timer runs out; the server must have forgotten the connection. */
  async teardown(): Promise<void> {
    if (!this.conn.client.closed) this.conn.client.end();
    await this.sim.runUntilIdle();
    if (this.demo.registry.connectionCount !== 0) {
      throw new Divergence(`the server still holds ${this.demo.registry.connectionCount} connection(s) after the client closed and every timer ran`);
    }
  }
}

/** The server's first HTTP/2 frame is SETTINGS on stream 0 (RFC 9113 §3.4). */
function startsWithHttp2Settings(bytes: Buffer): boolean {
  return bytes.length >= 9 && bytes[3] === 0x04 && (bytes.readUInt32BE(5) & 0x7fffffff) === 0;
}
