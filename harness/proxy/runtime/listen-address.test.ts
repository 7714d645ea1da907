import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePort, resolveListen, splitHostPort } from './listen-address.js';
import { createProxyRuntime } from './index.js';
import type { ProxyRuntime } from '../model.js';

const runtimes: ProxyRuntime[] = [];
afterEach(async () => {
  while (runtimes.length) await runtimes.pop()!.stop();
});
function runtime(): ProxyRuntime {
  const rt = createProxyRuntime('p', '127.0.0.1:9', { seed: 's', onDecision: () => {} });
  runtimes.push(rt);
  return rt;
}
const hasIPv6 = await new Promise<boolean>((resolve) => {
  const s = net.createServer();
  s.once('error', () => resolve(false));
  s.listen(0, '::1', () => s.close(() => resolve(true)));
});

describe('listen addresses as Go prints them (reference §2, §3)', () => {
  it('splits host:port like net.SplitHostPort, with its error texts', () => {
    expect(splitHostPort('127.0.0.1:80')).toEqual({ host: '127.0.0.1', port: '80' });
    expect(splitHostPort('[::1]:0')).toEqual({ host: '::1', port: '0' });
    expect(splitHostPort(':0')).toEqual({ host: '', port: '0' });
    expect(splitHostPort('localhost:')).toEqual({ host: 'localhost', port: '' });
    expect(() => splitHostPort('local373')).toThrow('address local373: missing port in address');
    expect(() => splitHostPort('::1:80')).toThrow('address ::1:80: too many colons in address');
    expect(() => splitHostPort('[::1:80')).toThrow("address [::1:80: missing ']' in address");
    expect(() => splitHostPort('[::1]')).toThrow('address [::1]: missing port in address');
    expect(() => splitHostPort('[::1]x:80')).toThrow('address [::1]x:80: missing port in address');
    expect(() => splitHostPort('a]:80')).toThrow("address a]:80: unexpected ']' in address");
  });

  it('parses ports like Go', () => {
    expect(parsePort('')).toBe(0);
    expect(parsePort('+80')).toBe(80);
    expect(() => parsePort('70000')).toThrow('address 70000: invalid port');
    expect(() => parsePort('-1')).toThrow('address -1: invalid port');
    expect(() => parsePort('abc')).toThrow('lookup tcp/abc: unknown port');
  });

  it('resolves like net.ResolveTCPAddr', async () => {
    expect((await resolveListen('localhost:5555')).resolved).toBe('127.0.0.1:5555');
    expect(await resolveListen(':5555')).toEqual({ host: undefined, port: 5555, resolved: ':5555' });
    expect(await resolveListen('')).toEqual({ host: undefined, port: 0, resolved: ':0' });
    expect(await resolveListen('0.0.0.0:1')).toEqual({ host: undefined, port: 1, resolved: '0.0.0.0:1' });
    expect((await resolveListen('[0:0::1]:7')).resolved).toBe('[::1]:7');
    await expect(resolveListen('local373')).rejects.toThrow('address local373: missing port in address');
  });

  it('start() reports the bound address', async () => {
    expect(await runtime().start('127.0.0.1:0')).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await runtime().start('localhost:0')).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await runtime().start('')).toMatch(/^\[::\]:\d+$/);
    expect(await runtime().start(':0')).toMatch(/^\[::\]:\d+$/);
    if (hasIPv6) expect(await runtime().start('[::1]:0')).toMatch(/^\[::1\]:\d+$/);
  });

  it('start() rejects with Go error text', async () => {
    const bound = await runtime().start('127.0.0.1:0');
    const port = bound.split(':')[1];
    await expect(runtime().start(`127.0.0.1:${port}`)).rejects.toThrow(`listen tcp 127.0.0.1:${port}: bind: address already in use`);
    await expect(runtime().start(`localhost:${port}`)).rejects.toThrow(`listen tcp 127.0.0.1:${port}: bind: address already in use`);
    await expect(runtime().start('local373')).rejects.toThrow(/^listen tcp: address local373: missing port in address$/);
    const rt = runtime();
    await expect(rt.start('local373')).rejects.toThrow();
    expect(rt.running).toBe(false);
  });
});
