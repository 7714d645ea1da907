import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A tcpdump capture on the loopback interface, kept next to the proxy's own capture on failure. */
export interface LoopbackCapture {
  /** The pcap file (written as packets arrive, -U). */
  readonly file: string;
  /** Stop tcpdump and let it flush; resolves once it has exited. */
  stop(): Promise<void>;
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
  const filter = ports.map((p) => `tcp port ${p}`).join(' or ');
  // --immediate-mode: hand each packet over as it arrives; otherwise TPACKET_V3 holds packets in a
  // ring block until it times out, and a SIGINT within that second leaves "0 packets captured".
  // -U writes each one out at once; -Z root keeps writing as root (tcpdump otherwise drops to a
  // user that may not own the folder).
  const child: ChildProcess = spawn('tcpdump', ['-i', 'lo', '--immediate-mode', '-U', '-s', '0', '-n', '-Z', 'root', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start listening within 5 s: ${err.trim()}`)), 5000);
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      err += s;
      if (/listening on/.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited before listening: ${err.trim()}`));
    });
  });
  return {
    file,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // The last packets (the server's FIN) may still be on their way through the socket.
      await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGINT');
      const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(kill);
    },
    discard: () => rmSync(dir, { recursive: true, force: true }),
  };
}
