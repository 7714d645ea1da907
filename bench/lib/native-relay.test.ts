import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNativeRelay, firstErrorLine, needsBuild, rotation, type NativeRelayPaths } from './native-relay.js';
import { startServer, type RunningServer } from './server-process.js';

describe('rotation', () => {
  it('rotates three paths one step per round, each first in turn', () => {
    const paths = ['direct', 'proxy', 'c-relay'] as const;
    expect(rotation(paths, 1)).toEqual(['direct', 'proxy', 'c-relay']);
    expect(rotation(paths, 2)).toEqual(['proxy', 'c-relay', 'direct']);
    expect(rotation(paths, 3)).toEqual(['c-relay', 'direct', 'proxy']);
    expect(rotation(paths, 4)).toEqual(['direct', 'proxy', 'c-relay']);
  });

  it('over n rounds puts every path in every position once', () => {
    const paths = ['a', 'b', 'c', 'd'];
    for (let pos = 0; pos < paths.length; pos++) {
      const seen = [1, 2, 3, 4].map((round) => rotation(paths, round)[pos]);
      expect(new Set(seen).size).toBe(paths.length);
    }
  });

  it('is ABBA for two paths (the order bench:proxy had before the C relay)', () => {
    expect([1, 2, 3, 4].map((r) => rotation(['direct', 'proxy'], r))).toEqual([
      ['direct', 'proxy'],
      ['proxy', 'direct'],
      ['direct', 'proxy'],
      ['proxy', 'direct'],
    ]);
  });

  it('does not modify its input, handles empty and single lists, rejects a bad round', () => {
    const paths = ['x', 'y', 'z'];
    rotation(paths, 2);
    expect(paths).toEqual(['x', 'y', 'z']);
    expect(rotation([], 3)).toEqual([]);
    expect(rotation(['only'], 5)).toEqual(['only']);
    expect(() => rotation(paths, 0)).toThrow(RangeError);
    expect(() => rotation(paths, 1.5)).toThrow(RangeError);
  });
});

describe('needsBuild', () => {
  it('builds when the binary is missing or older than the source, not when it is as new or newer', () => {
    expect(needsBuild(1000, null)).toBe(true);
    expect(needsBuild(1000, 999)).toBe(true);
    expect(needsBuild(1000, 1000)).toBe(false);
    expect(needsBuild(1000, 2000)).toBe(false);
  });
});

describe('firstErrorLine', () => {
  it('picks the line that names the error', () => {
    const out = "x.cpp: In function 'int main()':\nx.cpp:1:5: error: 'foo' was not declared in this scope\n    1 | int main() { foo(); }\n";
    expect(firstErrorLine(out)).toBe("x.cpp:1:5: error: 'foo' was not declared in this scope");
    expect(firstErrorLine('\n  something odd\n')).toBe('something odd');
    expect(firstErrorLine('')).toBe('(no output)');
  });
});

const hasGxx = spawnSync('g++', ['--version']).status === 0;
const SOURCE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'epoll-relay.cpp');

describe('ensureNativeRelay', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aeronet-native-relay-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a missing compiler in one line', () => {
    const paths: NativeRelayPaths = { source: SOURCE, binary: join(dir, 'nocc', 'relay') };
    const r = ensureNativeRelay(paths, 'aeronet-no-such-compiler');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('aeronet-no-such-compiler is not installed (not found on PATH)');
  });

  it('reports a missing source', () => {
    const r = ensureNativeRelay({ source: join(dir, 'nope.cpp'), binary: join(dir, 'nope') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/nope\.cpp is missing$/);
  });

  it.runIf(hasGxx)('reports a failed compile with the error line, and leaves no binary', () => {
    const source = join(dir, 'broken.cpp');
    writeFileSync(source, 'int main() { return undeclared_thing; }\n');
    const r = ensureNativeRelay({ source, binary: join(dir, 'broken') });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/^g\+\+ failed \(exit code 1\): .*error: .*undeclared_thing/);
      expect(r.reason).not.toContain('\n');
    }
    expect(() => statSync(join(dir, 'broken'))).toThrow();
  });

  it.runIf(hasGxx)('compiles once, then reuses the binary until the source is newer', () => {
    const source = join(dir, 'tiny.cpp');
    const binary = join(dir, 'cache', 'tiny');
    writeFileSync(source, 'int main() { return 0; }\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(source, old, old);
    expect(ensureNativeRelay({ source, binary })).toMatchObject({ ok: true, build: 'compiled', binary });
    expect(ensureNativeRelay({ source, binary })).toMatchObject({ ok: true, build: 'cached' });
    const later = new Date(Date.now() + 60_000);
    utimesSync(source, later, later);
    expect(ensureNativeRelay({ source, binary })).toMatchObject({ ok: true, build: 'compiled' });
  });
});

/** Byte i of the test streams: period 251 (prime), so a lost, repeated or reordered chunk shows. */
function patternChunk(start: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = (start + i) % 251;
  return b;
}

/** Counts and checks bytes against patternChunk as they arrive; `bad` is the first wrong offset. */
function checker(): { feed(b: Buffer): void; readonly count: number; readonly bad: number } {
  let count = 0;
  let bad = -1;
  return {
    feed(b) {
      for (let i = 0; i < b.length; i++) {
        if (bad < 0 && b[i] !== (count + i) % 251) bad = count + i;
      }
      count += b.length;
    },
    get count() {
      return count;
    },
    get bad() {
      return bad;
    },
  };
}

