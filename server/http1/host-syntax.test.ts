import { describe, expect, it } from 'vitest';
import { isHostAndPort, isUriHost } from './host-syntax.js';

describe('Host syntax (RFC 9110 §7.2, RFC 3986 §3.2.2-3)', () => {
  it('accepts names, IPv4, IPv6 and IPvFuture literals, with or without a port', () => {
    for (const ok of ['example.com', 'example.com:8080', 'a-b.c_d~e', 'x%41y', "sub!$&'()*+,;=", '127.0.0.1', '127.0.0.1:80', '[::1]', '[::1]:8080', '[2001:db8::ff00:42:8329]', '[::ffff:192.0.2.1]', '[1:2:3:4:5:6:7:8]', '[v1.fe80::a+en1]', 'host:']) {
      expect(isHostAndPort(ok), ok).toBe(true);
    }
  });

  it('refuses what only looks like a host: bad ports, brackets, userinfo, stray colons, bad escapes', () => {
    for (const bad of ['', ':80', 'host:8o', '[::1', '::1', 'a:b:c', ']x[', 'x]', '[::1]x', 'a[b]', 'a%zz', 'a%4', 'user@host', 'host/x', 'host, other', '[1:2:3:4:5:6:7:8:9]', '[1::2::3]', '[::ffff:300.0.0.1]', 'h\u00e9']) {
      expect(isHostAndPort(bad), JSON.stringify(bad)).toBe(false);
    }
    expect(isUriHost('[::1]')).toBe(true);
    expect(isUriHost('[::1]:80')).toBe(false);
  });
});
