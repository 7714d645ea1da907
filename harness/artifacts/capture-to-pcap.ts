import type { CaptureEvent } from '../sim/test-socket.js';
import { PcapWriter } from './pcap-writer.js';
import { SyntheticTcpConnection } from './tcp-synth.js';

/** Addresses given to simulated hosts in captures: the server on port 80 so tshark decodes HTTP unaided. */
export const SIM_SERVER_IP = '10.0.0.1';
export const SIM_CLIENT_IP = '10.0.0.2';
export const SIM_SERVER_PORT = 80;

/**
 * Turn a simulation's capture log into a classic pcap: each simulated connection becomes a TCP
 * connection (handshake, the segments as the receiver got them, FIN or RST) at its virtual time.
 * Returns the file and any events that could not be represented (reported, never thrown).
 */
export function captureToPcap(events: readonly CaptureEvent[]): { pcap: Buffer; warnings: string[] } {
  const writer = new PcapWriter();
  const tcp = new Map<number, SyntheticTcpConnection>();
  const warnings: string[] = [];
  for (const e of events) {
    try {
      let conn = tcp.get(e.connection);
      if (conn === undefined) {
        // Distinct client ports per connection, so tshark never sees a reused port.
        conn = new SyntheticTcpConnection(writer, { clientIp: SIM_CLIENT_IP, clientPort: 40000 + e.connection, serverIp: SIM_SERVER_IP, serverPort: e.serverPort ?? SIM_SERVER_PORT });
        tcp.set(e.connection, conn);
      }
      switch (e.kind) {
        case 'open': conn.open(e.time); break;
        case 'data': conn.data(e.time, e.from, e.bytes ?? Buffer.alloc(0)); break;
        case 'fin': conn.fin(e.time, e.from); break;
        case 'rst': conn.reset(e.time, e.from); break;
      }
    } catch (err) {
      warnings.push(`c${e.connection} ${e.kind} from ${e.from} at ${e.time} ms: ${(err as Error).message}`);
    }
  }
  return { pcap: writer.toBuffer(), warnings };
}
