import { spawn, type ChildProcess } from 'node:child_process';

/** A running tcpdump writing one classic pcap. */
export interface Tcpdump {
  /** Stop it and let it flush; resolves once it has exited, with its own count of what it missed. */
  stop(): Promise<TcpdumpStats | null>;
}

/** tcpdump's closing counts (null when it printed none): packets the kernel dropped were never written. */
export interface TcpdumpStats {
  captured: number;
  droppedByKernel: number;
}

export interface TcpdumpOptions {
  iface: string;
  file: string;
  /** A BPF filter (default: everything on the interface). */
  filter?: string;
  /** Run it under this command (['ip', 'netns', 'exec', ns] for a namespace's interface). */
  prefix?: readonly string[];
  /** How long it may take to start listening (User-Mode Linux is slow to start processes). */
  startMs?: number;
}

/**
 * Start tcpdump and wait until it is listening, so the first packet of what follows is in the
 * file: the kernel's view of a layer's traffic (real segments, ACKs, retransmits, RSTs).
 * --immediate-mode hands each packet over as it arrives; without it TPACKET_V3 holds packets in
 * a ring block until the block times out, and a SIGINT within that second leaves "0 packets
 * captured". -U writes each packet out at once; -Z root keeps writing as root (tcpdump otherwise
 * drops to a user that may not own the folder).
 */
export async function startTcpdump(options: TcpdumpOptions): Promise<Tcpdump> {
  // -B: a 16 MiB capture buffer (the default 2 MiB overflows when a loaded machine starves tcpdump
  // during a burst of 64 KiB loopback segments, and the kernel drops what does not fit).
  const argv = [...(options.prefix ?? []), 'tcpdump', '-i', options.iface, '--immediate-mode', '-U', '-B', '16384', '-s', '0', '-n', '-Z', 'root', '-w', options.file, ...(options.filter ? [options.filter] : [])];
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const startMs = options.startMs ?? 5000;
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump on ${options.iface} did not start listening within ${startMs / 1000} s: ${err.trim()}`)), startMs);
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      err += s;
      if (/listening on/.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`tcpdump on ${options.iface} exited before listening: ${err.trim()}`));
    });
  });
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // The last packets (a FIN) may still be on their way.
        await new Promise((r) => setTimeout(r, 100));
        child.kill('SIGINT');
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(kill);
      }
      const captured = /(\d+) packets? captured/.exec(err);
      const dropped = /(\d+) packets? dropped by kernel/.exec(err);
      return captured && dropped ? { captured: Number(captured[1]), droppedByKernel: Number(dropped[1]) } : null;
    },
  };
}
