import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** netns/uml/init.sh: in the repository next to this file's source (or two levels above dist/netns/). */
export function umlInitScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '../..') : path.resolve(here, '..');
  return path.join(root, 'netns', 'uml', 'init.sh');
}

export interface UmlRun {
  /** The guest script's exit status; 124 when the time limit hit; 130 when interrupted. */
  exitCode: number;
  /** The guest console (init's messages, the script's stdout and stderr). */
  console: string;
  ms: number;
}

/**
 * Boot User-Mode Linux with the host's filesystem as its root (hostfs) and run `script` (a shell
 * script path, visible to the guest at the same path) as the guest's job, as root inside the
 * guest's own kernel, which has netem. The guest powers off when the script ends and its exit
 * status comes back. The guest is its own process group: a time limit, Ctrl-C or SIGTERM takes
 * down all of it (the kernel process and its helpers) and its ~/.uml folder, so nothing is left.
 */
export function runInUml(script: string, options: { timeoutMs: number; memMb?: number; onConsole?: (chunk: string) => void }): Promise<UmlRun> {
  const umid = `aeronet-${process.pid}-${Date.now().toString(36)}`;
  const started = performance.now();
  const args = [
    `mem=${options.memMb ?? 512}M`, 'rootfstype=hostfs', 'rootflags=/', 'rw',
    `init=${umlInitScript()}`, `UML_SCRIPT=${script}`, `umid=${umid}`,
    'con=null', 'con0=null,fd:1', 'quiet',
  ];
  // detached: a new process group (pgid = pid), so one kill reaches the kernel and its helpers.
  const child = spawn('linux', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let consoleText = '';
  const onData = (b: Buffer): void => {
    const s = b.toString();
    consoleText += s;
    options.onConsole?.(s);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // gone
    }
  };
  let reason: 'timeout' | 'signal' | null = null;
  const stopAll = (why: 'timeout' | 'signal'): void => {
    reason ??= why;
    killGroup('SIGTERM');
    setTimeout(() => killGroup('SIGKILL'), 5000).unref();
  };
  const timer = setTimeout(() => stopAll('timeout'), options.timeoutMs);
  const onSignal = (): void => stopAll('signal');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // The helpers outlive a killed kernel; the folder is UML's own bookkeeping.
      killGroup('SIGKILL');
      rmSync(path.join(homedir(), '.uml', umid), { recursive: true, force: true });
      const exitCode = reason === 'timeout' ? 124 : reason === 'signal' ? 130 : (code ?? 1);
      resolve({ exitCode, console: consoleText, ms: performance.now() - started });
    });
  });
}
