import { spawnSync } from 'node:child_process';
import { startTcpdump, type TcpdumpStats } from '../../artifacts/tcpdump.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A tcpdump capture on the loopback interface, kept next to the proxy's own capture on failure. */
export interface LoopbackCapture {
  /** The pcap file (written as packets arrive, -U). */
  readonly file: string;
  /** Stop tcpdump and let it flush; resolves once it has exited, with its drop count. */
  stop(): Promise<TcpdumpStats | null>;
  /** Delete the file (a passing run keeps nothing). */
  discard(): void;
}

let available: boolean | null = null;

/**
 * Why no kernel capture can be taken here, or null when tcpdump can capture on loopback: it must
 * be on PATH and we must be root (capturing needs CAP_NET_RAW). AERONET_TCPDUMP=0 turns it off.
 */
export function loopbackCaptureUnavailable(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env['AERONET_TCPDUMP'] === '0') return 'AERONET_TCPDUMP=0';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root (tcpdump needs CAP_NET_RAW)';
  available ??= spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;
  return available ? null : 'tcpdump is not installed (Debian: apt-get install tcpdump)';
}

/**
 * Start `tcpdump -i lo` for the given ports and wait until it is listening, so the first packet
 * of the scenario is in the file. The kernel's view: real segments, ACKs, retransmits and RSTs,
 * where the proxy's own capture shows what crossed each socket.
 */
export async function startLoopbackCapture(ports: readonly number[]): Promise<LoopbackCapture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aeronet-tcpdump-'));
  const file = path.join(dir, 'tcpdump.pcap');
  const dump = await startTcpdump({ iface: 'lo', file, filter: ports.map((p) => `tcp port ${p}`).join(' or ') });
  return {
    file,
    stop: () => dump.stop(),
    discard: () => rmSync(dir, { recursive: true, force: true }),
  };
}
