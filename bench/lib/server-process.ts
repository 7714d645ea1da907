/**
 * Starts a server as a child process and waits for it to announce where it listens. Servers are
 * started with `--port 0` so benchmarks never collide with something already bound; the only way
 * to learn the port is the URL the server prints on stdout once it is listening.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild, track } from './children.js';

export interface ServerCommand {
  /** Label used in messages and results ("aeronet", "node:http"). */
  name: string;
  /** argv[0]; with `shell: true`, the whole command line for /bin/sh. */
  command: string;
  args: readonly string[];
  /** Run `command` through /bin/sh -c (for user-supplied command lines such as --aeronet-cmd). */
  shell?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RunningServer {
  name: string;
  /** Base URL as printed by the server, without a trailing slash, e.g. http://127.0.0.1:41234. */
  url: string;
  child: ChildProcess;
  /** The last lines the server wrote (stdout and stderr interleaved), for error messages. */
  recentOutput(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

export class ServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerStartError';
  }
}

// Matches the URL wherever it sits in the line ("listening on http://127.0.0.1:41234").
const URL_IN_LINE = /\bhttps?:\/\/(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d+\b/;

/** Finds the first http(s)://host:port URL in a line of output, or null. Exported for tests. */
export function findUrl(line: string): string | null {
  const m = URL_IN_LINE.exec(line);
  return m ? m[0] : null;
}

const MAX_TAIL_LINES = 40;

export function describeCommand(cmd: ServerCommand): string {
  return cmd.shell ? cmd.command : [cmd.command, ...cmd.args].join(' ');
}

/**
 * Spawns `cmd` and resolves once a line of its stdout contains a URL. Rejects with the server's
 * recent output when it exits first, cannot be spawned, or prints nothing within `timeoutMs`; in
 * every rejection case the child has already been killed.
 */
export function startServer(cmd: ServerCommand, timeoutMs = 15_000): Promise<RunningServer> {
  const child = cmd.shell
    ? spawn('/bin/sh', ['-c', cmd.command], { cwd: cmd.cwd, env: cmd.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    : spawn(cmd.command, [...cmd.args], { cwd: cmd.cwd, env: cmd.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  track(child, { group: true });

  const tail: string[] = [];
  const remember = (line: string): void => {
    tail.push(line);
    if (tail.length > MAX_TAIL_LINES) tail.shift();
  };
  const recentOutput = (): string => tail.join('\n');

  let stopping: Promise<void> | undefined;
  const stop = (graceMs?: number): Promise<void> => (stopping ??= stopChild(child, graceMs));

  return new Promise<RunningServer>((resolve, reject) => {
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const out = recentOutput();
      const detail = out ? `\n--- last output of ${cmd.name} ---\n${out}\n---` : ` (${cmd.name} printed nothing)`;
      void stop(500).finally(() =>
        reject(new ServerStartError(`${cmd.name}: ${why}\n  command: ${describeCommand(cmd)}${detail}`)),
      );
    };

    const timer = setTimeout(() => fail(`no URL on stdout within ${timeoutMs} ms`), timeoutMs);

    // Line splitting by hand: readline would be fine too, but we also want stderr in the same tail.
    const lineReader = (onLine: (line: string) => void) => {
      let partial = '';
      return (chunk: Buffer): void => {
        partial += chunk.toString('utf8');
        let nl: number;
        while ((nl = partial.indexOf('\n')) !== -1) {
          onLine(partial.slice(0, nl).replace(/\r$/, ''));
          partial = partial.slice(nl + 1);
        }
        // A server that never prints a newline must not grow this without bound.
        if (partial.length > 64 * 1024) partial = partial.slice(-1024);
      };
    };

    child.stdout!.on(
      'data',
      lineReader((line) => {
        remember(line);
        if (settled) return;
        const url = findUrl(line);
        if (url === null) return;
        settled = true;
        clearTimeout(timer);
        resolve({ name: cmd.name, url: url.replace(/\/$/, ''), child, recentOutput, stop });
      }),
    );
    // Keep draining stderr for the whole run: a full pipe would block a server that logs.
    child.stderr!.on('data', lineReader((line) => remember(`[stderr] ${line}`)));

    child.once('error', (err) => fail(`could not be started: ${err.message}`));
    child.once('exit', (code, sig) => {
      fail(`exited before printing its URL (${sig ? `signal ${sig}` : `exit code ${code}`})`);
    });
  });
}
