import type { WireEvent } from '../proxy/model.js';
import { PcapWriter } from './pcap-writer.js';
import { SyntheticTcpConnection } from './tcp-synth.js';

/** Addresses the proxy layer's captures give the three hosts (the manifest keeps the real ones). */
export const WIRE_CLIENT_IP = '10.0.1.2';
export const WIRE_PROXY_IP = '10.0.1.3';
export const WIRE_SERVER_IP = '10.0.1.1';

export interface WireToPcapOptions {
  /**
   * The port each leg's accepting end shows: 80 for cleartext, 443 for TLS, so tshark picks the
   * HTTP, HTTP/2 or TLS dissector unaided (the real ports are random loopback ones).
   */
  serverPort: number;
}

/**
 * Turn what a proxy relayed (WireEvent, harness/proxy/model.ts) into a classic pcap with both legs
 * of every proxied connection: client -> proxy, and proxy -> server, as synthesized IPv4/TCP at the
 * real times the proxy saw each read, write and close. Segment boundaries are the proxy's reads and
 * writes cut to the MSS, not what the kernel sent; the capture shows what crossed each socket and
 * when, which is what a toxic changes. Events that cannot be represented become warnings.
 */
export function wireToPcap(events: readonly WireEvent[], options: WireToPcapOptions): { pcap: Buffer; warnings: string[] } {
  const writer = new PcapWriter();
  const legs = new Map<string, SyntheticTcpConnection>();
  const warnings: string[] = [];
  for (const e of events) {
    const key = `${e.proxy}/${e.connection}/${e.leg}`;
    try {
      let tcp = legs.get(key);
      if (tcp === undefined) {
        if (e.kind !== 'open') throw new Error('event before the leg opened');
        const realClientPort = e.endpoints?.clientPort ?? 0;
        tcp = new SyntheticTcpConnection(writer, {
          clientIp: e.leg === 'client' ? WIRE_CLIENT_IP : WIRE_PROXY_IP,
          // A real ephemeral port keeps legs apart; 0 (unknown) falls back to a unique one.
          clientPort: realClientPort > 0 ? realClientPort : 40000 + (e.connection % 20000),
          serverIp: e.leg === 'client' ? WIRE_PROXY_IP : WIRE_SERVER_IP,
          serverPort: options.serverPort,
        });
        legs.set(key, tcp);
      }
      switch (e.kind) {
        case 'open': tcp.open(e.at); break;
        case 'data': tcp.data(e.at, e.from, e.bytes ?? Buffer.alloc(0)); break;
        case 'fin': tcp.fin(e.at, e.from); break;
        case 'rst': tcp.reset(e.at, e.from); break;
      }
    } catch (err) {
      warnings.push(`${key} ${e.kind} from ${e.from}: ${(err as Error).message}`);
    }
  }
  return { pcap: writer.toBuffer(), warnings };
}
