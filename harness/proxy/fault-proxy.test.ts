import { describe, expect, it } from 'vitest';
import { createFaultProxy, type ToxicDecision } from './index.js';
import { connect, waitFor } from './runtime/test-support.js';
import { api, echoUpstream, faultProxy, onCleanup, proxyTo } from './api/test-support/api-fixtures.js';

/**
 * Same toxics, same connections, one after the other: the decision log without times. The two
 * links of a connection run concurrently, so their entries may interleave differently; each
 * link's own sequence is what the seed fixes (a stable sort by connection and direction keeps it).
 */
async function decisionRun(seed: string | number): Promise<Omit<ToxicDecision, 'at'>[]> {
  const fp = await faultProxy({ seed });
  const up = await echoUpstream();
  const port = await proxyTo(fp, 'db', up.address);
  await api(fp, 'POST', '/proxies/db/toxics', { type: 'latency', toxicity: 0.5, attributes: { latency: 1, jitter: 3 } });
  await api(fp, 'POST', '/proxies/db/toxics', { type: 'slicer', stream: 'upstream', toxicity: 0.5, attributes: { average_size: 2, size_variation: 1 } });
  for (let i = 0; i < 8; i++) {
    const c = await connect(port);
    c.socket.write('hello');
    await waitFor(() => c.received().length === 5);
    c.socket.destroy();
    await c.closed;
  }
  return fp
    .decisions()
    .map(({ at: _at, ...rest }) => rest)
    .sort((x, y) => x.connection - y.connection || x.direction.localeCompare(y.direction));
}

describe('createFaultProxy', () => {
  it('defaults: seed "1", the API on 127.0.0.1 at a free port', async () => {
    const fp = await faultProxy();
    expect(fp.seed).toBe('1');
    expect(fp.url).toBe(`http://127.0.0.1:${fp.port}`);
    expect(fp.port).toBeGreaterThan(0);
    expect((await fetch(`${fp.url}/version`)).status).toBe(200);
  });

  it('the same seed and the same connections give the same decisions; another seed others', async () => {
    const a = await decisionRun('same');
    const b = await decisionRun('same');
    const c = await decisionRun(42);
    expect(a.length).toBeGreaterThan(16);
    expect(a.filter((d) => d.kind === 'toxicity').length).toBe(16);
    expect(new Set(a.filter((d) => d.kind === 'toxicity').map((d) => d.active)).size).toBe(2);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a.every((d) => d.proxy === 'db')).toBe(true);
  });

  it('logs one event per applied change, in order, with times from its start', async () => {
    const fp = await faultProxy();
    const created = (await api(fp, 'POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream: 'x:1' })).json() as { listen: string };
    await api(fp, 'POST', '/proxies', { name: 'p', upstream: 'x:1' }); // 409: nothing applied
    await api(fp, 'PATCH', '/proxies/p', { listen: `localhost:${created.listen.split(':')[1]}` }); // same address: nothing applied
    await api(fp, 'PATCH', '/proxies/p', { upstream: 'y:2' });
    await api(fp, 'PATCH', '/proxies/p', { enabled: false });
    await api(fp, 'POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 5 } });
    await api(fp, 'PATCH', '/proxies/p/toxics/latency_downstream', { toxicity: 0.5 });
    await api(fp, 'DELETE', '/proxies/p/toxics/latency_downstream');
    await api(fp, 'POST', '/proxies/p/toxics', { type: 'noop' });
    await api(fp, 'POST', '/reset');
    await fp.populate([{ name: 'q', upstream: 'x:1', enabled: false }]);
    await api(fp, 'DELETE', '/proxies/p');
    const events = fp.events();
    expect(events.map((e) => [e.kind, e.proxy ?? null, e.toxic ?? null])).toEqual([
      ['proxy-created', 'p', null],
      ['proxy-updated', 'p', null],
      ['proxy-disabled', 'p', null],
      ['toxic-added', 'p', 'latency_downstream'],
      ['toxic-updated', 'p', 'latency_downstream'],
      ['toxic-removed', 'p', 'latency_downstream'],
      ['toxic-added', 'p', 'noop_downstream'],
      ['reset', null, null],
      ['populate', null, null],
      ['proxy-deleted', 'p', null],
    ]);
    expect(events[1]!.detail).toMatchObject({ from: { upstream: 'x:1' }, to: { upstream: 'y:2' } });
    expect(events[3]!.detail).toEqual({ type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5, jitter: 0 } });
    expect(events[7]!.detail).toEqual({ enabled: ['p'], toxicsRemoved: [{ proxy: 'p', toxic: 'noop_downstream' }] });
    expect(events[8]!.detail).toEqual({ created: ['q'], replaced: [], kept: [] });
    for (let i = 1; i < events.length; i++) expect(events[i]!.at).toBeGreaterThanOrEqual(events[i - 1]!.at);
    expect(events[0]!.at).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
  });

  it('populate() has /populate\'s semantics and throws the API message', async () => {
    const fp = await faultProxy();
    await fp.populate([{ NAME: 'a', upstream: 'x:1', listen: '127.0.0.1:0' }]);
    expect((await api(fp, 'GET', '/proxies/a')).json()).toMatchObject({ name: 'a', enabled: true });
    await expect(fp.populate([{ name: 'b' }])).rejects.toThrow(/^missing required field: upstream at proxy 1$/);
    await expect(fp.populate({ name: 'c' })).rejects.toThrow(/^bad request body: json: cannot unmarshal object into Go value of type \[\]struct/);
    await expect(fp.populate([{ name: 'd', upstream: 'x:1', listen: 'local373' }])).rejects.toThrow(/^listen tcp: address local373: missing port in address$/);
    await expect(fp.populate(undefined)).rejects.toThrow(/^bad request body: EOF$/);
  });

  it('close() ends the API, every listener and every proxied connection; it is idempotent', async () => {
    const fp = await createFaultProxy();
    onCleanup(() => fp.close());
    const up = await echoUpstream();
    const port = await proxyTo(fp, 'p', up.address);
    const c = await connect(port);
    c.socket.write('x');
    await waitFor(() => c.received().length === 1);
    await Promise.all([fp.close(), fp.close()]);
    await c.closed;
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
    await expect(fetch(`${fp.url}/version`)).rejects.toThrow();
    await expect(fp.populate([])).rejects.toThrow('the fault proxy is closed');
    await fp.close();
  });
});
