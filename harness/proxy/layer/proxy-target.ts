import { Toxiproxy } from 'toxiproxy-node-client';
import { createFaultProxy, type ProxyEvent } from '../index.js';
import type { ToxicDecision, WireEvent } from '../model.js';

/**
 * The proxy a proxy-layer run drives: aeronet's own fault proxy in this process (seeded, decisions
 * recorded, both legs captured), or, with TOXIPROXY_URL set, that real Toxiproxy. Either way every
 * toxic goes through toxiproxy-node-client, so a scenario cannot tell them apart.
 */
export interface ProxyTarget {
  kind: 'aeronet' | 'toxiproxy';
  /** The control API's base URL. */
  url: string;
  toxiproxy: Toxiproxy;
  /** Whether the toxics' random choices follow the seed (not on a real Toxiproxy: its -seed is a no-op). */
  seeded: boolean;
  /** Recorded toxic decisions; null when the proxy cannot report them. */
  decisions(): ToxicDecision[] | null;
  /** Both legs of every connection, for capture.pcap; null when the proxy cannot report them. */
  wire(): WireEvent[] | null;
  /** The proxy's event log (API changes applied); null for a real Toxiproxy. */
  events(): ProxyEvent[] | null;
  close(): Promise<void>;
}

/** Which proxy runs: TOXIPROXY_URL (a real Toxiproxy) when set, else ours seeded with `seed`. */
export async function openProxyTarget(seed: string, env: NodeJS.ProcessEnv = process.env): Promise<ProxyTarget> {
  const external = env['TOXIPROXY_URL'];
  if (external !== undefined && external !== '') {
    let url: URL;
    try {
      url = new URL(external);
    } catch {
      throw new Error(`TOXIPROXY_URL must be a URL like http://127.0.0.1:8474, got "${external}"`);
    }
    const base = url.origin;
    const toxiproxy = new Toxiproxy(base);
    try {
      await toxiproxy.getVersion();
    } catch (err) {
      throw new Error(`TOXIPROXY_URL=${base}: no Toxiproxy answers there (${(err as Error).message})`);
    }
    return { kind: 'toxiproxy', url: base, toxiproxy, seeded: false, decisions: () => null, wire: () => null, events: () => null, close: async () => {} };
  }
  const wire: WireEvent[] = [];
  const proxy = await createFaultProxy({ seed, onWire: (e) => wire.push(e) });
  return {
    kind: 'aeronet',
    url: proxy.url,
    toxiproxy: new Toxiproxy(proxy.url),
    seeded: true,
    decisions: () => proxy.decisions(),
    wire: () => wire,
    events: () => proxy.events(),
    close: () => proxy.close(),
  };
}
