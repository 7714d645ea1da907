import { describe, expect, it } from 'vitest';
import { decodeStaticPath } from './safe-path.js';

const ignore = { dotfiles: 'ignore' as const };

describe('decodeStaticPath: hostile paths', () => {
  it.each<[string, 400 | 404]>([
    ['../secret.txt', 404],
    ['a/../../secret.txt', 404],
    ['./a.txt', 404],
    ['%2e%2e/secret.txt', 404],
    ['%2E%2E/secret.txt', 404],
    ['.%2e/secret.txt', 404],
    ['%2e/a.txt', 404],
    ['..%2fsecret.txt', 404],
    ['..%2Fsecret.txt', 404],
    ['%2e%2e%2fsecret.txt', 404],
    ['a%2f..%2f..%2fsecret.txt', 404],
    ['..%5csecret.txt', 404],
    ['..%5Csecret.txt', 404],
    ['..\\secret.txt', 404],
    ['a\\b.txt', 404],
    ['a.txt%00.html', 404],
    ['a.txt\u0000.html', 404],
    ['%0a.txt', 404],
    ['/etc/passwd', 404],
    ['//etc/passwd', 404],
    ['a//b.txt', 404],
    ['.env', 404],
    ['%2eenv', 404],
    ['.git/config', 404],
    ['sub/.hidden', 404],
    ['x'.repeat(256), 404],
    ['%zz', 400],
    ['%', 400],
    ['a%2', 400],
    ['%e2%82', 400], // a UTF-8 sequence cut short
    ['%c0%ae%c0%ae/secret.txt', 400], // overlong UTF-8 for '.', which decodeURIComponent refuses
  ])('%j → %d', (raw, status) => {
    const out = decodeStaticPath(raw, ignore);
    expect(out.ok).toBe(false);
    expect(out.ok === false && out.status).toBe(status);
  });

  it('decodes once: %252e%252e is a file named "%2e%2e", not ".."', () => {
    expect(decodeStaticPath('%252e%252e/secret.txt', ignore)).toEqual({ ok: true, segments: ['%2e%2e', 'secret.txt'], trailingSlash: false });
  });

  it.each<[string, string[], boolean]>([
    ['', [], true],
    ['a.txt', ['a.txt'], false],
    ['sub/', ['sub'], true],
    ['sub/index.html', ['sub', 'index.html'], false],
    ['sp%20ace.txt', ['sp ace.txt'], false],
    ['caf%C3%A9.txt', ['café.txt'], false],
    ['a..b.txt', ['a..b.txt'], false],
  ])('%j is %j', (raw, segments, trailingSlash) => {
    expect(decodeStaticPath(raw, ignore)).toEqual({ ok: true, segments, trailingSlash });
  });

  it('serves dotfiles only when they are allowed, and never "." or ".."', () => {
    expect(decodeStaticPath('.well-known/security.txt', { dotfiles: 'allow' })).toEqual({ ok: true, segments: ['.well-known', 'security.txt'], trailingSlash: false });
    expect(decodeStaticPath('..', { dotfiles: 'allow' }).ok).toBe(false);
    expect(decodeStaticPath('%2e', { dotfiles: 'allow' }).ok).toBe(false);
  });
});