/** Writes `total` pattern bytes to `socket`, honouring backpressure; resolves once all are queued. */
async function writePattern(socket: net.Socket, total: number): Promise<void> {
  const CHUNK = 256 * 1024;
  for (let off = 0; off < total; off += CHUNK) {
    const ok = socket.write(patternChunk(off, Math.min(CHUNK, total - off)));
    if (!ok) await new Promise<void>((r) => socket.once('drain', () => r()));
  }
}

function listen(server: net.Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)));
}

function connect(url: string): net.Socket {
  const u = new URL(url);
  return net.connect({ host: u.hostname, port: Number(u.port), noDelay: true });
}

describe.runIf(hasGxx && process.platform === 'linux')('epoll-relay', () => {
  let dir: string;
  let binary: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aeronet-epoll-relay-'));
    const r = ensureNativeRelay({ source: SOURCE, binary: join(dir, 'epoll-relay') });
    if (!r.ok) throw new Error(r.reason);
    binary = r.binary;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = (upstreamPort: number): Promise<RunningServer> => startServer({ name: 'epoll-relay', command: binary, args: [String(upstreamPort), '0'] });

  it('prints its bound URL and exits 0 on SIGTERM', async () => {
    const relay = await start(1);
    expect(relay.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(relay.url).not.toBe('http://127.0.0.1:0');
    const exited = new Promise<number | null>((r) => relay.child.once('exit', (code) => r(code)));
    await relay.stop();
    expect(await exited).toBe(0);
  });

  it('rejects bad arguments with a usage line', () => {
    const r = spawnSync(binary, ['x', '0'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: epoll-relay/);
  });

  it('relays 48 MiB to a slow reader without losing a byte, then closes after the upstream EOF', async () => {
    // The reader pauses often, so the relay's writes to it come back partial or EAGAIN and the
    // rest must wait in its buffer; the upstream then ends, and every byte must still arrive.
    const TOTAL = 48 * 1024 * 1024;
    const upstream = net.createServer((s) => void writePattern(s, TOTAL).then(() => s.end()));
    const port = await listen(upstream);
    const relay = await start(port);
    try {
      const check = checker();
      const socket = connect(relay.url);
      let pauses = 0;
      socket.on('data', (b: Buffer) => {
        check.feed(b);
        if (pauses < 200 && check.count > pauses * 200_000) {
          pauses++;
          socket.pause();
          setTimeout(() => socket.resume(), 2);
        }
      });
      await new Promise<void>((r, j) => socket.once('end', r).once('error', j));
      socket.destroy();
      expect(check.bad).toBe(-1);
      expect(check.count).toBe(TOTAL);
      expect(pauses).toBeGreaterThan(50);
    } finally {
      await relay.stop();
      upstream.close();
    }
  });

  it('relays both ways at once under backpressure (an echo upstream reading slowly)', async () => {
    const TOTAL = 24 * 1024 * 1024;
    const upstream = net.createServer((s) => {
      // Echo, but stall now and then, so the relay's client-to-upstream buffer fills and it must
      // stop reading the client while still passing the echo back.
      let n = 0;
      s.on('data', (b: Buffer) => {
        if (!s.write(b)) s.pause();
        if (++n % 20 === 0) {
          s.pause();
          setTimeout(() => s.resume(), 3);
        }
      });
      s.on('drain', () => s.resume());
      s.on('error', () => {});
    });
    const port = await listen(upstream);
    const relay = await start(port);
    try {
      const check = checker();
      const socket = connect(relay.url);
      const done = new Promise<void>((r, j) => {
        socket.on('data', (b: Buffer) => {
          check.feed(b);
          if (check.count >= TOTAL) r();
        });
        socket.once('error', j);
        socket.once('close', () => j(new Error(`closed after ${check.count} bytes`)));
      });
      await new Promise<void>((r) => socket.once('connect', () => r()));
      await writePattern(socket, TOTAL);
      await done;
      socket.destroy();
      expect(check.bad).toBe(-1);
      expect(check.count).toBe(TOTAL);
    } finally {
      await relay.stop();
      upstream.close();
    }
  });

  it('passes a request and its response through, many connections at once', async () => {
    const upstream = net.createServer((s) => s.once('data', (b: Buffer) => s.end(`got ${b.toString()}`)));
    const port = await listen(upstream);
    const relay = await start(port);
    try {
      const one = (i: number): Promise<string> =>
        new Promise((r, j) => {
          const s = connect(relay.url);
          let text = '';
          s.setEncoding('utf8').on('data', (t: string) => (text += t));
          s.once('connect', () => s.write(`hello ${i}`));
          s.once('end', () => r(text));
          s.once('error', j);
        });
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => one(i)));
      expect(answers).toEqual(Array.from({ length: 50 }, (_, i) => `got hello ${i}`));
    } finally {
      await relay.stop();
      upstream.close();
    }
  });

  it('closes the client when the upstream refuses the connection', async () => {
    const probe = net.createServer();
    const port = await listen(probe);
    await new Promise<void>((r) => probe.close(() => r()));
    const relay = await start(port);
    try {
      const s = connect(relay.url);
      const how = await new Promise<string>((r) => {
        s.once('end', () => r('eof'));
        s.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? 'error'));
        s.resume();
      });
      s.destroy();
      expect(['eof', 'ECONNRESET']).toContain(how);
    } finally {
      await relay.stop();
    }
  });

  it('is the source bench:proxy builds', () => {
    expect(readFileSync(SOURCE, 'utf8')).toContain('epoll relay listening on http://127.0.0.1:%d');
  });
});
