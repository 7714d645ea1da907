/**
 * Running the CLI that vitest.global-setup.ts built, as a process, for the CLI tests: a command
 * that runs to its end (`runCli`), and a long-running one (`serve`, `proxy`) started and waited
 * for until its stdout says it is ready (`startCli`). Every started process is killed after each
 * test by `killStarted`, which the test file hooks into afterEach.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(cli: string, args: string[], timeoutMs = 10_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: ROOT, timeout: timeoutMs }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
      resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : null, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

export interface StartedCli {
  child: ChildProcess;
  /** The match of the first `ready` pattern. */
  match: RegExpExecArray;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];

/** Kill what startCli started and is still running (call from afterEach). */
export function killStarted(): void {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/**
 * Start `cli args...` and resolve once its stdout matches every `ready` pattern; throws with its
 * output when it exits first or takes longer than `timeoutMs` (generous: a cold start of the CLI
 * on a loaded 2-core machine can take seconds).
 */
export async function startCli(cli: string, args: string[], ready: RegExp[], timeoutMs = 15_000): Promise<StartedCli> {
  const child = spawn(process.execPath, [cli, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const deadline = performance.now() + timeoutMs;
  while (!ready.every((r) => r.test(out))) {
    if (child.exitCode !== null) throw new Error(`${args[0]} exited with ${child.exitCode}: ${err}`);
    if (performance.now() > deadline) throw new Error(`${args[0]} did not print ${ready.join(', ')}; stdout=${out} stderr=${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, match: ready[0]!.exec(out)!, stdout: () => out, stderr: () => err, exited };
}
