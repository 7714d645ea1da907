import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** Where h2spec is: $H2SPEC if set (it must be an executable file), else the first `h2spec` on PATH. */
export function locateH2spec(env: NodeJS.ProcessEnv = process.env): string | null {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  const explicit = env['H2SPEC'];
  if (explicit !== undefined && explicit !== '') return executable(explicit) ? path.resolve(explicit) : null;
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, 'h2spec');
    if (executable(file)) return file;
  }
  return null;
}

export interface H2specRunOptions {
  host: string;
  port: number;
  tls?: boolean;
  insecure?: boolean;
  strict?: boolean;
  /** Our timeout in ms; h2spec takes whole seconds (-o), so it is rounded up. */
  timeoutMs?: number;
  /** h2spec's -P (target path of its GET and POST requests). */
  path?: string;
  /** Our filter entries; those h2spec understands (its groups, sections, case ids) are passed on. */
  filter?: readonly string[];
  junitFile: string;
}

/**
 * h2spec 2.6.0's command line for a run: `h2spec [spec...] -h H -p P [-t] [-k] [-S] -o S -P PATH
 * -j FILE`. Returns null when the filter selects none of h2spec's cases (only rfc9113/abuse).
 */
export function h2specArgs(o: H2specRunOptions): string[] | null {
  const filter = o.filter ?? [];
  let specs: string[] = [];
  if (filter.length > 0 && !filter.includes('h2spec')) {
    specs = filter.map((e) => e.replace(/\/+$/, '')).filter((e) => /^(generic|http2|hpack)(\/|$)/.test(e));
    if (specs.length === 0) return null;
  }
  return [
    ...specs,
    '-h', o.host,
    '-p', String(o.port),
    ...(o.tls === true ? ['-t'] : []),
    ...(o.insecure === true ? ['-k'] : []),
    ...(o.strict === true ? ['-S'] : []),
    '-o', String(Math.max(1, Math.ceil((o.timeoutMs ?? 2000) / 1000))),
    ...(o.path !== undefined ? ['-P', o.path] : []),
    '-j', o.junitFile,
  ];
}

export interface H2specProcessResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Run h2spec to completion (it exits 1 when a case fails; the JUnit file is what we read). */
export function runH2spec(binary: string, args: readonly string[], timeoutMs = 10 * 60_000): Promise<H2specProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stdout, stderr });
    });
  });
}
